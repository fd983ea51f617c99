"""Store every periodic job of settings.CELERY_BEAT_SCHEDULE in django-celery-beat's tables now."""

from django.core.management.base import BaseCommand

from courseworx.core.jobs import jobs_sync


class Command(BaseCommand):
    help = "Register every job of CELERY_BEAT_SCHEDULE with django-celery-beat (what beat does when it starts)."

    def handle(self, *args, **options):
        count = jobs_sync()
        self.stdout.write(self.style.SUCCESS(f"{count} periodic jobs registered."))
