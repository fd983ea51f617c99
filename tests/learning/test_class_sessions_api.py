"""Classroom sessions API and pages: permissions (404 for others' courses), sign-in by token and by self
sign-in, the live page and its QR, the QR's landing page, manual marks, CSV, query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseworx.core.models import AuditLog
from learning import selectors, services
from learning.models import Attendance, ClassSession
from reports.filters import report_params
from reports.reports import REPORTS
from tests.factories import InstructorFactory, UserFactory
from tests.learning.factories import ClassSessionFactory, EnrollmentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries


@pytest.fixture
def session(course):
    return ClassSessionFactory(course=course, title="Kick-off", room="Room 2")


@pytest.fixture
def trainee(course):
    return EnrollmentFactory(course=course).user


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(name, session=None):
    if session is None:
        return reverse(f"api:learning-{name}")
    return reverse(f"api:learning-{name}", kwargs={"session_id": session.pk})


# --- API ---------------------------------------------------------------------------------------


def test_trainee_lists_the_sessions_of_their_courses_only(session, trainee):
    ClassSessionFactory()  # another course's
    body = _api(trainee).get(_url("class-sessions")).json()
    assert [row["id"] for row in body["results"]] == [str(session.pk)]


def test_instructor_creates_updates_and_deletes(course, instructor):
    client = _api(instructor)
    starts = timezone.now() + dt.timedelta(days=2)
    response = client.post(_url("class-sessions"), {
        "course": str(course.pk), "title": "Lab", "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=2)).isoformat(), "timezone": "America/Los_Angeles", "room": "Lab 1",
    }, format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    session = ClassSession.objects.get(pk=response.json()["id"])
    assert session.timezone == "America/Los_Angeles"
    response = client.patch(_url("class-session", session), {"room": "Lab 2"}, format="json")
    assert response.status_code == 200 and response.json()["room"] == "Lab 2"
    assert client.delete(_url("class-session", session)).status_code == 204
    assert not ClassSession.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize(
    "tz",
    ["Mars/Olympus", "../../etc/passwd", "a\x00b", "x" * 200, ""],
)
def test_bad_time_zones_are_a_400(course, instructor, tz):
    starts = timezone.now()
    response = _api(instructor).post(_url("class-sessions"), {
        "course": str(course.pk), "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=1)).isoformat(), "timezone": tz,
    }, format="json")  # fmt: skip
    assert response.status_code == 400


def test_huge_numbers_are_a_400(session, instructor):
    response = _api(instructor).patch(_url("class-session", session), {"capacity": 10**30}, format="json")
    assert response.status_code == 400


def test_another_instructor_gets_404(session):
    other = _api(InstructorFactory())
    assert other.get(_url("class-session", session)).status_code == 404
    assert other.patch(_url("class-session", session), {"room": "X"}, format="json").status_code == 404
    assert other.delete(_url("class-session", session)).status_code == 404
    assert other.get(_url("class-session-live-token", session)).status_code == 404
    starts = timezone.now()
    response = other.post(_url("class-sessions"), {
        "course": str(session.course_id), "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=1)).isoformat(),
    }, format="json")  # fmt: skip
    assert response.status_code == 404


def test_trainee_may_not_get_a_live_token_or_edit(session, trainee):
    client = _api(trainee)
    assert client.get(_url("class-session-live-token", session)).status_code == 403
    assert client.patch(_url("class-session", session), {"room": "X"}, format="json").status_code == 403


def test_outsider_cannot_sign_in_even_with_a_token(session):
    token = services.attendance_token_make(session=session, action="in")
    response = _api(UserFactory()).post(_url("class-session-sign-in", session), {"token": token}, format="json")
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_sign_in_and_out_through_the_api(session, trainee, instructor):
    token = _api(instructor).get(_url("class-session-live-token", session)).json()["token"]
    client = _api(trainee)
    response = client.post(_url("class-session-sign-in", session), {"token": token}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "present"
    replay = client.post(_url("class-session-sign-in", session), {"token": token}, format="json")
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "replayed"
    forged = client.post(_url("class-session-sign-in", session), {"token": token + "x"}, format="json")
    assert forged.status_code == 400
    response = client.post(_url("class-session-sign-out", session), {}, format="json")
    assert response.status_code == 200 and response.json()["signed_out_at"]
    sheet = _api(instructor).get(_url("class-session-attendance", session)).json()
    assert [row["status"] for row in sheet["results"]] == ["left_early"]


def test_self_sign_in_refused_unless_allowed(session, trainee):
    client = _api(trainee)
    assert client.post(_url("class-session-sign-in", session), {}, format="json").status_code == 400
    session.self_sign_in_allowed = True
    session.save()
    assert client.post(_url("class-session-sign-in", session), {}, format="json").status_code == 200


def test_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/?format=json")
    if schema.status_code != 200:
        schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert any(p.endswith("/class-sessions/{session_id}/sign-in/") for p in paths)
    assert any(p.endswith("/class-sessions/{session_id}/live-token/") for p in paths)


def test_session_list_is_constant_queries(course, trainee):
    client = _api(trainee)

    def load(n):
        ClassSession.objects.all().delete()
        for _ in range(n):
            ClassSessionFactory(course=course)
        response, queries = count_queries(lambda: client.get(_url("class-sessions")))
        assert len(response.json()["results"]) == n
        return queries

    assert_same_queries_at_two_sizes(load)


def test_live_list_and_course_sessions_page_are_constant_queries(client, course, instructor):
    client.force_login(instructor)
    session = ClassSessionFactory(course=course)

    def load(n):
        Attendance.objects.all().delete()
        ClassSession.objects.exclude(pk=session.pk).delete()
        for _ in range(n):
            user = EnrollmentFactory(course=course).user
            services.attendance_session_mark(session=session, user=user, actor=instructor, action="sign_in", reason="r")
            ClassSessionFactory(course=course)
        live, q1 = count_queries(
            lambda: client.get(reverse("learning:session_live_list", kwargs={"session_id": session.pk}))
        )
        page, q2 = count_queries(lambda: client.get(reverse("learning:course_sessions", kwargs={"slug": course.slug})))
        assert len(live.context["signed_in"]) == n and len(page.context["sessions"]) == n + 1
        return {"live": q1, "course_sessions": q2}

    assert_same_queries_at_two_sizes(load)


# --- Pages -------------------------------------------------------------------------------------


def test_the_live_page_shows_a_qr_and_who_signed_in(client, session, trainee, instructor):
    services.class_session_sign(
        user=trainee, session=session, action="in", token=services.attendance_token_make(session=session, action="in")
    )
    client.force_login(instructor)
    page = client.get(reverse("learning:session_live", kwargs={"session_id": session.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html and 'hx-trigger="every 30s"' in html and 'hx-trigger="every 5s"' in html
    assert trainee.get_full_name() in html
    qr = client.get(reverse("learning:session_live_qr", kwargs={"session_id": session.pk}) + "?action=out")
    assert "sign out" in qr.content.decode()


@pytest.mark.parametrize("who", ["trainee", "other_instructor", "anon"])
def test_the_live_page_is_hidden_from_others(client, session, trainee, who):
    if who == "trainee":
        client.force_login(trainee)
    elif who == "other_instructor":
        client.force_login(InstructorFactory())
    for name in ("session_live", "session_live_qr", "session_live_list", "session_sheet_csv"):
        response = client.get(reverse(f"learning:{name}", kwargs={"session_id": session.pk}))
        assert response.status_code == (302 if who == "anon" else 404), name


def test_the_qr_url_signs_the_trainee_in(client, session, trainee):
    token = services.attendance_token_make(session=session, action="in")
    url = services.attendance_token_url(session=session, token=token)
    path = url.split("://", 1)[-1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302 and "login" in response["Location"]  # log in first, then back here
    client.force_login(trainee)
    page = client.get("/" + path)
    assert page.status_code == 200 and "You're signed in" in page.content.decode()
    again = client.get("/" + path)
    assert again.status_code == 400 and "already used this code" in again.content.decode()


def test_the_session_page_sign_out_button(client, session, trainee):
    services.class_session_sign(
        user=trainee, session=session, action="in", token=services.attendance_token_make(session=session, action="in")
    )
    client.force_login(trainee)
    detail = client.get(reverse("learning:session_detail", kwargs={"session_id": session.pk})).content.decode()
    assert "Sign out" in detail
    page = client.post(reverse("learning:session_sign", kwargs={"session_id": session.pk}), {"action": "out"})
    assert "You're signed out" in page.content.decode()
    assert Attendance.objects.get(user=trainee, session=session).signed_out_at is not None


def test_manual_mark_needs_a_reason_and_is_audited(client, session, trainee, instructor):
    client.force_login(instructor)
    url = reverse("learning:session_mark", kwargs={"session_id": session.pk})
    client.post(url, {"user": trainee.pk, "action": "excuse", "reason": ""})
    assert not Attendance.objects.filter(user=trainee).exists()
    client.post(url, {"user": trainee.pk, "action": "excuse", "reason": "Sick note"})
    assert Attendance.objects.get(user=trainee, session=session).status == "excused"
    assert AuditLog.objects.filter(action="attendance.session_mark", reason="Sick note").exists()


def test_csv_export_escapes_formulas(client, session, course, instructor):
    evil = EnrollmentFactory(course=course, user=UserFactory(first_name="=HYPERLINK(1)", last_name="X")).user
    services.attendance_session_mark(session=session, user=evil, actor=instructor, action="sign_in", reason="+cmd")
    client.force_login(instructor)
    response = client.get(reverse("learning:session_sheet_csv", kwargs={"session_id": session.pk}))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in body and "'+cmd" in body


def test_sessions_on_the_course_page_player_and_dashboard(client, course, session, trainee, lessons):
    client.force_login(trainee)
    assert "Room 2" in client.get(course.get_absolute_url()).content.decode()
    player = client.get(reverse("learning:lesson", kwargs={"slug": course.slug, "content_id": lessons[0].pk}))
    assert "Classroom sessions" in player.content.decode()
    dashboard = client.get(reverse("learning:dashboard")).content.decode()
    local = session.local_start.strftime("%H:%M")
    assert f"Today: {local} Room 2" in dashboard


def test_course_sessions_page_schedules_and_shows_rates(client, course, trainee, instructor):
    client.force_login(instructor)
    url = reverse("learning:course_sessions", kwargs={"slug": course.slug})
    response = client.post(url, {
        "title": "Evening", "date": "2027-03-01", "start": "23:00", "end": "01:00", "timezone": "America/Los_Angeles",
        "grace_minutes": 10,
    })  # fmt: skip
    assert response.status_code == 302
    session = ClassSession.objects.get(title="Evening")
    assert session.ends_at - session.starts_at == dt.timedelta(hours=2)  # ends the next day
    assert session.local_start.hour == 23
    services.attendance_session_mark(session=session, user=trainee, actor=instructor, action="excuse", reason="x")
    page = client.get(url).content.decode()
    assert "Evening" in page and "Attendance rate per trainee" in page
    client.force_login(InstructorFactory())
    assert client.get(url).status_code == 404


def test_report_counts_left_early_as_attended(course, session, trainee, instructor, admin_user):
    services.class_session_sign(
        user=trainee, session=session, action="in", token=services.attendance_token_make(session=session, action="in")
    )
    services.class_session_sign(user=trainee, session=session, action="out")  # left early
    absent = EnrollmentFactory(course=course).user
    services.attendance_session_mark(session=session, user=absent, actor=instructor, action="absent", reason="No show")
    day = session.local_start.date().isoformat()
    params, filterset = report_params(user=admin_user, report="attendance", data={"date_from": day, "date_to": day})
    assert filterset.is_valid(), filterset.errors
    (row,) = [r for r in REPORTS["attendance"].rows(params) if r["title"] == course.title]
    assert (row["records"], row["left_early"], row["absent"], row["sessions"]) == (2, 1, 1, 1)
    assert abs(row["rate"] - 50.0) < 0.01
    assert selectors.attendance_rates_for_course(course=course)["overall"]["rate"] == 50.0
    assert selectors.attendance_rates_for_student(user=trainee)[0]["rate"] == 100.0
