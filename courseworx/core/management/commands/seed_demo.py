"""Load the demo data: people first, then each app's `demo.seed(ctx, log)` in dependency order.

Idempotent: running it again creates nothing twice.  `--if-empty` does nothing when the demo
admin already exists (used by `make run` so a developer's data is never touched).
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User

# Order matters: later apps use what earlier ones created (ctx carries it).
DEMO_MODULES = ["accounts", "courses", "learning", "community", "billing", "reports"]


class Command(BaseCommand):
    help = "Create demo users and content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Only seed a database without the demo admin.")

    def handle(self, *args, **options):
        if options["if_empty"] and User.objects.filter(email="admin@courseworx.local").exists():
            self.stdout.write("Demo data already present; skipping seed_demo.")
            return
        ctx: dict = {}
        for label in DEMO_MODULES:
            try:
                module = import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            self.stdout.write(f"Seeding {label}...")
            with transaction.atomic():
                module.seed(ctx, self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
