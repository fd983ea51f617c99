"""learning.services.attendance: one record, or a day's sheet all or nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courseworx.core.models import AuditLog
from learning import services
from learning.models import Attendance
from tests.factories import InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_attendance_is_unique_per_day_with_duration(enrollment, student, course, instructor):
    day = dt.date(2026, 5, 4)
    services.attendance_record(
        course=course,
        user=student,
        date=day,
        status="late",
        recorded_by=instructor,
        sign_in_at=dt.time(9, 10),
        sign_out_at=dt.time(11, 0),
    )
    record = services.attendance_record(
        course=course,
        user=student,
        date=day,
        status="present",
        recorded_by=instructor,
        sign_in_at=dt.time(9, 0),
        sign_out_at=dt.time(11, 0),
    )
    assert Attendance.objects.count() == 1 and record.duration_minutes == 120
    with pytest.raises(PermissionDenied):
        services.attendance_record(course=course, user=student, date=day, status="absent", recorded_by=student)
    with pytest.raises(ValidationError):
        services.attendance_record(
            course=course, user=StudentFactory(), date=day, status="absent", recorded_by=instructor
        )


def test_attendance_sheet_save_service(enrollment, student, course, instructor):
    day = dt.date(2026, 5, 4)
    stranger = StudentFactory()  # not enrolled
    rows = [{"user": student, "status": "present"}, {"user": stranger, "status": "absent"}]
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_sheet_save(course=course, date=day, recorded_by=instructor, rows=rows)
    assert list(excinfo.value.message_dict) == [str(stranger.pk)]
    assert not Attendance.objects.exists() and not AuditLog.objects.filter(action="attendance.sheet_save").exists()
    with pytest.raises(PermissionDenied):
        services.attendance_sheet_save(course=course, date=day, recorded_by=student, rows=rows[:1])
    with pytest.raises(PermissionDenied):
        services.attendance_sheet_save(course=course, date=day, recorded_by=InstructorFactory(), rows=rows[:1])
    assert services.attendance_sheet_save(course=course, date=day, recorded_by=instructor, rows=rows[:1]) == 1
    assert Attendance.objects.get().recorded_by == instructor
