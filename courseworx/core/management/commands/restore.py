from django.core.management.base import BaseCommand, CommandError

from courseworx.core import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: the database and both media roots.  SOURCE is a backup "
        "folder, its name inside BACKUP_DIR, or 'latest'.  Checks the manifest's checksums first.  Refuses a "
        "database that already has user accounts unless --force (which replaces its contents)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="a backup folder, its name in BACKUP_DIR, or 'latest'")
        parser.add_argument(
            "--force", action="store_true", help="Restore even into a database that holds data (it is replaced)."
        )

    def handle(self, *args, **options):
        try:
            log = backups.backup_restore(source=options["source"], force=options["force"], trigger="command")
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {log.path}."))
