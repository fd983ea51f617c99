"""Recompute CourseStats.revenue from the payments (all courses, or the ids given)."""

from django.core.management.base import BaseCommand

from billing import services


class Command(BaseCommand):
    help = "Recompute every course's revenue (paid course payments minus refunds) into CourseStats."

    def add_arguments(self, parser):
        parser.add_argument("course_ids", nargs="*", help="Only these courses (ids); default: all.")

    def handle(self, *args, **options):
        n = services.course_revenue_refresh(course_ids=options["course_ids"] or None)
        self.stdout.write(self.style.SUCCESS(f"Revenue recomputed for {n} course(s)."))
