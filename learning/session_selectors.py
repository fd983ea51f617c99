"""Reads for classroom sessions and attendance rates (re-exported by `learning.selectors`).

Every list is a fixed number of queries; rates are SQL aggregates:
rate = (present + late + left early) / (records - excused), an excused absence counting neither way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course

from . import permissions
from .models import Attendance, ClassSession, Enrollment

S = Attendance.Status
ATTENDED = (S.PRESENT, S.LATE, S.LEFT_EARLY)


def _learner_course_ids(user: User):
    return Enrollment.objects.filter(user=user).active().values("course_id")


def class_sessions_visible(*, user: User) -> QuerySet[ClassSession]:
    """Sessions of the courses the user learns (active enrolment) or teaches."""
    if not user.is_authenticated:
        return ClassSession.objects.none()
    taught = Course.objects.editable_by(user).values("pk")
    return (
        ClassSession.objects.filter(Q(course_id__in=_learner_course_ids(user)) | Q(course_id__in=taught))
        .select_related("course")
        .order_by("starts_at")
    )


def class_session_for_staff(*, user: User, session_id) -> ClassSession:
    """A session of a course the user teaches (or any, for superusers); else the 404 of an unknown one."""
    session = ClassSession.objects.select_related("course", "course__instructor").filter(pk=session_id).first()
    if session is None or not permissions.can_record_attendance(user, session.course):
        raise Http404(_("No such session."))
    return session


def class_session_for_user(*, user: User, session_id) -> ClassSession:
    """A session the user may see: an enrolled trainee's or the course staff's."""
    session = ClassSession.objects.select_related("course").filter(pk=session_id).first()
    if session is None:
        raise Http404(_("No such session."))
    if permissions.can_record_attendance(user, session.course):
        return session
    if not Enrollment.objects.filter(user=user, course_id=session.course_id).active().exists():
        raise Http404(_("No such session."))
    return session


def class_sessions_for_course(*, course: Course, upcoming_only: bool = False, now=None) -> list[ClassSession]:
    """The course's sessions; `upcoming_only`: those not ended yet (cancelled ones too, shown as such)."""
    qs = ClassSession.objects.filter(course=course)
    if upcoming_only:
        qs = qs.filter(ends_at__gte=now or timezone.now())
    return list(qs.order_by("starts_at")[:50])


def class_sessions_for_course_with_counts(*, course: Course) -> QuerySet[ClassSession]:
    """The instructor's list: each session with its counts by status (one query)."""
    return (
        ClassSession.objects.filter(course=course)
        .annotate(
            signed_in=Count("attendance", filter=Q(attendance__signed_in_at__isnull=False)),
            late=Count("attendance", filter=Q(attendance__status=S.LATE)),
            absent=Count("attendance", filter=Q(attendance__status=S.ABSENT)),
            excused=Count("attendance", filter=Q(attendance__status=S.EXCUSED)),
        )
        .order_by("-starts_at")
    )


@dataclass
class TodaySession:
    session: ClassSession
    local_start: dt.datetime
    record: Attendance | None


def class_sessions_today(*, user: User, now: dt.datetime | None = None) -> list[TodaySession]:
    """The trainee's sessions today (each in its own time zone; cancelled ones too, shown as such) with their
    own record: 2 queries."""
    now = now or timezone.now()
    candidates = list(
        ClassSession.objects.filter(
            course_id__in=_learner_course_ids(user),
            starts_at__gte=now - dt.timedelta(hours=26),
            starts_at__lte=now + dt.timedelta(hours=26),
        )
        .select_related("course")
        .order_by("starts_at")
    )
    today = [s for s in candidates if s.local_start.date() == now.astimezone(s.tz).date()]
    records = {a.session_id: a for a in Attendance.objects.filter(user=user, session__in=[s.pk for s in today])}
    return [TodaySession(s, s.local_start, records.get(s.pk)) for s in today]


def session_attendance_sheet(*, session: ClassSession) -> list[tuple[Enrollment, Attendance | None]]:
    """(enrolment, record or None) for every trainee of the session's course: 2 queries."""
    enrollments = list(
        Enrollment.objects.filter(course_id=session.course_id)
        .active()
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    records = {a.user_id: a for a in Attendance.objects.filter(session=session)}
    return [(e, records.get(e.user_id)) for e in enrollments]


def session_signed_in(*, session: ClassSession) -> list[Attendance]:
    """Who has signed in (the live page's list), latest first: 1 query."""
    return list(
        Attendance.objects.filter(session=session, signed_in_at__isnull=False)
        .select_related("user")
        .order_by("-signed_in_at")
    )


def session_attendance_for(*, session: ClassSession, user: User) -> Attendance | None:
    return Attendance.objects.filter(session=session, user=user).first()


def _rate_annotations(prefix: str = "") -> dict:
    status = f"{prefix}status"
    records = Count(f"{prefix}pk" if prefix else "pk")
    return {
        "records": records,
        "attended": Count(f"{prefix}pk" if prefix else "pk", filter=Q(**{f"{status}__in": ATTENDED})),
        "excused": Count(f"{prefix}pk" if prefix else "pk", filter=Q(**{status: S.EXCUSED})),
    }


def _with_rate(qs):
    return qs.annotate(
        rate=(Cast(F("attended"), FloatField()) * Value(100.0))
        / NullIf(Cast(F("records") - F("excused"), FloatField()), Value(0.0))
    )


def attendance_rates_for_student(*, user: User) -> list[dict]:
    """Per course the trainee has attendance in: records, attended, excused, rate (%) — one query."""
    qs = (
        Attendance.objects.filter(user=user)
        .values("course_id", "course__title", "course__slug")
        .annotate(**_rate_annotations())
        .order_by("course__title")
    )
    return list(_with_rate(qs))


def attendance_rates_for_course(*, course: Course) -> dict:
    """Per trainee of the course ({user id: row}) and the course's overall row — two queries."""
    per_user = _with_rate(
        Attendance.objects.filter(course=course).values("user_id").annotate(**_rate_annotations()).order_by()
    )
    overall = _with_rate(
        Attendance.objects.filter(course=course)
        .values("course_id")
        .annotate(**_rate_annotations())
        .order_by("course_id")
    ).first()
    return {"users": {row["user_id"]: row for row in per_user}, "overall": overall}


def course_attendance_annotations(outer: str = "pk") -> dict:
    """Annotations for a Course queryset (the teaching dashboard): `attendance_records` and `attendance_rate`
    (%, None without records), each one correlated subquery grouped by course."""
    per_course = (
        Attendance.objects.filter(course=OuterRef(outer)).order_by().values("course").annotate(**_rate_annotations())
    )
    return {
        "attendance_records": Coalesce(Subquery(per_course.values("records")), 0),
        "attendance_rate": Subquery(_with_rate(per_course).values("rate")),
    }
