"""Learning's Celery tasks: take ids, call services, safe to run twice, bounded retries."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction

from . import selectors, services
from .certificates import certificate_render_pdf
from .models import IssuedCertificate

logger = logging.getLogger(__name__)


@shared_task(
    name="learning.certificate_issue",
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def certificate_issue_task(self, enrollment_id: str) -> str | None:
    """Issue the certificate of a completed enrolment and render its PDF (idempotent)."""
    certificate = services.certificate_issue(enrollment_id=enrollment_id)
    if certificate is None:
        return None
    if not certificate.pdf:
        _render_pdf(certificate.pk)
    return str(certificate.pk)


@shared_task(
    name="learning.certificate_render",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def certificate_render_task(certificate_id: str) -> str:
    """Render the PDF of a career-path or exam certificate (idempotent: once per certificate)."""
    _render_pdf(certificate_id)
    return str(certificate_id)


def _render_pdf(certificate_id) -> None:
    with transaction.atomic():
        # The row lock makes a second, concurrent run wait and then find the PDF already there.
        certificate = (
            IssuedCertificate.objects.select_for_update(of=("self",))
            .select_related("enrollment", "course", "course__instructor", "course__certificate_template", "template")
            .get(pk=certificate_id)
        )
        if certificate.pdf:
            return
        pdf = certificate_render_pdf(certificate, selectors.certificate_verification_url(certificate))
        certificate.pdf.save(f"certificate-{certificate.code}.pdf", ContentFile(pdf), save=False)
        certificate.save(update_fields=["pdf", "updated_at"])


@shared_task(name="learning.course_stats_refresh", acks_late=True, autoretry_for=(Exception,), max_retries=3,
             retry_backoff=True)  # fmt: skip
def course_stats_refresh_task(course_id: str) -> int:
    return services.course_stats_refresh(course_ids=[course_id])


@shared_task(name="learning.course_stats_refresh_all", acks_late=True)
def course_stats_refresh_all_task() -> int:
    return services.course_stats_refresh()


@shared_task(name="learning.class_sessions_close_due", acks_late=True)
def class_sessions_close_due_task() -> int:
    """Sessions that ended and are not closed yet: trainees who never signed in are marked absent."""
    return services.class_sessions_close_due()


@shared_task(name="learning.class_session_reminders", acks_late=True)
def class_session_reminders_task() -> int:
    """Notify trainees of their sessions within the next 24 hours (each session once)."""
    return services.class_session_reminders_send()


@shared_task(name="learning.career_paths_course_completed", acks_late=True, autoretry_for=(Exception,),
             max_retries=5, retry_backoff=True)  # fmt: skip
def career_paths_course_completed_task(user_id: str, course_id: str) -> int:
    """A course was completed: complete the user's joined career paths it finished (path certificate, once)."""
    return services.career_path_progress_check(user_id=user_id, course_id=course_id)


@shared_task(name="learning.career_paths_reconcile", acks_late=True)
def career_paths_reconcile_task() -> int:
    """Nightly: complete the memberships whose completion task was lost (idempotent)."""
    return services.career_paths_reconcile()


@shared_task(name="learning.recommendations_compute", acks_late=True, soft_time_limit=3300, time_limit=3600)
def recommendations_compute_task(trigger: str = "schedule") -> str:
    """The nightly recommendations (every active user's top courses; the run is logged in AIModelTrainingLog)."""
    log = services.recommendations_compute(trigger=trigger)
    return str(log.pk)


@shared_task(name="learning.leaderboards_refresh", acks_late=True)
def leaderboards_refresh_task() -> int:
    """Recompute every leaderboard snapshot from the points ledger (idempotent: replaces the snapshots)."""
    return services.leaderboards_refresh()


@shared_task(name="learning.exam_attempts_close_due", acks_late=True)
def exam_attempts_close_due_task() -> int:
    """Exam attempts past their deadline: closed and graded with the answers saved in time."""
    return services.exam_attempts_close_due()
