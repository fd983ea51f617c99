"""Load the demo data: people first, then each app's `demo.seed(ctx, log)` in layer order.

It lives in reports, the top layer, because it calls every app's demo loader.

Idempotent: running it again creates nothing twice.  `--if-empty` does nothing when the demo
admin already exists (used by `make run` so a developer's data is never touched).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from accounts import demo_resumes as accounts_demo_resumes
from accounts.models import User
from billing import demo as billing_demo
from community import demo as community_demo
from courses import demo as courses_demo
from learning import demo as learning_demo
from learning import demo_career_paths as learning_demo_career_paths
from learning import demo_credentials as learning_demo_credentials
from learning import demo_exams as learning_demo_exams
from learning import demo_gamification as learning_demo_gamification
from learning import demo_mentorships as learning_demo_mentorships
from learning import demo_recommendations as learning_demo_recommendations
from reports import demo as reports_demo

# Order matters: later apps use what earlier ones created (ctx carries it).
DEMO_MODULES = [
    accounts_demo,
    courses_demo,
    learning_demo,
    learning_demo_credentials,
    learning_demo_career_paths,
    learning_demo_mentorships,
    accounts_demo_resumes,
    community_demo,
    learning_demo_recommendations,  # after the learners enrolled (learning, community)
    learning_demo_gamification,  # after community: reviews and accepted answers have earned their points
    learning_demo_exams,
    billing_demo,
    reports_demo,
]


class Command(BaseCommand):
    help = "Create demo users and content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Only seed a database without the demo admin.")

    def handle(self, *args, **options):
        if options["if_empty"] and User.objects.filter(email="admin@courseworx.local").exists():
            self.stdout.write("Demo data already present; skipping seed_demo.")
            return
        ctx: dict = {}
        for module in DEMO_MODULES:
            label = module.__name__.split(".")[0]
            self.stdout.write(f"Seeding {label}...")
            with transaction.atomic():
                module.seed(ctx, self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
