from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import demo_logins


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        width = max(len(e) for e, _, _ in demo_logins())
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"CourseWorx is starting on {settings.SITE_URL}"))
        self.stdout.write(f"Demo logins (password for all: {settings.DEMO_PASSWORD}):")
        for email, _password, purpose in demo_logins():
            self.stdout.write(f"  {email.ljust(width)}  {purpose}")
        self.stdout.write(f"Admin: {settings.SITE_URL}/admin/   API docs: {settings.SITE_URL}/api/docs/")
        self.stdout.write("")
