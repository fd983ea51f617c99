"""Create the Ed25519 key that signs Open Badges credentials; --rotate replaces the active one."""

from django.core.management.base import BaseCommand, CommandError

from courseworx.core.exceptions import ConflictError
from learning import services
from learning.models import CredentialSigningKey


class Command(BaseCommand):
    help = (
        "Create the credential signing key (Ed25519).  With --rotate, retire the active key and create a new "
        "one; retired keys stay published in the issuer profile, so credentials they signed still verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="Retire the active key and create a new one.")
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing (exit 0) when an active key exists already."
        )

    def handle(self, *args, rotate=False, if_missing=False, **options):
        active = CredentialSigningKey.objects.filter(is_active=True).first()
        if active is not None and if_missing and not rotate:
            self.stdout.write(f"Active signing key: {active.key_id} (unchanged).")
            return
        try:
            key = services.signing_key_create(rotate=rotate)
        except ConflictError as exc:
            raise CommandError(str(exc)) from None
        if active is not None:
            self.stdout.write(self.style.SUCCESS(f"Retired {active.key_id}; the active signing key is {key.key_id}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Created the signing key {key.key_id}."))
        self.stdout.write(f"Public key (Multikey): {key.public_key_multibase}")
