"""Celery tasks of the courses app: thin, take ids, call services, safe to run twice."""

from celery import shared_task
from django.db import DatabaseError

from .services import approval_request_notify


@shared_task(
    name="courses.course_review_notify",
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def course_review_notify(self, approval_request_id: str) -> bool:
    """Notify the instructor of a review decision (bell + e-mail).  Idempotent: sent once per decision."""
    return approval_request_notify(approval_request_id=approval_request_id)
