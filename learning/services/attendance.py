"""Attendance: one student's record for a course date, or a whole day's sheet in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.services import audit_log_create
from learning import permissions
from learning.models import Attendance, Enrollment


@transaction.atomic
def attendance_check(*, course: Course, user: User, status: str, sign_in_at=None, sign_out_at=None) -> None:
    """Validate an attendance record without writing it (forms call it in clean())."""
    if not Enrollment.objects.filter(course=course, user=user).holding_seat().exists():
        raise ValidationError({"user": "This person is not enrolled in the course."}, code="not_enrolled")
    present = status not in (Attendance.Status.ABSENT, Attendance.Status.EXCUSED)
    if present and sign_in_at and sign_out_at and sign_out_at < sign_in_at:
        raise ValidationError({"sign_out_at": "Sign-out cannot be before sign-in."})


def attendance_record(
    *,
    course: Course,
    user: User,
    date: dt.date,
    status: str,
    recorded_by: User,
    sign_in_at: dt.time | None = None,
    sign_out_at: dt.time | None = None,
    note: str = "",
) -> Attendance:
    """Record (or correct) one student's attendance for a course date."""
    if not permissions.can_record_attendance(recorded_by, course):
        raise PermissionDenied(_("You do not teach this course."))
    attendance_check(course=course, user=user, status=status, sign_in_at=sign_in_at, sign_out_at=sign_out_at)
    if status in (Attendance.Status.ABSENT, Attendance.Status.EXCUSED):
        sign_in_at = sign_out_at = None
    duration = None
    if sign_in_at and sign_out_at:
        delta = dt.datetime.combine(date, sign_out_at) - dt.datetime.combine(date, sign_in_at)
        duration = int(delta.total_seconds() // 60)
    with transaction.atomic():
        record = (
            Attendance.objects.select_for_update().filter(course=course, user=user, date=date, session=None).first()
        )
        record = record or Attendance(course=course, user=user, date=date)
        record.status = status
        record.sign_in_at = sign_in_at
        record.sign_out_at = sign_out_at
        record.duration_minutes = duration
        record.note = note
        record.recorded_by = recorded_by
        record.full_clean(validate_unique=False)
        record.save()
    return record


def attendance_sheet_save(*, course: Course, date: dt.date, recorded_by: User, rows: list[dict[str, Any]]) -> int:
    """Record a day's attendance for several students at once: every row or none (one transaction).

    Each row has `user` and `status`, optionally `sign_in_at`, `sign_out_at`, `note`.  Every row is
    checked; refusals raise one ValidationError keyed by the student's id (str) with that row's
    messages, and nothing is saved.  Audited `attendance.sheet_save`.  Returns the number of rows.
    """
    if not permissions.can_record_attendance(recorded_by, course):
        raise PermissionDenied(_("You do not teach this course."))
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        for row in rows:
            try:
                attendance_record(course=course, date=date, recorded_by=recorded_by, **row)
            except ValidationError as exc:
                errors[str(row["user"].pk)] = exc.messages
        if errors:
            raise ValidationError(errors)  # inside the transaction: the rows already written are undone
        audit_log_create(
            actor=recorded_by,
            action="attendance.sheet_save",
            target=course,
            changes={"date": date.isoformat(), "students": [str(row["user"].pk) for row in rows]},
        )
    return len(rows)
