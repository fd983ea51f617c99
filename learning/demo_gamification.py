"""Demo gamification data for `manage.py seed_demo` (after learning and community; idempotent).

The demo students' points and achievements come from their activity: learning.demo and community.demo
go through the services, which award them.  This adds what activity does not: three challenges (running,
upcoming, past) with the demo student in the running one, a streak achievement consistent with the demo
streak, the second demo student opted out of leaderboards, and the leaderboard snapshots.
"""

import datetime as dt

from django.utils import timezone

from . import services
from .models import Challenge, ChallengeParticipation

CHALLENGES = [
    # title, description, metric, target, starts (days from now), length (days), reward
    ("Five lessons this week", "Finish five lessons before Sunday night.", "lessons_completed", 5, -2, 7, 50),
    ("Quiz sprint", "Pass three quizzes in ten days.", "quizzes_passed", 3, 3, 10, 40),
    ("Points rush", "Earn 200 points in a fortnight.", "points_earned", 200, -30, 14, 60),
]


def seed(ctx: dict, log) -> None:
    users = ctx.get("users") or {}
    student = users.get("student")
    if student is None:
        log("  no demo student: gamification demo data skipped")
        return
    now = timezone.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for title, description, metric, target, start_days, length, reward in CHALLENGES:
        starts = today + dt.timedelta(days=start_days)
        challenge, created = Challenge.objects.get_or_create(
            title=title,
            defaults={
                "description": description,
                "metric": metric,
                "target": target,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(days=length),
                "reward_points": reward,
            },
        )
        if created:
            log(f"  challenge {title}")
        if (
            challenge.ends_at > now
            and not ChallengeParticipation.objects.filter(user=student, challenge=challenge).exists()
        ):
            services.challenge_join(user=student, challenge=challenge)
    second = users.get("student2")
    if second is not None:  # a learner who keeps off the leaderboards (they still see their own rank)
        services.gamification_preferences_set(user=second, leaderboard_opt_out=True)
    for user in users.values():  # the demo streaks (learning.demo) may have reached a streak achievement
        services.achievements_evaluate(user_id=user.pk, kinds=["streak_days", "points_total"])
    boards = services.leaderboards_refresh()
    log(f"  {boards} leaderboard snapshot(s)")
