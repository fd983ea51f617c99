"""Enrolment: the enrolment rules, enrolling (free or paid through billing), dropping, staff and system
suspension/reinstatement, the final grade, and "continue where you left off"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.counters import course_counters_adjust
from courses.models import Course, CourseContent
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.services_webhooks import webhook_event_emit
from learning import permissions
from learning.career_paths_selectors import path_prerequisites_missing
from learning.models import Enrollment

from ._common import _enqueue_stats_refresh, _required_total
from .streaks import learning_streak_record

# What `enrollment_check_eligible` may raise: stable codes, used by the API, by billing and by the course page.
# The state of the course or of the learner's enrolment refuses it: ConflictError (the API answers 409).
ELIGIBILITY_CONFLICT_CODES = (
    "already_enrolled",
    "suspended",
    "not_published",
    "course_ended",
    "prerequisites",
    "course_full",
    "path_prerequisites",
)
# ...and the one refusal of the request itself (a ValidationError, 400): free enrolment asked of a paid course
# (buy it through billing instead), like billing's `free_course` the other way round.
ELIGIBILITY_CODES = (*ELIGIBILITY_CONFLICT_CODES, "paid_course")
_LOOK_UP = object()


def enrollment_check_eligible(
    *, user: User | AnonymousUser | None, course: Course, source: str = "free", enrollment: Any = _LOOK_UP
) -> None:
    """THE enrolment rules: raise ConflictError (code in ELIGIBILITY_CONFLICT_CODES: already enrolled, suspended,
    not published, ended, prerequisites missing, full, path prerequisites missing — a member of a career path
    enrols in its courses in the path's order; nobody else is bound by a path) or ValidationError
    (`paid_course`) when `user` may not enrol in `course` through `source` now.  Reads only.

    `enrollment_create` calls it under the course row lock (so the seat count is exact there); billing calls
    it before taking any payment (`billing.services.checkout_check`), and the course page to show why the
    Enrol/Buy button is disabled.  `enrollment` is the user's enrolment in the course if the caller has it
    (None: none); by default it is looked up.  `user=None` (a visitor) checks the course alone.
    """
    learner = None if user is None or isinstance(user, AnonymousUser) else user
    if enrollment is _LOOK_UP:
        enrollment = None if learner is None else Enrollment.objects.filter(user=learner, course_id=course.pk).first()
    if enrollment is not None:
        if enrollment.has_access:
            raise ConflictError(_("You already have access to this course."), code="already_enrolled")
        # A paid grant restores an enrolment suspended because a subscription lapsed (billing.enrolments.enrol);
        # any other suspension is a person's decision.
        if enrollment.status == Enrollment.Status.SUSPENDED and (
            source == Enrollment.Source.FREE or enrollment.source != Enrollment.Source.SUBSCRIPTION
        ):
            raise ConflictError(_("Your enrolment in this course is suspended; contact support."), code="suspended")
    if not course.is_published:
        raise ConflictError(_("This course is not open for enrolment."), code="not_published")
    today = timezone.localdate()
    if course.end_date and course.end_date < today:
        raise ConflictError(_("This course has ended; enrolment is closed."), code="course_ended")
    if source == Enrollment.Source.FREE and not course.is_free:
        raise ValidationError(
            _("This is a paid course: buy it to enrol (free enrolment is not available)."), code="paid_course"
        )
    if learner is not None:
        missing = list(
            course.prerequisites.exclude(
                enrollments__user=learner, enrollments__status=Enrollment.Status.COMPLETED
            ).values_list("title", flat=True)
        )
        if missing:
            raise ConflictError(
                _("Complete the prerequisite course(s) first: %(titles)s."),
                code="prerequisites",
                params={"titles": ", ".join(missing)},
            )
        path_missing = path_prerequisites_missing(user=learner, course=course)
        if path_missing:
            raise ConflictError(
                _("This course comes later in your career path: complete %(titles)s first."),
                code="path_prerequisites",
                params={"titles": ", ".join(path_missing)},
            )
    if course.max_students is not None:
        taken = Enrollment.objects.filter(course=course).holding_seat().count()
        if enrollment is not None and Enrollment.objects.filter(pk=enrollment.pk).holding_seat().exists():
            taken -= 1  # re-activating an enrolment that already holds its seat takes no new one
        if taken >= course.max_students:
            raise ConflictError(_("This course is full: all %(n)s seats are taken."), code="course_full",
                                  params={"n": course.max_students})  # fmt: skip


@transaction.atomic
def enrollment_create(*, user: User, course: Course, source: str = "free", payment: Any = None) -> Enrollment:
    """THE entry point for enrolment.  Free courses: source="free".  Billing calls this with
    source="purchase"/"subscription"/"bundle"/"employer" (and the payment) once paid; the price
    is then not checked.  Idempotent: an existing active enrolment is returned unchanged.
    """
    if source not in Enrollment.Source.values:
        raise ValueError(f"Unknown enrolment source {source!r}")
    existing = Enrollment.objects.select_for_update().filter(user=user, course_id=course.pk).first()
    if existing is not None and existing.has_access:
        return existing
    if existing is not None and existing.status == Enrollment.Status.SUSPENDED:
        raise ConflictError(_("Your enrolment in this course is suspended; contact support."), code="suspended")

    # Lock the course row: enrolments of one course are serialised, so the seat count below is exact.
    course = Course.objects.select_for_update().get(pk=course.pk)
    if existing is None:
        # Another request of the same user may have enrolled while we waited for the lock.
        existing = Enrollment.objects.filter(user=user, course=course).first()
        if existing is not None and existing.has_access:
            return existing
    enrollment_check_eligible(user=user, course=course, source=source, enrollment=existing)

    now = timezone.now()
    reference = str(getattr(payment, "pk", payment) or "")[:64]
    if existing is not None:  # re-enrolling after dropping: progress is kept
        existing.status = Enrollment.Status.ENROLLED
        existing.source = source
        existing.payment_reference = reference
        existing.dropped_at = None
        existing.required_total = _required_total(course.pk)
        existing.full_clean()
        existing.save(update_fields=["status", "source", "payment_reference", "dropped_at", "required_total",
                                     "updated_at"])  # fmt: skip
        enrollment = existing
    else:
        enrollment = Enrollment(
            user=user,
            course=course,
            source=source,
            payment_reference=reference,
            enrolled_at=now,
            required_total=_required_total(course.pk),
        )
        enrollment.full_clean()
        enrollment.save()
    course_counters_adjust(course_id=course.pk, enrolled=1)
    webhook_event_emit(
        "enrollment.created",
        {
            "enrollment_id": enrollment.pk,
            "user_id": user.pk,
            "course": {"id": course.pk, "slug": course.slug, "title": course.title},
            "source": enrollment.source,
            "enrolled_at": enrollment.enrolled_at,
        },
        course=course,
    )
    notification_create(
        user=user,
        category=Notification.Category.ENROLLMENT,
        title=f"You are enrolled in {course.title}",
        body="Start learning whenever you are ready.",
        url=reverse("learning:course_home", kwargs={"slug": course.slug}),
        email=False,
    )
    _enqueue_stats_refresh(course.pk)
    return enrollment


@transaction.atomic
def enrollment_drop(*, enrollment: Enrollment, user: User) -> Enrollment:
    """A student leaves a course they are enrolled in (completed courses stay completed)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.user_id != user.pk:
        raise PermissionDenied(_("You can only drop your own enrolments."))
    if enrollment.status != Enrollment.Status.ENROLLED:
        raise ConflictError(
            _("Only an ongoing enrolment can be dropped (this one is %(status)s)."),
            code="not_droppable",
            params={"status": enrollment.get_status_display().lower()},
        )
    enrollment.status = Enrollment.Status.DROPPED
    enrollment.dropped_at = timezone.now()
    enrollment.save(update_fields=["status", "dropped_at", "updated_at"])
    course_counters_adjust(course_id=enrollment.course_id, enrolled=-1)
    _enqueue_stats_refresh(enrollment.course_id)
    return enrollment


_STAFF_TRANSITIONS = {
    Enrollment.Status.SUSPENDED: {Enrollment.Status.ENROLLED},
    Enrollment.Status.ENROLLED: {Enrollment.Status.SUSPENDED},
}


@transaction.atomic
def enrollment_set_status(*, enrollment: Enrollment, actor: User, status: str, reason: str) -> Enrollment:
    """Staff suspend an enrolment or reinstate a suspended one (audited)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not permissions.can_manage_enrollment(actor, enrollment.course):
        raise PermissionDenied(_("You may not change enrolments."))
    return _enrollment_status_change(enrollment=enrollment, actor=actor, status=status, reason=reason)


@transaction.atomic
def enrollment_suspend_by_system(*, enrollment: Enrollment, reason: str) -> Enrollment:
    """The platform (not a person) suspends access, e.g. billing when a subscription expires."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    return _enrollment_status_change(
        enrollment=enrollment, actor=None, status=Enrollment.Status.SUSPENDED, reason=reason
    )


