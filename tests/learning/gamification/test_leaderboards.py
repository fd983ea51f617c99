"""Leaderboards: ranked in SQL from the ledger into snapshots; opted-out users never shown to others (page
and API) but see their own rank; a course's board only for its students and teachers."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from learning import gamification_selectors as gs
from learning import services
from learning.models import GamificationProfile, LeaderboardEntry, LeaderboardSnapshot, PointsEntry
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def give(user, amount, *, course=None, days_ago=0, key=None):
    PointsEntry.objects.create(
        user=user,
        amount=amount,
        reason="adjustment",
        source_key=key or f"test:{user.pk}:{amount}:{days_ago}:{course.pk if course else ''}",
        course=course,
        created_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.fixture
def people(db):
    return StudentFactory.create_batch(3, first_name="Ann")


def test_snapshot_ranks_by_points_per_period(people):
    a, b, c = people
    give(a, 50)
    give(b, 80)
    give(c, 200, days_ago=400)  # long ago: all time only
    services.leaderboards_refresh()
    week = LeaderboardSnapshot.objects.get(period="week", course=None)
    assert [(e.user_id, e.rank, e.points) for e in week.entries.all()] == [(b.pk, 1, 80), (a.pk, 2, 50)]
    all_time = LeaderboardSnapshot.objects.get(period="all", course=None)
    assert [e.user_id for e in all_time.entries.all()] == [c.pk, b.pk, a.pk]


def test_ties_share_a_rank(people):
    a, b, c = people
    give(a, 10)
    give(b, 10)
    give(c, 5)
    services.leaderboards_refresh()
    ranks = dict(
        LeaderboardEntry.objects.filter(snapshot__period="week", snapshot__course=None).values_list("user_id", "rank")
    )
    assert ranks == {a.pk: 1, b.pk: 1, c.pk: 3}


def test_opted_out_users_are_hidden_from_others_on_page_and_api(client, api_client, people):
    shy, viewer, third = people
    give(shy, 100)
    give(viewer, 50)
    give(third, 10)
    GamificationProfile.objects.create(user=shy, leaderboard_opt_out=True)
    services.leaderboards_refresh()
    client.force_login(viewer)
    page = client.get(reverse("learning:leaderboard"))
    assert shy.pk not in [e.user_id for e in page.context["board"]["entries"]]
    assert page.context["board"]["my_rank"] == 1  # ranked among the visible
    api_client.force_authenticate(viewer)
    data = api_client.get(reverse("api:learning-leaderboard")).json()
    assert [e["points"] for e in data["entries"]] == [50, 10]
    assert shy.last_name not in str(data)
    # The opted-out user still sees their own rank (not shown on the board).
    client.force_login(shy)
    board = client.get(reverse("learning:leaderboard")).context["board"]
    assert board["my_rank"] == 1 and board["my_points"] == 100 and board["opted_out"]
    assert shy.pk not in [e.user_id for e in board["entries"]]


def test_opting_out_after_the_snapshot_hides_at_once(client, people):
    shy, viewer, _ = people
    give(shy, 100)
    give(viewer, 50)
    services.leaderboards_refresh()
    services.gamification_preferences_set(user=shy, leaderboard_opt_out=True)
    client.force_login(viewer)
    entries = client.get(reverse("learning:leaderboard")).context["board"]["entries"]
    assert [e.user_id for e in entries] == [viewer.pk]


def test_rank_below_the_kept_places_is_computed(settings, people):
    settings.GAMIFICATION_LEADERBOARD_SIZE = 3
    others = StudentFactory.create_batch(3)
    for i, user in enumerate(others):
        give(user, 100 + i)
    me = people[0]
    give(me, 7)
    services.leaderboards_refresh()
    board = gs.leaderboard(user=me, period="week")
    assert len(board["entries"]) == 3 and board["my_rank"] == 4


def test_course_board_for_its_students_and_teachers_only(client, api_client, course, student, instructor):
    services.enrollment_create(user=student, course=course)
    give(student, 30, course=course)
    services.leaderboards_refresh()
    assert LeaderboardSnapshot.objects.filter(course=course).count() == 3
    outsider = StudentFactory()
    url = reverse("learning:leaderboard") + f"?course={course.slug}"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    api_client.force_authenticate(outsider)
    assert api_client.get(reverse("api:learning-leaderboard"), {"course": course.slug}).status_code == 404
    for user in (student, instructor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert [e.user_id for e in response.context["board"]["entries"]] == [student.pk]


def test_stale_course_boards_are_removed(course, student):
    give(student, 30, course=course, days_ago=40)
    services.leaderboards_refresh()
    assert set(LeaderboardSnapshot.objects.filter(course=course).values_list("period", flat=True)) == {"all"}


def test_bad_period_is_a_400(api_client, student):
    api_client.force_authenticate(student)
    response = api_client.get(reverse("api:learning-leaderboard"), {"period": "year\x00"})
    assert response.status_code == 400 and "period" in str(response.json())


def test_dashboard_panel_figures(client, people):
    me, other, _ = people
    give(me, 40)
    give(other, 90)
    services.leaderboards_refresh()
    client.force_login(me)
    panels = dict(client.get(reverse("learning:dashboard")).context["panels"])
    panel = panels["learning/gamification/_dashboard_panel.html"]
    assert (panel["balance"], panel["earned"], panel["rank"], panel["recent"]) == (40, 0, 2, [])
