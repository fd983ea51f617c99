"""Private helpers shared by several learning service modules (never called from outside the package).

Progress is written from two places (the "mark complete" button and a passed quiz), so the code that
completes a lesson, advances the enrolment and completes the course lives here, with the access
check every student write starts with.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.counters import course_counters_adjust
from courses.models import CourseContent
from courseworx.core.activity import activity_record
from courseworx.core.enqueue import enqueue_on_commit as _on_commit
from courseworx.core.services_webhooks import webhook_event_emit
from learning import selectors
from learning.models import Enrollment, LessonCompletion

from .gamification import gamification_on_course_completed, gamification_on_lesson_completed
from .streaks import learning_streak_record


def _percent(part, whole) -> Decimal:
    if not whole:
        return Decimal("100.00")
    value = Decimal(part) * 100 / Decimal(whole)
    return min(Decimal("100.00"), value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _required_total(course_id) -> int:
    """The required lessons that count (courses.models.counted_lessons_q: the rule of every lesson number)."""
    return CourseContent.objects.counted().filter(course_id=course_id, is_required=True).count()


def _enqueue_stats_refresh(course_id) -> None:
    _on_commit("learning.course_stats_refresh", str(course_id))


def _access_enrollment(*, user: User, course_id, lock: bool = False) -> Enrollment:
    qs = Enrollment.objects.select_related("course")
    if lock:
        qs = qs.select_for_update(of=("self",))
    enrollment = qs.filter(user=user, course_id=course_id).first()
    if enrollment is None or not enrollment.has_access:
        raise PermissionDenied(_("Enrol in this course first."))
    return enrollment


def _complete_lesson(*, enrollment: Enrollment, content: CourseContent, score: Decimal | None = None) -> bool:
    """Mark a lesson complete (the enrolment row is locked by the caller).  True when newly completed."""
    completion, _ = LessonCompletion.objects.get_or_create(
        user_id=enrollment.user_id, content=content, defaults={"course_id": content.course_id}
    )
    now = timezone.now()
    newly = LessonCompletion.objects.filter(pk=completion.pk, completed=False).update(
        completed=True, completed_at=now, updated_at=now
    )
    if newly and content.is_required and content.is_counted:
        _progress_increment(enrollment=enrollment)
    if newly:
        gamification_on_lesson_completed(user_id=enrollment.user_id, content_id=content.pk, course_id=content.course_id)
        user_id = enrollment.user_id
        transaction.on_commit(
            lambda: activity_record(
                user=user_id, event="lesson_complete", course_id=content.course_id, content_id=content.pk
            )
        )
    learning_streak_record(user_id=enrollment.user_id, on=timezone.localdate(now))
    return bool(newly)


def _progress_increment(*, enrollment: Enrollment) -> None:
    """One more required lesson done: F() increment, percentage, and completion of the course."""
    total = _required_total(enrollment.course_id)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        completed_required=F("completed_required") + 1, required_total=total
    )
    enrollment.refresh_from_db(fields=["completed_required", "required_total", "status"])
    done = min(enrollment.completed_required, total)
    enrollment.progress_percent = _percent(done, total)
    fields = ["progress_percent", "updated_at"]
    if done >= total and enrollment.status == Enrollment.Status.ENROLLED:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = timezone.now()
        fields += ["status", "completed_at"]
        course_counters_adjust(course_id=enrollment.course_id, completed=1)
        webhook_event_emit(
            "enrollment.completed",
            {
                "enrollment_id": enrollment.pk,
                "user_id": enrollment.user_id,
                "course_id": enrollment.course_id,
                "completed_at": enrollment.completed_at,
            },
            course=enrollment.course_id,
        )
        _on_commit("learning.certificate_issue", str(enrollment.pk))
        # A career path whose last required course this was completes (its certificate, once).
        _on_commit("learning.career_paths_course_completed", str(enrollment.user_id), str(enrollment.course_id))
        _enqueue_stats_refresh(enrollment.course_id)
    enrollment.save(update_fields=fields)
    if "completed_at" in fields:  # after the save: the completed-courses count includes this one
        gamification_on_course_completed(user_id=enrollment.user_id, course_id=enrollment.course_id)


def _check_lesson_open(*, content: CourseContent, enrollment: Enrollment) -> None:
    """The write paths enforce what the player shows: unpublished or not-yet-open lessons are refused."""
    if not (content.is_published and content.section.is_published):
        raise ValidationError(_("This lesson is not available."), code="unpublished")
    reason = selectors.lesson_locked_reason(
        content, course=content.course, enrollment=enrollment, is_staff=False, today=timezone.localdate()
    )
    if reason:
        raise ValidationError(reason, code="locked")
