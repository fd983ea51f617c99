"""Classroom sessions: QR tokens (every refusal), self sign-in, statuses across a day boundary in the
session's time zone, manual marks (audited), absences, reminders."""

import datetime as dt
import time
import zoneinfo
from unittest import mock

import pytest
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courseworx.core.exceptions import ConflictError
from courseworx.core.models import AuditLog, Notification
from learning import services
from learning.models import Attendance, ClassSession
from learning.services.class_sessions import TOKEN_SALT
from learning.tasks import class_session_reminders_task, class_sessions_close_due_task
from tests.factories import InstructorFactory, UserFactory
from tests.learning.factories import ClassSessionFactory, EnrollmentFactory

S = Attendance.Status


@pytest.fixture
def session(course):
    return ClassSessionFactory(course=course)


@pytest.fixture
def trainee(course):
    return EnrollmentFactory(course=course).user


def _made_seconds_ago(session, seconds: int, action: str = "in") -> str:
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds):
        return services.attendance_token_make(session=session, action=action)


def _code(exc_info) -> str:
    exc = exc_info.value
    return getattr(exc, "code", None) or exc.error_list[0].code


# --- Tokens ------------------------------------------------------------------------------------


def test_a_fresh_token_signs_the_trainee_in_with_the_time(session, trainee):
    token = services.attendance_token_make(session=session, action="in")
    record = services.class_session_sign(user=trainee, session=session, action="in", token=token)
    assert record.status == S.PRESENT
    assert record.signed_in_at is not None and record.method == "qr"
    assert Attendance.objects.get(session=session, user=trainee).sign_in_at is not None


def test_an_expired_token_is_refused(session, trainee):
    token = _made_seconds_ago(session, 60)
    with pytest.raises(ValidationError) as exc:
        services.class_session_sign(user=trainee, session=session, action="in", token=token)
    assert _code(exc) == "expired"
    assert "expired" in exc.value.messages[0]
    assert not Attendance.objects.filter(user=trainee).exists()


def test_a_token_still_valid_at_40_seconds(session, trainee):
    token = _made_seconds_ago(session, 40)
    assert services.class_session_sign(user=trainee, session=session, action="in", token=token).signed_in_at


def test_a_replayed_token_is_refused_for_the_same_trainee(session, trainee):
    token = services.attendance_token_make(session=session, action="in")
    services.class_session_sign(user=trainee, session=session, action="in", token=token)
    with pytest.raises(ConflictError) as exc:
        services.class_session_sign(user=trainee, session=session, action="in", token=token)
    assert exc.value.code == "replayed"


def test_the_same_code_signs_in_several_trainees(session, trainee, course):
    other = EnrollmentFactory(course=course).user
    token = services.attendance_token_make(session=session, action="in")
    services.class_session_sign(user=trainee, session=session, action="in", token=token)
    services.class_session_sign(user=other, session=session, action="in", token=token)
    assert Attendance.objects.filter(session=session, signed_in_at__isnull=False).count() == 2


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "e30:1tLx2A:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "\x00\x00",
    ],
)
def test_a_forged_token_is_refused(session, trainee, token):
    with pytest.raises(ValidationError) as exc:
        services.class_session_sign(user=trainee, session=session, action="in", token=token or "x")
    assert _code(exc) == "forged"


def test_a_token_signed_with_another_key_or_salt_is_refused(session, trainee):
    payload = {"s": str(session.pk), "a": "in", "n": "abc"}
    for token in (
        signing.dumps(payload, salt="another.purpose"),
        signing.dumps(payload, salt=TOKEN_SALT, key="not-our-secret-key-" * 3),
    ):
        with pytest.raises(ValidationError) as exc:
            services.class_session_sign(user=trainee, session=session, action="in", token=token)
        assert _code(exc) == "forged"


def test_a_token_for_another_session_is_refused(session, trainee, course):
    other = ClassSessionFactory(course=course)
    token = services.attendance_token_make(session=other, action="in")
    with pytest.raises(ValidationError) as exc:
        services.class_session_sign(user=trainee, session=session, action="in", token=token)
    assert _code(exc) == "wrong_session"
    assert "another session" in exc.value.messages[0]


def test_a_sign_out_code_does_not_sign_in(session, trainee):
    token = services.attendance_token_make(session=session, action="out")
    with pytest.raises(ValidationError) as exc:
        services.class_session_sign(user=trainee, session=session, action="in", token=token)
    assert _code(exc) == "wrong_action"


