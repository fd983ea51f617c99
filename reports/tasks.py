"""Reports' Celery tasks: take ids, call services, safe to run twice, bounded retries.

Task names start with "reports." so settings.CELERY_TASK_ROUTES sends them to the "reports" queue.
"""

import logging

from celery import shared_task

from . import services
from .accessibility import accessibility_scan
from .pipelines import cleanup, content_analytics_refresh, report_rollups_refresh
from .subscriptions import due_subscriptions, subscription_send

logger = logging.getLogger(__name__)


@shared_task(name="reports.report_export", acks_late=True, max_retries=0)
def report_export_task(export_id: str) -> None:
    """Build a report export's CSV/PDF file, updating its progress (a failure is recorded on the row)."""
    services.report_export_run(export_id=export_id)


@shared_task(
    name="reports.content_analytics_refresh",
    acks_late=True,
    max_retries=2,
    autoretry_for=(Exception,),
    retry_backoff=True,
)
def content_analytics_refresh_task() -> int:
    return content_analytics_refresh().rows


@shared_task(name="reports.rollups_refresh", acks_late=True, max_retries=1, autoretry_for=(Exception,))
def rollups_refresh_task() -> int:
    """Rebuild the whole-site report rollups (a no-op except on PostgreSQL)."""

    run = report_rollups_refresh()
    return run.rows if run else 0


@shared_task(name="reports.cleanup", acks_late=True, max_retries=2, autoretry_for=(Exception,), retry_backoff=True)
def cleanup_task() -> int:
    return cleanup().rows


@shared_task(name="reports.data_export", acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def data_export_task(request_id: str) -> None:
    services.data_export_run(request_id=request_id)


@shared_task(
    name="reports.data_deletion", acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True
)
def data_deletion_task(request_id: str) -> None:
    services.data_deletion_run(request_id=request_id)


@shared_task(
    name="reports.accessibility_scan", acks_late=True, max_retries=2, autoretry_for=(Exception,), retry_backoff=True
)
def accessibility_scan_task() -> int:
    return accessibility_scan().rows


@shared_task(name="reports.subscriptions_send", acks_late=True, max_retries=0)
def subscriptions_send_task() -> int:
    """Periodic: queue one e-mail task per due subscription."""

    ids = list(due_subscriptions().values_list("pk", flat=True))
    for pk in ids:
        subscription_send_task.delay(pk)
    return len(ids)


@shared_task(
    name="reports.subscription_send", acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True
)
def subscription_send_task(subscription_id: int) -> bool:
    return subscription_send(subscription_id=subscription_id)
