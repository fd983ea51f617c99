"""learning.services.streaks: consecutive days of learning."""

import datetime as dt

import pytest

from learning import services
from learning.models import LearningStreak

pytestmark = pytest.mark.django_db


def test_learning_streak_counts_consecutive_days(student):
    day = dt.date(2026, 3, 1)
    services.learning_streak_record(user_id=student.pk, on=day)
    services.learning_streak_record(user_id=student.pk, on=day)
    services.learning_streak_record(user_id=student.pk, on=day + dt.timedelta(days=1))
    services.learning_streak_record(user_id=student.pk, on=day + dt.timedelta(days=2))
    streak = LearningStreak.objects.get(user=student)
    assert (streak.current_days, streak.longest_days) == (3, 3)
    services.learning_streak_record(user_id=student.pk, on=day + dt.timedelta(days=5))
    streak.refresh_from_db()
    assert (streak.current_days, streak.longest_days) == (1, 3)
