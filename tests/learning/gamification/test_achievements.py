"""Achievements: evaluated on their events, awarded once (also under concurrency, PostgreSQL), with their
reward points and a notification only for the award that won; public award page; achievements page."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from courseworx.core.models import Notification
from learning import gamification_selectors as gs
from learning import services
from learning.models import Achievement, GamificationProfile, PointsEntry, UserAchievement
from tests.factories import StudentFactory
from tests.learning.factories import quiz_answers

from .conftest import ledger_sum, only_achievements

pytestmark = pytest.mark.django_db


def test_first_lesson_awards_first_steps_once_with_points_and_notification(student, enrollment, lessons):
    only_achievements("first-steps")
    services.lesson_mark_complete(user=student, content=lessons[0])
    services.lesson_mark_complete(user=student, content=lessons[1])  # the trigger fires again
    services.achievements_evaluate(user_id=student.pk, kinds=["lessons_completed"])  # and again
    award = UserAchievement.objects.get(user=student)
    assert award.achievement.slug == "first-steps"
    assert PointsEntry.objects.filter(user=student, reason="achievement").count() == 1
    assert gs.points_balance(user_id=student.pk) == 2 * 10 + 5 == ledger_sum(student)
    assert Notification.objects.filter(user=student, title__contains="First steps").count() == 1


def test_only_the_criteria_the_event_affects_are_evaluated(student, enrollment, lessons):
    only_achievements("first-course", "first-steps")
    services.lesson_mark_complete(user=student, content=lessons[0])
    assert list(UserAchievement.objects.values_list("achievement__slug", flat=True)) == ["first-steps"]


def test_points_total_and_threshold(student, admin_user):
    only_achievements()
    Achievement.objects.create(slug="p50", name="Fifty", criterion_kind="points_total", threshold=50)
    services.points_adjust(actor=admin_user, user=student, amount=49, note="almost")
    assert not UserAchievement.objects.filter(user=student).exists()
    services.points_adjust(actor=admin_user, user=student, amount=1, note="there")
    assert UserAchievement.objects.filter(user=student, achievement__slug="p50").exists()


def test_perfect_quiz(student, enrollment, quiz):
    only_achievements("perfect-quiz")
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    services.quiz_attempt_submit(attempt=attempt, user=student, answers=quiz_answers(attempt))
    assert UserAchievement.objects.filter(user=student, achievement__slug="perfect-quiz").exists()


def test_inactive_achievements_are_never_awarded(student, enrollment, lessons):
    only_achievements()
    services.lesson_mark_complete(user=student, content=lessons[0])
    assert not UserAchievement.objects.exists()


def test_achievements_page_shows_earned_and_locked_with_progress(client, student, enrollment, lessons):
    only_achievements("first-steps", "fifty-lessons")
    services.lesson_mark_complete(user=student, content=lessons[0])
    client.force_login(student)
    response = client.get(reverse("learning:achievements"))
    assert response.status_code == 200
    assert [r["achievement"].slug for r in response.context["earned"]] == ["first-steps"]
    locked = response.context["locked"][0]
    assert locked["achievement"].slug == "fifty-lessons" and locked["value"] == 1 and locked["percent"] == 2
    assert "1 / 50" in response.content.decode()


def test_public_award_page_and_opt_out(client, student, enrollment, lessons):
    only_achievements("first-steps")
    services.lesson_mark_complete(user=student, content=lessons[0])
    award = UserAchievement.objects.get(user=student)
    url = award.get_absolute_url()
    assert url == f"/achievements/awards/{award.pk}/"
    response = client.get(url)  # anonymous
    assert response.status_code == 200
    assert student.get_full_name() in response.content.decode() and "First steps" in response.content.decode()
    GamificationProfile.objects.create(user=student, achievements_public=False)
    assert client.get(url).status_code == 404


def test_profile_fragment_lists_only_my_badges(client, student, enrollment, lessons):
    only_achievements("first-steps")
    other = StudentFactory()
    services.enrollment_create(user=other, course=enrollment.course)
    services.lesson_mark_complete(user=other, content=lessons[0])
    client.force_login(student)
    response = client.get(reverse("learning:achievements_fragment"))
    assert response.status_code == 200 and response.context["awards"] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_triggers_award_exactly_once(student, enrollment, lessons):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    only_achievements()  # the lesson is completed with no achievement active...
    services.lesson_mark_complete(user=student, content=lessons[0])
    Achievement.objects.filter(slug="first-steps").update(is_active=True, points_reward=9)  # ...then it is
    assert not UserAchievement.objects.exists()
    achievement = Achievement.objects.get(slug="first-steps")
    barrier = threading.Barrier(2)
    results: list = []
    lock = threading.Lock()

    def evaluate():
        try:
            with transaction.atomic():
                barrier.wait()
                awarded = services.achievements_evaluate(user_id=student.pk, kinds=["lessons_completed"])
                result = len(awarded)
        except Exception as exc:  # noqa: BLE001 - surfaces in the assertion below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=evaluate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results, key=str) == [0, 1], results
    assert UserAchievement.objects.filter(user=student, achievement=achievement).count() == 1
    assert PointsEntry.objects.filter(user=student, reason="achievement").count() == 1
    assert Notification.objects.filter(user=student, title__contains="First steps").count() == 1