@transaction.atomic
def enrollment_restore_by_system(*, enrollment: Enrollment, reason: str) -> Enrollment:
    """The platform restores a suspended enrolment, e.g. billing when a subscription is renewed."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    return _enrollment_status_change(
        enrollment=enrollment, actor=None, status=Enrollment.Status.ENROLLED, reason=reason
    )


def _enrollment_status_change(*, enrollment: Enrollment, actor: User | None, status: str, reason: str) -> Enrollment:
    """Apply an allowed suspend/reinstate transition to a locked enrolment and audit it (actor None: the system)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason."})
    allowed = {k for k, targets in _STAFF_TRANSITIONS.items() if status in targets}
    if enrollment.status not in allowed:
        raise ConflictError(
            _("An enrolment that is %(old)s cannot become %(new)s."),
            code="invalid_transition",
            params={"old": enrollment.status, "new": status},
        )
    old = enrollment.status
    enrollment.status = status
    enrollment.save(update_fields=["status", "updated_at"])
    # Course.enrollment_count counts enrolled and completed learners (see courses.counters): a suspended one
    # leaves it and comes back when reinstated.
    course_counters_adjust(course_id=enrollment.course_id, enrolled=-1 if status == Enrollment.Status.SUSPENDED else 1)
    _enqueue_stats_refresh(enrollment.course_id)
    audit_log_create(actor=actor, action=f"learning.enrollment_{status}", target=enrollment, reason=reason,
                     changes={"status": [old, status]})  # fmt: skip
    return enrollment


@transaction.atomic
def enrollment_grade_set(*, enrollment: Enrollment, actor: User, grade: Decimal | None, reason: str = "") -> Enrollment:
    """Set or override the final grade of an enrolment (audited)."""
    enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
    if not (permissions.is_course_staff(actor, enrollment.course) or permissions.can_manage_enrollment(actor, None)):
        raise PermissionDenied(_("You may not grade this enrolment."))
    old = enrollment.grade
    enrollment.grade = grade
    enrollment.full_clean()
    enrollment.save(update_fields=["grade", "updated_at"])
    audit_log_create(
        actor=actor,
        action="learning.grade_override",
        target=enrollment,
        reason=reason,
        changes={"grade": [None if old is None else str(old), None if grade is None else str(grade)]},
    )
    return enrollment


def enrollment_touch(*, enrollment: Enrollment, content: CourseContent) -> None:
    """Remember the lesson a student opened last ("continue where you left off"); one UPDATE."""
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_content=content, last_accessed_at=now)
    learning_streak_record(user_id=enrollment.user_id, on=timezone.localdate(now))
