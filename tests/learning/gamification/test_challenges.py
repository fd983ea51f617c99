"""Challenges: join (not after the end), progress from the records inside the window only, reward once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from courseworx.core.exceptions import ConflictError
from learning import services
from learning.models import Challenge, ChallengeParticipation, LessonCompletion, PointsEntry
from tests.courses.factories import PublishedCourseFactory

from .conftest import only_achievements

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_achievements(db):
    only_achievements()


def make_challenge(**kwargs):
    now = timezone.now()
    values = {
        "title": "Two lessons",
        "metric": "lessons_completed",
        "target": 2,
        "starts_at": now - dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=6),
        "reward_points": 30,
    }
    values.update(kwargs)
    return Challenge.objects.create(**values)


def test_progress_counts_events_in_the_window_and_rewards_once(student, enrollment, lessons):
    challenge = make_challenge()
    services.lesson_mark_complete(user=student, content=lessons[0])
    # an event before the window does not count
    LessonCompletion.objects.filter(user=student, content=lessons[0]).update(
        completed_at=challenge.starts_at - dt.timedelta(hours=1)
    )
    participation = services.challenge_join(user=student, challenge=challenge)
    assert participation.progress == 0
    services.lesson_mark_complete(user=student, content=lessons[1])
    participation.refresh_from_db()
    assert participation.progress == 1 and participation.completed_at is None
    services.lesson_mark_complete(user=student, content=lessons[2])
    participation.refresh_from_db()
    assert participation.progress == 2 and participation.completed_at is not None
    services.challenges_progress_update(user_id=student.pk, metrics=["lessons_completed"])
    services.challenge_participations_recount(challenge=challenge)
    assert PointsEntry.objects.filter(user=student, reason="challenge").count() == 1
    assert PointsEntry.objects.get(user=student, reason="challenge").amount == 30


def test_progress_value_is_recomputable_in_sql(student, enrollment, lessons):
    challenge = make_challenge(target=10)
    for lesson in lessons[:3]:
        services.lesson_mark_complete(user=student, content=lesson)
    assert services.challenge_progress_value(user_id=student.pk, challenge=challenge) == 3
    later = make_challenge(
        starts_at=timezone.now() + dt.timedelta(days=1), ends_at=timezone.now() + dt.timedelta(days=2)
    )
    assert services.challenge_progress_value(user_id=student.pk, challenge=later) == 0


def test_points_challenge_excludes_its_own_reward(student, enrollment, lessons):
    challenge = make_challenge(metric="points_earned", target=20, reward_points=500)
    services.challenge_join(user=student, challenge=challenge)
    services.lesson_mark_complete(user=student, content=lessons[0])
    services.lesson_mark_complete(user=student, content=lessons[1])
    participation = ChallengeParticipation.objects.get(user=student)
    assert participation.completed_at is not None and participation.progress == 20


def test_cannot_join_after_the_end_nor_a_course_challenge_not_enrolled(student, client):
    ended = make_challenge(
        starts_at=timezone.now() - dt.timedelta(days=9), ends_at=timezone.now() - dt.timedelta(days=1)
    )
    with pytest.raises(ConflictError):
        services.challenge_join(user=student, challenge=ended)
    other = make_challenge(course=PublishedCourseFactory())
    with pytest.raises(PermissionDenied):
        services.challenge_join(user=student, challenge=other)
    assert not ChallengeParticipation.objects.exists()
    client.force_login(student)
    response = client.post(reverse("learning:challenge_join", args=[ended.pk]), follow=True)
    assert "has ended" in response.content.decode()


def test_join_twice_is_one_participation_and_upcoming_can_be_joined(student):
    upcoming = make_challenge(
        starts_at=timezone.now() + dt.timedelta(days=1), ends_at=timezone.now() + dt.timedelta(days=3)
    )
    services.challenge_join(user=student, challenge=upcoming)
    services.challenge_join(user=student, challenge=upcoming)
    assert ChallengeParticipation.objects.filter(user=student).count() == 1


def test_challenges_page_groups(client, student):
    make_challenge(title="Now")
    make_challenge(
        title="Soon", starts_at=timezone.now() + dt.timedelta(days=1), ends_at=timezone.now() + dt.timedelta(days=3)
    )
    make_challenge(
        title="Gone", starts_at=timezone.now() - dt.timedelta(days=5), ends_at=timezone.now() - dt.timedelta(days=3)
    )
    client.force_login(student)
    groups = client.get(reverse("learning:challenges")).context["groups"]
    assert [c.title for c, _ in groups["running"]] == ["Now"]
    assert [c.title for c, _ in groups["upcoming"]] == ["Soon"]
    assert [c.title for c, _ in groups["past"]] == ["Gone"]
