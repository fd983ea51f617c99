"""Reports' Celery tasks: take ids, call services, safe to run twice, bounded retries.

Task names start with "reports." so settings.CELERY_TASK_ROUTES sends them to the "reports" queue.
"""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)

# Merge into settings.CELERY_BEAT_SCHEDULE (django-celery-beat stores it at start-up).
BEAT_SCHEDULE = {}


@shared_task(name="reports.report_export", acks_late=True, max_retries=0)
def report_export_task(export_id: str) -> None:
    """Build a report export's CSV/PDF file, updating its progress (a failure is recorded on the row)."""
    services.report_export_run(export_id=export_id)
