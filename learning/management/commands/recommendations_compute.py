"""Compute the recommendations now (what the nightly job does), with a progress bar.

python manage.py recommendations_compute [--per-user 10] [--min-co-enrolments 2] [--no-evaluate]
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from learning import services


class Command(BaseCommand):
    help = "Compute every active user's recommended courses now and log the run (AIModelTrainingLog)."

    def add_arguments(self, parser):
        parser.add_argument("--per-user", type=int, default=None, help="Courses per user (default: the setting).")
        parser.add_argument("--min-co-enrolments", type=int, default=None, help="Shared learners a pair needs.")
        parser.add_argument("--no-evaluate", action="store_true", help="Skip the hit-rate@10 evaluation.")

    def handle(self, *args, **options):
        self._started = time.monotonic()
        try:
            log = services.recommendations_compute(
                trigger="command",
                progress=self._progress,
                evaluate=not options["no_evaluate"],
                per_user=options["per_user"],
                min_co_enrolments=options["min_co_enrolments"],
            )
        except Exception as exc:
            self.stdout.write("")
            raise CommandError(f"The run failed (logged): {exc}") from exc
        self.stdout.write("")
        hit = "-" if log.hit_rate_at_10 is None else f"{float(log.hit_rate_at_10):.1%}"
        coverage = "-" if log.catalog_coverage is None else f"{float(log.catalog_coverage):.1%}"
        self.stdout.write(
            self.style.SUCCESS(
                f"{log.recommendations_created} recommendations for {log.users_covered} of {log.users_processed} "
                f"users in {log.duration_ms / 1000:.1f} s; catalog coverage {coverage} of {log.catalog_size} "
                f"courses; hit-rate@10 {hit} ({log.evaluated_users} users held out)."
            )
        )

    def _progress(self, stage: str, done: int, total: int) -> None:
        total = max(total, 1)
        pct = min(100, int(100 * done / total))
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        elapsed = time.monotonic() - self._started
        self.stdout.write(f"\r{stage:<11} [{bar}] {pct:3d}% {done:>8,}/{total:,} {elapsed:7.1f} s", ending="")
        self.stdout.flush()
        if done >= total:
            self.stdout.write("")
