"""Classroom sessions, the trainer's side completed: manual marks through the API (reason required, audited,
denials), editing a session (before it starts / during / after: 409 and clear messages) and cancelling it
with a reason (trainees notified on commit, shown as cancelled, closed to sign-in), on the web and in the API;
attendance rates on the dashboards."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseworx.core.exceptions import ConflictError
from courseworx.core.models import AuditLog, Notification
from learning import services
from learning.models import Attendance, ClassSession
from tests.courses.factories import CollaboratorFactory, PublishedCourseFactory
from tests.factories import InstructorFactory, UserFactory
from tests.learning.factories import ClassSessionFactory, EnrollmentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

S = Attendance.Status


@pytest.fixture
def session(course):
    """Running now (started 5 minutes ago, ends in 55 minutes)."""
    return ClassSessionFactory(course=course, title="Kick-off", room="Room 2")


@pytest.fixture
def upcoming(course):
    starts = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    return ClassSessionFactory(course=course, title="Lab", starts_at=starts, ends_at=starts + dt.timedelta(hours=2))


@pytest.fixture
def ended(course):
    starts = timezone.now() - dt.timedelta(days=1)
    return ClassSessionFactory(
        course=course, title="Yesterday", starts_at=starts, ends_at=starts + dt.timedelta(hours=1)
    )


@pytest.fixture
def trainee(course):
    return EnrollmentFactory(course=course).user


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _mark_url(session, user) -> str:
    return reverse("api:learning-class-session-mark", kwargs={"session_id": session.pk, "user_id": user.pk})


def _url(name, session) -> str:
    return reverse(f"api:learning-{name}", kwargs={"session_id": session.pk})


# --- Manual marks through the API --------------------------------------------------------------


def test_trainer_signs_a_trainee_in_and_out_by_hand_audited(session, trainee, instructor):
    client = _api(instructor)
    response = client.post(_mark_url(session, trainee), {"action": "sign_in", "reason": "Phone flat"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "present" and response.json()["method"] == "manual"
    response = client.post(_mark_url(session, trainee), {"action": "sign_out", "reason": "Left for a doctor"})
    assert response.status_code == 200 and response.json()["status"] == "left_early"
    log = AuditLog.objects.filter(action="attendance.session_mark").order_by("created_at").last()
    assert log.reason == "Left for a doctor" and log.actor == instructor
    assert log.changes["action"] == "sign_out" and log.changes["before"]["status"] == "present"
    record = client.get(_mark_url(session, trainee)).json()
    assert record["status"] == "left_early" and record["note"] == "Left for a doctor"


def test_excuse_through_the_api(session, trainee, instructor):
    response = _api(instructor).post(_mark_url(session, trainee), {"action": "excuse", "reason": "Sick note"})
    assert response.status_code == 200 and response.json()["status"] == "excused"
    assert Attendance.objects.get(session=session, user=trainee).status == S.EXCUSED


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_reason_is_required(session, trainee, instructor, reason):
    data = {"action": "excuse"} | ({} if reason is None else {"reason": reason})
    response = _api(instructor).post(_mark_url(session, trainee), data, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert not Attendance.objects.exists() and not AuditLog.objects.filter(action="attendance.session_mark").exists()


def test_bad_input_is_a_400_with_field_messages(session, trainee, instructor):
    client = _api(instructor)
    bad = client.post(_mark_url(session, trainee), {"action": "teleport", "reason": "x"}, format="json")
    assert bad.status_code == 400 and "action" in bad.json()["error"]["fields"]
    nul = client.post(_mark_url(session, trainee), {"action": "excuse", "reason": "a\x00b"}, format="json")
    assert nul.status_code == 400
    early = session.starts_at - dt.timedelta(hours=5)
    outside = client.post(
        _mark_url(session, trainee), {"action": "sign_in", "reason": "x", "at": early.isoformat()}, format="json"
    )
    assert outside.status_code == 400 and "at" in outside.json()["error"]["fields"]
    assert "during the session" in outside.json()["error"]["fields"]["at"][0]


@pytest.mark.parametrize(
    "at", ["0001-01-01T00:00:00-05:00", "9999-12-31T23:59:59+14:00", "2026-13-45T99:00", "x" * 300, 10**30]
)
def test_odd_times_are_a_400(session, trainee, instructor, at):
    response = _api(instructor).post(
        _mark_url(session, trainee), {"action": "sign_in", "reason": "x", "at": at}, format="json"
    )
    assert response.status_code == 400 and "at" in response.json()["error"]["fields"]


def test_sign_out_before_sign_in_is_a_409(session, trainee, instructor):
    response = _api(instructor).post(_mark_url(session, trainee), {"action": "sign_out", "reason": "x"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_signed_in"


def test_a_past_session_is_corrected_with_a_time(ended, course, trainee, instructor):
    client = _api(instructor)
    now = client.post(_mark_url(ended, trainee), {"action": "sign_in", "reason": "Paper sheet"}, format="json")
    assert now.status_code == 400 and "at" in now.json()["error"]["fields"]
    at = ended.starts_at + dt.timedelta(minutes=20)
    response = client.post(
        _mark_url(ended, trainee), {"action": "sign_in", "reason": "Paper sheet", "at": at.isoformat()}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "late"


def test_marks_are_denied_to_others(session, trainee, course):
    data = {"action": "excuse", "reason": "x"}
    assert _api(InstructorFactory()).post(_mark_url(session, trainee), data).status_code == 404
    assert _api(InstructorFactory()).get(_mark_url(session, trainee)).status_code == 404
    assert _api(trainee).post(_mark_url(session, trainee), data).status_code == 403  # a trainee of the course
    assert _api(UserFactory()).post(_mark_url(session, trainee), data).status_code == 404  # a stranger
    assert APIClient().post(_mark_url(session, trainee), data).status_code in (401, 403)
    assert not Attendance.objects.exists()


def test_a_user_not_in_the_course_is_a_404(session, instructor):
    outsider = UserFactory()
    response = _api(instructor).post(_mark_url(session, outsider), {"action": "excuse", "reason": "x"})
    assert response.status_code == 404
    unknown = reverse("api:learning-class-session-mark", kwargs={"session_id": session.pk, "user_id": session.pk})
    assert _api(instructor).post(unknown, {"action": "excuse", "reason": "x"}).status_code == 404


def test_co_author_may_mark(session, trainee, course):
    co_author = InstructorFactory()
    CollaboratorFactory(course=course, user=co_author)  # the one rule of who teaches a course
    response = _api(co_author).post(_mark_url(session, trainee), {"action": "excuse", "reason": "x"})
    assert response.status_code == 200


def test_the_schema_documents_marks_and_cancel(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    mark = next(v for p, v in paths.items() if p.endswith("/class-sessions/{session_id}/attendance/{user_id}/"))
    assert "post" in mark and "409" in mark["post"]["responses"] and "400" in mark["post"]["responses"]
    cancel = next(v for p, v in paths.items() if p.endswith("/class-sessions/{session_id}/cancel/"))
    assert "409" in cancel["post"]["responses"]


# --- Editing -----------------------------------------------------------------------------------


def test_api_edits_an_upcoming_session_and_tells_the_trainees(
    upcoming, trainee, instructor, django_capture_on_commit_callbacks
):
    ClassSession.objects.filter(pk=upcoming.pk).update(reminded_at=timezone.now())
    later = upcoming.starts_at + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(instructor).patch(_url("class-session", upcoming), {
            "starts_at": later.isoformat(), "ends_at": (later + dt.timedelta(hours=2)).isoformat(), "room": "Lab 9",
        }, format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    upcoming.refresh_from_db()
    assert upcoming.starts_at == later and upcoming.room == "Lab 9"
    assert upcoming.reminded_at is None  # reminded again for the new day
    note = Notification.objects.get(user=trainee)
    assert note.title.startswith("Changed:") and "Lab 9" in note.title
    log = AuditLog.objects.get(action="class_session.update")
    assert set(log.changes) == {"starts_at", "ends_at", "room"}


def test_no_notification_when_only_options_change(upcoming, trainee, instructor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(instructor).patch(_url("class-session", upcoming), {"capacity": 12}, format="json")
    assert response.status_code == 200
    assert not Notification.objects.filter(user=trainee).exists()


def test_times_are_fixed_once_started_but_the_room_may_change(session, instructor):
    client = _api(instructor)
    moved = client.patch(
        _url("class-session", session), {"ends_at": (session.ends_at + dt.timedelta(hours=1)).isoformat()},
        format="json",
    )  # fmt: skip
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "started"
    assert client.patch(_url("class-session", session), {"room": "Room 5"}, format="json").status_code == 200


def test_an_ended_session_is_not_edited(ended, instructor):
    response = _api(instructor).patch(_url("class-session", ended), {"room": "Elsewhere"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "session_over"
    assert "over" in response.json()["error"]["message"]
    ended.refresh_from_db()
    assert ended.room == "Room 2"


def test_moving_a_session_into_the_past_is_refused(upcoming, instructor):
    past = timezone.now() - dt.timedelta(days=2)
    response = _api(instructor).patch(_url("class-session", upcoming), {
        "starts_at": past.isoformat(), "ends_at": (past + dt.timedelta(hours=1)).isoformat(),
    }, format="json")  # fmt: skip
    assert response.status_code == 400 and "starts_at" in response.json()["error"]["fields"]


def test_status_is_not_patched_cancel_has_its_own_action(upcoming, instructor):
    response = _api(instructor).patch(_url("class-session", upcoming), {"status": "cancelled"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["error"]["fields"]
    assert ClassSession.objects.get(pk=upcoming.pk).status == "scheduled"


def test_an_unchanged_patch_is_fine_even_after_the_end(ended, instructor):
    assert _api(instructor).patch(_url("class-session", ended), {"room": "Room 2"}, format="json").status_code == 200


# --- Cancelling --------------------------------------------------------------------------------


def test_api_cancels_with_a_reason_and_notifies_on_commit(
    upcoming, trainee, instructor, course, django_capture_on_commit_callbacks
):
    dropped = EnrollmentFactory(course=course, status="dropped").user
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _api(instructor).post(
            _url("class-session-cancel", upcoming), {"reason": "Trainer ill"}, format="json"
        )
        assert not Notification.objects.exists()  # only after commit
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "Trainer ill" and body["cancelled_at"]
    for callback in callbacks:
        callback()
    note = Notification.objects.get(user=trainee)
    assert note.title.startswith("Cancelled:") and "Trainer ill" in note.body
    assert note.url == reverse("learning:session_detail", kwargs={"session_id": upcoming.pk})
    assert not Notification.objects.filter(user=dropped).exists()
    assert AuditLog.objects.filter(action="class_session.cancel", reason="Trainer ill").exists()


def test_cancel_needs_a_reason_and_happens_once(upcoming, instructor):
    client = _api(instructor)
    missing = client.post(_url("class-session-cancel", upcoming), {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    blank = client.post(_url("class-session-cancel", upcoming), {"reason": "  "}, format="json")
    assert blank.status_code == 400
    assert client.post(_url("class-session-cancel", upcoming), {"reason": "Room flooded"}).status_code == 200
    again = client.post(_url("class-session-cancel", upcoming), {"reason": "twice"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "cancelled"
    edit = client.patch(_url("class-session", upcoming), {"room": "X"}, format="json")
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "cancelled"


def test_an_ended_session_is_not_cancelled(ended, instructor):
    response = _api(instructor).post(_url("class-session-cancel", ended), {"reason": "late"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "session_over"


def test_cancel_is_denied_to_others(upcoming, trainee):
    assert _api(trainee).post(_url("class-session-cancel", upcoming), {"reason": "x"}).status_code == 403
    assert _api(InstructorFactory()).post(_url("class-session-cancel", upcoming), {"reason": "x"}).status_code == 404
    assert _api(UserFactory()).post(_url("class-session-cancel", upcoming), {"reason": "x"}).status_code == 404
    assert ClassSession.objects.get(pk=upcoming.pk).status == "scheduled"


def test_a_cancelled_session_is_closed_to_sign_in(session, trainee, instructor):
    services.class_session_cancel(actor=instructor, session=session, reason="Fire drill")
    token = services.attendance_token_make(session=session, action="in")
    response = _api(trainee).post(_url("class-session-sign-in", session), {"token": token}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "cancelled"
    with pytest.raises(ConflictError):
        services.attendance_session_mark(session=session, user=trainee, actor=instructor, action="sign_in", reason="x")
    # no absences are computed for it
    assert services.class_session_close(session_id=session.pk, now=session.ends_at + dt.timedelta(minutes=1)) == 0


# --- Pages: edit and cancel --------------------------------------------------------------------


def _edit(session) -> str:
    return reverse("learning:session_edit", kwargs={"session_id": session.pk})


def _form(session, **changes) -> dict:
    start, end = session.local_start, session.local_end
    data = {
        "title": session.title, "date": start.date().isoformat(), "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"), "timezone": session.timezone, "room": session.room, "online_url": "",
        "capacity": "", "grace_minutes": session.grace_minutes, "allowed_ip_ranges": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_edit_page_changes_the_place_and_time(
    client, upcoming, trainee, instructor, django_capture_on_commit_callbacks
):
    client.force_login(instructor)
    page = client.get(_edit(upcoming))
    html = page.content.decode()
    assert page.status_code == 200 and 'value="Room 2"' in html and "Cancel this session" in html
    assert f'value="{upcoming.local_start:%Y-%m-%d}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_edit(upcoming), _form(upcoming, room="Room 7", start="10:00", end="12:30"))
    assert response.status_code == 302 and response["Location"].endswith(f"/teach/{upcoming.course.slug}/sessions/")
    upcoming.refresh_from_db()
    assert upcoming.room == "Room 7" and upcoming.local_start.hour == 10 and upcoming.local_end.minute == 30
    assert Notification.objects.filter(user=trainee, title__startswith="Changed:").exists()


def test_edit_page_without_time_changes_keeps_the_exact_time(client, instructor, course):
    starts = timezone.now() + dt.timedelta(days=2, seconds=17)  # seconds the form cannot show
    upcoming = ClassSessionFactory(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    client.force_login(instructor)
    assert client.post(_edit(upcoming), _form(upcoming, capacity="5")).status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.starts_at == starts and upcoming.capacity == 5


def test_edit_page_during_the_session_locks_the_times(client, session, instructor):
    client.force_login(instructor)
    html = client.get(_edit(session)).content.decode()
    assert "its times can no longer be changed" in html and 'name="start" id="id_start" value' in html
    assert 'id="id_start"' in html and "disabled" in html
    response = client.post(_edit(session), _form(session, room="Room 9", start="00:01"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.room == "Room 9" and session.local_start.strftime("%H:%M") != "00:01"


def test_edit_page_of_an_ended_session_says_why(client, ended, instructor):
    client.force_login(instructor)
    response = client.get(_edit(ended), follow=True)
    assert "This session is over" in response.content.decode()
    assert client.post(_edit(ended), _form(ended, room="Z")).status_code == 302
    ended.refresh_from_db()
    assert ended.room == "Room 2"


@pytest.mark.parametrize("who", ["trainee", "other_instructor"])
def test_edit_and_cancel_pages_are_hidden_from_others(client, upcoming, trainee, who):
    client.force_login(trainee if who == "trainee" else InstructorFactory())
    assert client.get(_edit(upcoming)).status_code == 404
    cancel = reverse("learning:session_cancel", kwargs={"session_id": upcoming.pk})
    assert client.post(cancel, {"reason": "x"}).status_code == 404
    assert ClassSession.objects.get(pk=upcoming.pk).status == "scheduled"


def test_cancel_on_the_web(client, upcoming, trainee, instructor, course, django_capture_on_commit_callbacks):
    client.force_login(instructor)
    cancel = reverse("learning:session_cancel", kwargs={"session_id": upcoming.pk})
    refused = client.post(cancel, {"reason": ""})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel, {"reason": "Trainer ill"})
    assert response.status_code == 302
    assert Notification.objects.filter(user=trainee, title__startswith="Cancelled:").exists()
    listing = client.get(reverse("learning:course_sessions", kwargs={"slug": course.slug})).content.decode()
    assert "Cancelled" in listing and "Trainer ill" in listing and _edit(upcoming) not in listing
    live = client.get(reverse("learning:session_live", kwargs={"session_id": upcoming.pk})).content.decode()
    assert "nobody can sign in" in live and "data:image/svg+xml" not in live
    again = client.post(cancel, {"reason": "twice"}, follow=True)
    assert "already been cancelled" in again.content.decode()
    # the trainee sees it as cancelled on the session page and the course page
    client.force_login(trainee)
    page = client.get(reverse("learning:session_detail", kwargs={"session_id": upcoming.pk})).content.decode()
    assert "This session has been cancelled." in page and "Trainer ill" in page
    assert "Cancelled" in client.get(course.get_absolute_url()).content.decode()


def test_a_cancelled_session_today_shows_so_on_the_dashboard(client, session, trainee, instructor):
    services.class_session_cancel(actor=instructor, session=session, reason="Strike")
    client.force_login(trainee)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "Today:" in html and "Cancelled" in html


def test_live_page_manual_mark_with_a_time(client, ended, trainee, instructor):
    client.force_login(instructor)
    url = reverse("learning:session_mark", kwargs={"session_id": ended.pk})
    at = ended.local_start + dt.timedelta(minutes=2)
    client.post(url, {"user": trainee.pk, "action": "sign_in", "reason": "Paper", "at": at.strftime("%H:%M")})
    record = Attendance.objects.get(session=ended, user=trainee)
    assert record.status == S.PRESENT and record.signed_in_at.replace(second=0) == at.replace(second=0, microsecond=0)
    page = client.post(url, {"user": trainee.pk, "action": "sign_out", "reason": "x"}, follow=True).content.decode()
    assert "during the session" in page  # now is after the end: refused with the window


# --- Rates on the dashboards -------------------------------------------------------------------


def test_rates_on_the_teaching_and_student_dashboards(client, session, ended, trainee, instructor, course):
    services.attendance_session_mark(session=session, user=trainee, actor=instructor, action="sign_in", reason="x")
    services.attendance_session_mark(session=ended, user=trainee, actor=instructor, action="absent", reason="x")
    other = EnrollmentFactory(course=course).user
    services.attendance_session_mark(session=ended, user=other, actor=instructor, action="excuse", reason="x")
    client.force_login(instructor)
    teaching = client.get(reverse("learning:instructor_dashboard"))
    (row,) = [c for c in teaching.context["courses"] if c.pk == course.pk]
    assert row.attendance_records == 3 and row.attendance_rate == 50.0  # 1 attended / (3 - 1 excused)
    assert "50%" in teaching.content.decode()
    client.force_login(trainee)
    mine = client.get(reverse("learning:dashboard")).content.decode()
    assert "attendance-rates" in mine and "50%" in mine


def test_teaching_dashboard_queries_do_not_grow_with_courses(client, instructor):
    client.force_login(instructor)

    def load(n):
        for _ in range(n):
            course = PublishedCourseFactory(instructor=instructor)
            Attendance.objects.create(course=course, user=EnrollmentFactory(course=course).user,
                                      date=dt.date(2026, 3, 2), status="present")  # fmt: skip
        response, queries = count_queries(lambda: client.get(reverse("learning:instructor_dashboard")))
        assert response.status_code == 200
        return queries

    assert_same_queries_at_two_sizes(load)
