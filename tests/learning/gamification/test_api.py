"""The gamification API: the caller's own data only, denials, and fixed query counts at two list sizes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import Achievement, Challenge, PointsEntry, UserAchievement
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes

from .conftest import only_achievements

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "api:learning-points",
    "api:learning-points-ledger",
    "api:learning-achievements",
    "api:learning-my-achievements",
    "api:learning-leaderboard",
    "api:learning-challenges",
    "api:learning-my-challenges",
    "api:learning-gamification-preferences",
]


API_LISTS = [  # the leaderboard last: its entries are checked
    "api:learning-points-ledger",
    "api:learning-my-achievements",
    "api:learning-challenges",
    "api:learning-my-challenges",
    "api:learning-achievements",
    "api:learning-leaderboard",
]
PAGES = [
    "learning:points",
    "learning:achievements",
    "learning:leaderboard",
    "learning:challenges",
    "learning:dashboard",
    "learning:achievements_fragment",
]


def give(user, n, start=0):
    for i in range(start, start + n):
        PointsEntry.objects.create(
            user=user, amount=i + 1, reason="adjustment", source_key=f"t:{i}", created_at=timezone.now()
        )


@pytest.mark.parametrize("name", LIST_URLS)
def test_anonymous_is_refused(api_client, name):
    assert api_client.get(reverse(name)).status_code in (401, 403)


def test_anonymous_cannot_join(api_client):
    challenge = Challenge.objects.create(
        title="x", metric="lessons_completed", target=1, starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    assert api_client.post(reverse("api:learning-challenge-join", args=[challenge.pk])).status_code in (401, 403)


def test_other_users_points_and_achievements_are_never_visible(api_client, student):
    only_achievements("points-500")
    other = StudentFactory()
    give(other, 40)  # 820 points: earns "points-500"
    services.achievements_evaluate(user_id=other.pk, kinds=["points_total"])
    assert UserAchievement.objects.filter(user=other).exists()
    give(student, 1)
    api_client.force_authenticate(student)
    assert api_client.get(reverse("api:learning-points")).json() == {"balance": 1}
    ledger = api_client.get(reverse("api:learning-points-ledger")).json()
    assert ledger["count"] == 1 if "count" in ledger else len(ledger["results"]) == 1
    assert api_client.get(reverse("api:learning-my-achievements")).json()["results"] == []
    rows = api_client.get(reverse("api:learning-achievements")).json()
    assert [r["earned"] for r in rows] == [False]


def test_join_and_my_challenges(api_client, student):
    challenge = Challenge.objects.create(
        title="Go", metric="lessons_completed", target=3, starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    ended = Challenge.objects.create(
        title="Old", metric="lessons_completed", target=3, starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )  # fmt: skip
    api_client.force_authenticate(student)
    response = api_client.post(reverse("api:learning-challenge-join", args=[challenge.pk]))
    assert response.status_code == 201 and response.json()["progress"] == 0
    refused = api_client.post(reverse("api:learning-challenge-join", args=[ended.pk]))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "challenge_ended"
    mine = api_client.get(reverse("api:learning-my-challenges")).json()["results"]
    assert [m["challenge"]["title"] for m in mine] == ["Go"]
    listed = api_client.get(reverse("api:learning-challenges"), {"state": "running"}).json()["results"]
    assert listed[0]["my_participation"]["progress"] == 0


def test_preferences_patch(api_client, student):
    api_client.force_authenticate(student)
    response = api_client.patch(reverse("api:learning-gamification-preferences"), {"leaderboard_opt_out": True})
    assert response.status_code == 200 and response.json()["leaderboard_opt_out"] is True
    assert (
        api_client.patch(reverse("api:learning-gamification-preferences"), {"leaderboard_opt_out": "maybe"}).status_code
        == 400
    )


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries), response


def test_lists_run_the_same_queries_at_two_sizes(api_client, client, student):
    only_achievements()
    api_client.force_authenticate(student)
    client.force_login(student)
    made = {"n": 0}

    def load(n):
        while made["n"] < n:
            i = made["n"]
            PointsEntry.objects.create(
                user=student, amount=5, reason="adjustment", source_key=f"q:{i}", created_at=timezone.now()
            )
            peer = StudentFactory()
            PointsEntry.objects.create(
                user=peer, amount=i + 1, reason="adjustment", source_key="q", created_at=timezone.now()
            )
            achievement = Achievement.objects.create(
                slug=f"a{i}", name=f"A{i}", criterion_kind="points_total", threshold=1
            )
            UserAchievement.objects.create(user=student, achievement=achievement, awarded_at=timezone.now())
            challenge = Challenge.objects.create(
                title=f"C{i}", metric="points_earned", target=1000, starts_at=timezone.now() - dt.timedelta(days=1),
                ends_at=timezone.now() + dt.timedelta(days=1),
            )  # fmt: skip
            services.challenge_join(user=student, challenge=challenge)
            made["n"] += 1
        services.leaderboards_refresh()
        counts = {}
        for name in API_LISTS:
            counts[name], response = _count(api_client, reverse(name))
        assert len(response.json()["entries"]) == n + 1  # the peers and me
        for name in PAGES:
            counts[name], _ = _count(client, reverse(name))
        return counts

    assert_same_queries_at_two_sizes(load)
