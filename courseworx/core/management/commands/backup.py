from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from courseworx.core import backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format on PostgreSQL, SQLite's backup API on SQLite) and both media "
        "roots into a new folder of BACKUP_DIR, with a manifest of checksums; then apply the retention "
        "(BACKUP_KEEP, BACKUP_KEEP_DAYS).  Each run is a BackupLog row."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="List the backups in BACKUP_DIR instead.")

    def handle(self, *args, **options):
        if options["list"]:
            for folder in backups.backup_list():
                self.stdout.write(str(folder))
            return
        try:
            log = backups.backup_create(trigger="command")
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {log.path} ({filesizeformat(log.size_bytes)})."))
