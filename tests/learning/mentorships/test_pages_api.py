"""Mentorship pages and API: both sides see theirs; another student or instructor gets 404; 409s in the API;
private notes never reach the mentee; dashboards show the panel; list pages/APIs at constant query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.mentorship_selectors import mentors_accepting
from learning.models import Mentorship
from tests.factories import AdminFactory, InstructorFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


def _future(days=3):
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def session(accepted, mentor):
    return services.mentorship_session_create(
        mentorship=accepted, actor=mentor, scheduled_at=_future(), agenda="Goals", shared_notes="Shared bit",
        private_notes="Secret mentor note",
    )  # fmt: skip


def test_both_sides_see_the_detail_page_others_get_404(client, accepted, session, mentor, student):
    url = reverse("learning:mentorship_detail", args=[accepted.pk])
    client.force_login(student)
    html = client.get(url).content.decode()
    assert "Shared bit" in html and "Secret mentor note" not in html
    client.force_login(mentor)
    html = client.get(url).content.decode()
    assert "Secret mentor note" in html and "Plan a session" in html
    for outsider in (StudentFactory(), InstructorFactory()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert (
            client.post(reverse("learning:mentorship_action", args=[accepted.pk, "end"]), {"reason": "x"}).status_code
            == 404
        )
        assert client.get(reverse("learning:mentorship_session_edit", args=[session.pk])).status_code == 404
    client.force_login(AdminFactory())  # staff read
    assert client.get(url).status_code == 200


def test_request_accept_and_end_through_the_pages(client, mentor, student):
    client.force_login(student)
    find = client.get(reverse("learning:find_mentors")).content.decode()
    assert "Ivan" in find
    response = client.post(reverse("learning:mentorship_request", args=[mentor.pk]), {"message": "Please help"})
    m = Mentorship.objects.get(student=student)
    assert response.status_code == 302 and m.status == "requested"
    # the student cannot accept their own request
    client.post(reverse("learning:mentorship_action", args=[m.pk, "accept"]))
    assert Mentorship.objects.get(pk=m.pk).status == "requested"
    client.force_login(mentor)
    client.post(reverse("learning:mentorship_action", args=[m.pk, "accept"]), {"message": "Yes"})
    assert Mentorship.objects.get(pk=m.pk).status == "accepted"
    response = client.post(
        reverse("learning:mentorship_session_create", args=[m.pk]),
        {"new-scheduled_at": (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
         "new-tz": "Asia/Tokyo", "new-duration_minutes": 30, "new-link": "https://meet.example.com/x"},
    )  # fmt: skip
    assert response.status_code == 302
    assert m.sessions.count() == 1
    # a second accept: the state changed -> a message, nothing else
    response = client.post(reverse("learning:mentorship_action", args=[m.pk, "accept"]), follow=True)
    assert "Only a pending request" in response.content.decode()
    client.post(reverse("learning:mentorship_action", args=[m.pk, "end"]), {"reason": "Done"})
    assert Mentorship.objects.get(pk=m.pk).status == "ended"


def test_session_form_reads_the_browser_time_zone(client, accepted, mentor):
    client.force_login(mentor)
    when = (timezone.now() + dt.timedelta(days=5)).replace(hour=9, minute=0, second=0, microsecond=0)
    client.post(
        reverse("learning:mentorship_session_create", args=[accepted.pk]),
        {"new-scheduled_at": when.strftime("%Y-%m-%dT09:00"), "new-tz": "Asia/Tokyo", "new-duration_minutes": 30},
    )
    stored = accepted.sessions.get().scheduled_at
    assert stored.astimezone(dt.UTC).hour == 0  # 09:00 in Tokyo is 00:00 UTC


def test_session_form_refuses_a_javascript_link(client, accepted, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("learning:mentorship_session_create", args=[accepted.pk]),
        {"new-scheduled_at": _future().strftime("%Y-%m-%dT%H:%M"), "new-duration_minutes": 30,
         "new-link": "javascript:alert(1)"},
    )  # fmt: skip
    assert response.status_code == 400 and not accepted.sessions.exists()


def test_dashboards_show_the_mentoring_panel(client, accepted, session, mentor, student):
    client.force_login(student)
    assert "mentoring-panel" in client.get(reverse("learning:dashboard")).content.decode()
    client.force_login(mentor)
    assert "mentoring-panel" in client.get(reverse("learning:instructor_dashboard")).content.decode()
    client.force_login(StudentFactory())
    assert "mentoring-panel" not in client.get(reverse("learning:dashboard")).content.decode()


def test_course_page_fragment_offers_mentoring(client, mentor, student):
    client.force_login(student)
    html = client.get(reverse("learning:mentor_offer", args=[mentor.pk])).content.decode()
    assert reverse("learning:mentorship_request", args=[mentor.pk]) in html
    closed = InstructorFactory()
    assert client.get(reverse("learning:mentor_offer", args=[closed.pk])).content.decode().strip() == ""


def test_api_flow_and_409s(api_client, mentor, student):
    api_client.force_authenticate(student)
    response = api_client.post(reverse("api:learning-mentorships"), {"mentor": str(mentor.pk), "message": "Hi"})
    assert response.status_code == 201, response.json()
    mid = response.json()["id"]
    assert (
        api_client.post(reverse("api:learning-mentorships"), {"mentor": str(mentor.pk), "message": "Hi"}).status_code
        == 409
    )
    assert api_client.post(reverse("api:learning-mentorship-accept", args=[mid])).status_code == 403
    api_client.force_authenticate(mentor)
    assert api_client.post(reverse("api:learning-mentorship-accept", args=[mid]), {"message": "ok"}).status_code == 200
    response = api_client.post(reverse("api:learning-mentorship-accept", args=[mid]))
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_requested"
    response = api_client.post(
        reverse("api:learning-mentorship-sessions", args=[mid]),
        {"scheduled_at": _future().isoformat(), "private_notes": "mine", "shared_notes": "ours"},
    )
    assert response.status_code == 201 and response.json()["private_notes"] == "mine"
    sid = response.json()["id"]
    assert api_client.post(reverse("api:learning-mentoring-session-held", args=[sid])).status_code == 409
    api_client.force_authenticate(student)
    sessions = api_client.get(reverse("api:learning-mentorship-sessions", args=[mid])).json()
    assert sessions[0]["shared_notes"] == "ours" and "private_notes" not in sessions[0]
    assert api_client.patch(reverse("api:learning-mentoring-session", args=[sid]), {"agenda": "x"}).status_code == 403
    assert api_client.post(reverse("api:learning-mentorship-end", args=[mid]), {}).status_code == 400
    assert api_client.post(reverse("api:learning-mentorship-end", args=[mid]), {"reason": "Done"}).status_code == 200
    assert api_client.post(reverse("api:learning-mentorship-end", args=[mid]), {"reason": "x"}).status_code == 409
    for outsider in (StudentFactory(), InstructorFactory()):
        api_client.force_authenticate(outsider)
        assert api_client.get(reverse("api:learning-mentorship", args=[mid])).status_code == 404
        assert api_client.get(reverse("api:learning-mentoring-session", args=[sid])).status_code == 404
        assert api_client.post(reverse("api:learning-mentorship-cancel", args=[mid])).status_code == 404
        assert api_client.get(reverse("api:learning-mentorships")).json()["results"] == []


def test_api_bad_input_is_400(api_client, mentor, student):
    api_client.force_authenticate(student)
    url = reverse("api:learning-mentorships")
    assert api_client.post(url, {"mentor": "not-a-uuid", "message": "x"}).status_code == 400
    assert api_client.post(url, {"mentor": str(mentor.pk), "message": "a\x00b"}).status_code == 400
    assert api_client.post(url, {"mentor": str(StudentFactory().pk), "message": "x"}).status_code == 404
    api_client.force_authenticate(mentor)
    assert api_client.put(reverse("api:learning-mentor-settings"), {"accepting_mentees": True,
                          "max_active_mentees": 10**12}).status_code == 400  # fmt: skip


def _grow(mentor, n):
    have = Mentorship.objects.filter(mentor=mentor).count()
    for _ in range(n - have):
        s = StudentFactory()
        m = services.mentorship_request(student=s, mentor=mentor, message="hi")
        if Mentorship.objects.filter(mentor=mentor, status="accepted").count() < 2:
            m = services.mentorship_accept(mentorship=m, actor=mentor)
            services.mentorship_session_create(mentorship=m, actor=mentor, scheduled_at=_future())


def test_list_page_and_api_query_counts(client, api_client, mentor):
    services.mentor_profile_save(mentor=mentor, accepting_mentees=True, max_active_mentees=2)
    client.force_login(mentor)
    api_client.force_authenticate(mentor)

    def load(n):
        _grow(mentor, n)
        response, page_q = count_queries(lambda: client.get(reverse("learning:my_mentorships") + "?side=mentor"))
        assert len(response.context["page"].object_list) == n
        api, api_q = count_queries(lambda: api_client.get(reverse("api:learning-mentorships") + "?side=mentor"))
        assert api.json()["count"] == n
        return {"page": page_q, "api": api_q}

    assert_same_queries_at_two_sizes(load)


def test_find_mentors_query_count(client, student):
    client.force_login(student)

    def load(n):
        while _mentor_count() < n:
            services.mentor_profile_save(mentor=InstructorFactory(), accepting_mentees=True, max_active_mentees=2)
        response, q = count_queries(lambda: client.get(reverse("learning:find_mentors")))
        assert len(response.context["page"].object_list) == n
        return q

    assert_same_queries_at_two_sizes(load)


def _mentor_count():
    return mentors_accepting().count()
