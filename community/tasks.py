"""Community's Celery tasks: take ids, safe to run twice, bounded retries.

Notification e-mails (immediate and the daily digest) are `courseworx.core.tasks`.
"""

from celery import shared_task

from .services import reply_notify_subscribers


@shared_task(
    name="community.thread_reply_notify",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def thread_reply_notify(reply_id: str) -> int:
    """Tell a thread's subscribers about a new reply (idempotent per subscriber)."""
    return reply_notify_subscribers(reply_id=reply_id)