@pytest.mark.parametrize(
    ("start_offset", "code"),
    [(dt.timedelta(minutes=20), "not_open"), (dt.timedelta(hours=-2), "closed")],
)
def test_a_token_outside_the_window_is_refused(course, trainee, start_offset, code):
    starts = timezone.now() + start_offset
    session = ClassSessionFactory(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    token = services.attendance_token_make(session=session, action="in")
    with pytest.raises(ConflictError) as exc:
        services.class_session_sign(user=trainee, session=session, action="in", token=token)
    assert exc.value.code == code


def test_the_window_opens_15_minutes_before_the_start(course, trainee):
    starts = timezone.now() + dt.timedelta(minutes=14)
    session = ClassSessionFactory(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    token = services.attendance_token_make(session=session, action="in")
    assert services.class_session_sign(user=trainee, session=session, action="in", token=token).status == S.PRESENT


def test_a_cancelled_session_refuses(session, trainee):
    session.status = ClassSession.Status.CANCELLED
    session.save()
    token = services.attendance_token_make(session=session, action="in")
    with pytest.raises(ConflictError) as exc:
        services.class_session_sign(user=trainee, session=session, action="in", token=token)
    assert exc.value.code == "cancelled"


def test_someone_not_enrolled_is_refused(session):
    token = services.attendance_token_make(session=session, action="in")
    with pytest.raises(PermissionDenied):
        services.class_session_sign(user=UserFactory(), session=session, action="in", token=token)
    assert not Attendance.objects.exists()


# --- Sign out, self sign-in, capacity ----------------------------------------------------------


def test_sign_out_code_signs_out_and_marks_leaving_early(session, trainee):
    services.class_session_sign(
        user=trainee, session=session, action="in", token=services.attendance_token_make(session=session, action="in")
    )
    token = services.attendance_token_make(session=session, action="out")
    record = services.class_session_sign(user=trainee, session=session, action="out", token=token)
    assert record.signed_out_at is not None
    assert record.status == S.LEFT_EARLY  # 55 minutes before the end
    assert record.duration_minutes == 0


def test_sign_out_without_sign_in_is_refused(session, trainee):
    token = services.attendance_token_make(session=session, action="out")
    with pytest.raises(ConflictError) as exc:
        services.class_session_sign(user=trainee, session=session, action="out", token=token)
    assert exc.value.code == "not_signed_in"


def test_self_sign_in_needs_the_trainers_permission(session, trainee):
    with pytest.raises(ValidationError) as exc:
        services.class_session_sign(user=trainee, session=session, action="in")
    assert _code(exc) == "code_required"
    session.self_sign_in_allowed = True
    session.save()
    assert services.class_session_sign(user=trainee, session=session, action="in").method == "self"


def test_self_sign_in_restricted_to_ip_ranges(session, trainee):
    session.self_sign_in_allowed = True
    session.allowed_ip_ranges = "10.0.0.0/8\n2001:db8::/32"
    session.save()
    for ip in ("192.168.1.5", None, "not an ip"):
        with pytest.raises(ValidationError) as exc:
            services.class_session_sign(user=trainee, session=session, action="in", ip=ip)
        assert _code(exc) == "ip_refused"
    assert services.class_session_sign(user=trainee, session=session, action="in", ip="10.2.3.4").signed_in_at


def test_capacity_is_enforced(session, trainee, course):
    session.capacity = 1
    session.self_sign_in_allowed = True
    session.save()
    services.class_session_sign(user=trainee, session=session, action="in")
    with pytest.raises(ConflictError) as exc:
        services.class_session_sign(user=EnrollmentFactory(course=course).user, session=session, action="in")
    assert exc.value.code == "session_full"


# --- Statuses across a day boundary in the session's time zone ---------------------------------


AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")


def _auckland_session(course):
    # 23:30 on 31 Dec in Auckland to 01:30 on 1 Jan (10:30 to 12:30 UTC on 31 Dec).
    starts = dt.datetime(2026, 12, 31, 23, 30, tzinfo=AUCKLAND)
    return ClassSessionFactory(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), timezone="Pacific/Auckland",
        grace_minutes=10, self_sign_in_allowed=True,
    )  # fmt: skip


def test_late_after_midnight_in_the_sessions_time_zone(course, trainee):
    session = _auckland_session(course)
    at = dt.datetime(2027, 1, 1, 0, 5, tzinfo=AUCKLAND)  # 35 min after the start, next local day
    record = services.class_session_sign(user=trainee, session=session, action="in", now=at)
    assert record.status == S.LATE
    assert record.date == dt.date(2026, 12, 31)  # the session's local date, not UTC's or the sign-in's
    assert record.sign_in_at == dt.time(0, 5)  # the local time shown on the sheet


def test_on_time_just_within_grace(course, trainee):
    session = _auckland_session(course)
    at = dt.datetime(2026, 12, 31, 23, 40, tzinfo=AUCKLAND)
    assert services.class_session_sign(user=trainee, session=session, action="in", now=at).status == S.PRESENT


def test_sign_out_after_midnight_before_end_minus_grace_is_leaving_early(course, trainee):
    session = _auckland_session(course)
    services.class_session_sign(
        user=trainee, session=session, action="in", now=dt.datetime(2026, 12, 31, 23, 31, tzinfo=AUCKLAND)
    )
    record = services.class_session_sign(
        user=trainee, session=session, action="out", now=dt.datetime(2027, 1, 1, 1, 0, tzinfo=AUCKLAND)
    )
    assert record.status == S.LEFT_EARLY
    assert record.duration_minutes == 89
    assert record.sign_out_at is None  # the day sheet's times cannot cross midnight; the exact one is kept
    assert record.signed_out_at == dt.datetime(2027, 1, 1, 1, 0, tzinfo=AUCKLAND)


def test_absent_computed_when_the_session_ends_across_the_day_boundary(course, trainee):
    session = _auckland_session(course)
    came = EnrollmentFactory(course=course).user
    services.class_session_sign(
        user=came, session=session, action="in", now=dt.datetime(2026, 12, 31, 23, 35, tzinfo=AUCKLAND)
    )
    before_end = dt.datetime(2027, 1, 1, 1, 29, tzinfo=AUCKLAND)
    assert services.class_sessions_close_due(now=before_end) == 0
    after_end = dt.datetime(2027, 1, 1, 1, 31, tzinfo=AUCKLAND)
    assert services.class_sessions_close_due(now=after_end) == 1
    absent = Attendance.objects.get(session=session, user=trainee)
    assert absent.status == S.ABSENT and absent.date == dt.date(2026, 12, 31)
    assert Attendance.objects.get(session=session, user=came).status == S.PRESENT
    assert services.class_sessions_close_due(now=after_end + dt.timedelta(hours=1)) == 0  # idempotent
    assert Attendance.objects.filter(session=session).count() == 2


def test_closing_through_the_celery_task(course, trainee):
    starts = timezone.now() - dt.timedelta(hours=3)
    session = ClassSessionFactory(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    assert class_sessions_close_due_task.delay().get() == 1
    session.refresh_from_db()
    assert session.closed_at is not None


def test_after_closing_sign_in_is_refused(course, trainee):
    session = _auckland_session(course)
    services.class_sessions_close_due(now=dt.datetime(2027, 1, 1, 2, 0, tzinfo=AUCKLAND))
    with pytest.raises(ConflictError):
        services.class_session_sign(
            user=trainee, session=session, action="in", now=dt.datetime(2027, 1, 1, 1, 0, tzinfo=AUCKLAND)
        )


# --- Manual marks -----------------------------------------------------------------------------


def test_trainer_signs_in_by_hand_with_a_reason_audited(session, trainee, instructor):
    record = services.attendance_session_mark(
        session=session, user=trainee, actor=instructor, action="sign_in", reason="Phone battery dead"
    )
    assert record.signed_in_at and record.method == "manual" and record.recorded_by == instructor
    log = AuditLog.objects.get(action="attendance.session_mark")
    assert log.reason == "Phone battery dead" and log.actor == instructor


def test_excuse_and_reason_required(session, trainee, instructor):
    with pytest.raises(ValidationError):
        services.attendance_session_mark(session=session, user=trainee, actor=instructor, action="excuse", reason=" ")
    record = services.attendance_session_mark(
        session=session, user=trainee, actor=instructor, action="excuse", reason="Doctor"
    )
    assert record.status == S.EXCUSED


def test_another_instructor_cannot_mark(session, trainee):
    other = InstructorFactory()
    with pytest.raises(PermissionDenied):
        services.attendance_session_mark(session=session, user=trainee, actor=other, action="sign_in", reason="x")
    with pytest.raises(PermissionDenied):
        services.class_session_create(
            actor=other, course=session.course, starts_at=session.starts_at, ends_at=session.ends_at
        )


def test_time_zone_and_ip_ranges_are_validated(course, instructor):
    starts = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.class_session_create(
            actor=instructor, course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
            timezone="Mars/Olympus", allowed_ip_ranges="10.0.0.0/33",
        )  # fmt: skip
    assert {"timezone", "allowed_ip_ranges"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        services.class_session_create(actor=instructor, course=course, starts_at=starts, ends_at=starts)


# --- Reminders ---------------------------------------------------------------------------------


def test_reminders_the_day_before_are_sent_once(course, trainee):
    now = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
    tomorrow = dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC)
    ClassSessionFactory(course=course, title="Lab", starts_at=tomorrow, ends_at=tomorrow + dt.timedelta(hours=1))
    later = dt.datetime(2027, 3, 4, 9, 0, tzinfo=dt.UTC)
    ClassSessionFactory(course=course, starts_at=later, ends_at=later + dt.timedelta(hours=1))
    assert services.class_session_reminders_send(now=now) == 1
    (note,) = Notification.objects.filter(user=trainee)
    assert note.title == f"Tomorrow: {course.title} — Tue 02 Mar 09:00 · Room 2"
    assert services.class_session_reminders_send(now=now + dt.timedelta(hours=1)) == 0  # not twice
    assert Notification.objects.filter(user=trainee).count() == 1


def test_the_reminder_task_runs_from_beat(course, trainee):
    assert (
        settings.CELERY_BEAT_SCHEDULE["learning-class-session-reminders"]["task"] == "learning.class_session_reminders"
    )
    starts = timezone.now() + dt.timedelta(hours=2)
    ClassSessionFactory(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    assert class_session_reminders_task.delay().get() == 1
    assert class_session_reminders_task.delay().get() == 0
    assert Notification.objects.filter(user=trainee).count() == 1
