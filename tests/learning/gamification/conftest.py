import pytest

from learning.models import Achievement, PointsEntry


@pytest.fixture(autouse=True)
def _points(settings):
    """Known amounts (the live settings' defaults come from these Django settings)."""
    settings.GAMIFICATION_POINTS_LESSON = 10
    settings.GAMIFICATION_POINTS_COURSE = 100
    settings.GAMIFICATION_POINTS_QUIZ = 20
    settings.GAMIFICATION_POINTS_ACCEPTED_ANSWER = 15
    settings.GAMIFICATION_POINTS_REVIEW = 5
    settings.GAMIFICATION_LEADERBOARD_SIZE = 50


def ledger_sum(user) -> int:
    return sum(PointsEntry.objects.filter(user=user).values_list("amount", flat=True))


def only_achievements(*slugs):
    """Keep just these seeded achievements active (so point totals in a test are predictable)."""
    Achievement.objects.exclude(slug__in=slugs).update(is_active=False)
