"""Gamification reads: points balance and ledger, achievements with progress, leaderboards (from their
snapshots), challenges and the dashboard panel.  Each runs a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courses.permissions import is_course_staff
from learning.models import (
    Achievement,
    Challenge,
    ChallengeParticipation,
    Enrollment,
    GamificationProfile,
    LeaderboardEntry,
    LeaderboardSnapshot,
    PointsEntry,
    UserAchievement,
)
from learning.services.gamification import criterion_values
from learning.services.leaderboards import ledger_for, period_start

Period = LeaderboardSnapshot.Period


def points_balance(*, user_id) -> int:
    """The balance: the SUM of the user's ledger (never a stored number)."""
    return PointsEntry.objects.filter(user_id=user_id).aggregate(s=Sum("amount"))["s"] or 0


def points_ledger(*, user: User) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(user=user).select_related("course").order_by("-created_at", "-id")


def gamification_profile(*, user: User) -> GamificationProfile:
    """The user's preferences (an unsaved default row when they never changed them)."""
    return GamificationProfile.objects.filter(user=user).first() or GamificationProfile(user=user)


def achievements_for_user(*, user: User) -> list[dict[str, Any]]:
    """Every active achievement with the user's award (or None) and progress towards it."""
    awards = UserAchievement.objects.filter(user=user)
    achievements = list(
        Achievement.objects.filter(is_active=True).prefetch_related(Prefetch("awards", awards, to_attr="mine"))
    )
    locked_kinds = {a.criterion_kind for a in achievements if not a.mine}
    values = criterion_values(user_id=user.pk, kinds=locked_kinds)
    rows = []
    for a in achievements:
        award = a.mine[0] if a.mine else None
        value = a.threshold if award else min(values.get(a.criterion_kind, 0), a.threshold)
        rows.append(
            {
                "achievement": a,
                "award": award,
                "value": value,
                "percent": int(value * 100 / a.threshold) if a.threshold else 100,
            }
        )
    return rows


def user_achievements(*, user: User) -> QuerySet[UserAchievement]:
    return UserAchievement.objects.filter(user=user).select_related("achievement").order_by("-awarded_at")


def achievement_award_public(*, award_id) -> UserAchievement:
    """The public page of an award: 404 when the holder hid it, or the account is closed."""
    award = (
        UserAchievement.objects.select_related("achievement", "user")
        .filter(pk=award_id, user__is_active=True)
        .exclude(user__gamification_profile__achievements_public=False)
        .first()
    )
    if award is None:
        raise Http404("No such award.")
    return award


def public_name(user: User) -> str:
    """How others see a learner on a leaderboard: first name and last initial ("Stella S.")."""
    last = f" {user.last_name[:1]}." if user.last_name else ""
    return f"{user.first_name}{last}".strip() or _("Learner")


# --- Leaderboards --------------------------------------------------------------------------------


def can_see_course_board(user, course: Course) -> bool:
    """A course's board: its enrolled students (with access), its teachers and staff."""
    if not user.is_authenticated:
        return False
    if is_course_staff(user, course):
        return True
    return Enrollment.objects.active().filter(user=user, course=course).exists()


def leaderboard_courses(*, user: User) -> QuerySet[Course]:
    """The courses whose boards the user may open from the leaderboard page (their enrolments)."""
    return Course.objects.filter(Exists(Enrollment.objects.active().filter(user=user, course=OuterRef("pk")))).order_by(
        "title"
    )


def _live_points(*, user_id, period: str, course_id) -> int:
    rows = ledger_for(period_from=period_start(period), course_id=course_id).filter(user_id=user_id)
    return rows.aggregate(s=Sum("amount"))["s"] or 0


def leaderboard(*, user: User, period: str, course: Course | None = None) -> dict[str, Any]:
    """A board from its snapshot: the entries others may see (opted-out users never), and the viewer's
    own place (also when they opted out or are below the shown places)."""
    if period not in Period.values:
        period = Period.WEEK
    if course is not None and not can_see_course_board(user, course):
        raise Http404("No such leaderboard.")
    course_id = course.pk if course is not None else None
    snapshot = LeaderboardSnapshot.objects.filter(period=period, course_id=course_id).first()
    entries: list[LeaderboardEntry] = []
    if snapshot is not None:
        entries = list(
            snapshot.entries.select_related("user")
            .filter(user__is_active=True)
            .exclude(Q(user__gamification_profile__leaderboard_opt_out=True) & ~Q(user=user))
            .order_by("rank", "id")
        )
        for e in entries:
            e.public_name = public_name(e.user)  # type: ignore[attr-defined]
    mine = next((e for e in entries if e.user_id == user.pk), None)
    my_points = mine.points if mine else _live_points(user_id=user.pk, period=period, course_id=course_id)
    my_rank = None
    if mine is not None:
        my_rank = mine.rank
    elif my_points > 0:
        # Not on the snapshot (below its places, or opted out): 1 + those ahead in the current ranking.
        ahead = (
            ledger_for(period_from=period_start(period), course_id=course_id)
            .filter(user__is_active=True)
            .exclude(user__gamification_profile__leaderboard_opt_out=True)
            .exclude(user=user)
            .values("user_id")
            .annotate(points=Sum("amount"))
            .filter(points__gt=my_points)
            .order_by()
        )
        my_rank = ahead.count() + 1
    profile = gamification_profile(user=user)
    return {
        "profile": profile,
        "snapshot": snapshot,
        "entries": entries,
        "period": period,
        "course": course,
        "my_rank": my_rank,
        "my_points": my_points,
        "opted_out": profile.leaderboard_opt_out,
    }


# --- Challenges ----------------------------------------------------------------------------------


def challenges_for_user(*, user: User) -> dict[str, list[tuple[Challenge, ChallengeParticipation | None]]]:
    """Active challenges split into running, upcoming and past, each with the user's participation."""
    now = timezone.now()
    mine = ChallengeParticipation.objects.filter(user=user)
    challenges = (
        Challenge.objects.filter(is_active=True)
        .select_related("course")
        .prefetch_related(Prefetch("participations", mine, to_attr="mine"))
        .annotate(participant_count=Count("participations", distinct=True))
        .order_by("ends_at", "title")
    )
    groups: dict[str, list] = {"running": [], "upcoming": [], "past": []}
    for c in challenges:
        group = "past" if c.ends_at <= now else "upcoming" if c.starts_at > now else "running"
        groups[group].append((c, c.mine[0] if c.mine else None))
    groups["past"].reverse()
    return groups


def challenge_list(*, user: User, state: str = "") -> QuerySet[Challenge]:
    """Active challenges for the API, each with `my_participation` (a list of 0 or 1)."""
    now = timezone.now()
    qs = Challenge.objects.filter(is_active=True).select_related("course")
    if state == "running":
        qs = qs.filter(starts_at__lte=now, ends_at__gt=now)
    elif state == "upcoming":
        qs = qs.filter(starts_at__gt=now)
    elif state == "past":
        qs = qs.filter(ends_at__lte=now)
    mine = ChallengeParticipation.objects.filter(user=user)
    return qs.prefetch_related(Prefetch("participations", mine, to_attr="my_participation")).order_by(
        "ends_at", "title"
    )


def challenge_get(*, challenge_id) -> Challenge:
    challenge = Challenge.objects.filter(pk=challenge_id, is_active=True).select_related("course").first()
    if challenge is None:
        raise Http404("No such challenge.")
    return challenge


def my_challenges(*, user: User) -> QuerySet[ChallengeParticipation]:
    return ChallengeParticipation.objects.filter(user=user).select_related("challenge", "challenge__course")


# --- Dashboard and profile -----------------------------------------------------------------------


def dashboard_panel(*, user: User) -> dict[str, Any] | None:
    """The dashboard's gamification panel: balance, achievements earned, all-time site rank (one query with
    subqueries) and the three latest achievements (one query)."""
    if not user.is_authenticated:
        return None
    balance = PointsEntry.objects.filter(user=OuterRef("pk")).order_by().values("user").annotate(s=Sum("amount"))
    earned = UserAchievement.objects.filter(user=OuterRef("pk")).order_by().values("user").annotate(n=Count("pk"))
    rank = LeaderboardEntry.objects.filter(
        snapshot__period=Period.ALL, snapshot__course__isnull=True, user=OuterRef("pk")
    ).values("rank")[:1]
    figures = (
        User.objects.filter(pk=user.pk)
        .annotate(
            balance=Subquery(balance.values("s"), output_field=IntegerField()),
            earned=Subquery(earned.values("n"), output_field=IntegerField()),
            rank=Subquery(rank, output_field=IntegerField()),
        )
        .values("balance", "earned", "rank")
        .first()
        or {}
    )
    return {
        "balance": figures.get("balance") or 0,
        "earned": figures.get("earned") or 0,
        "rank": figures.get("rank"),
        "recent": list(user_achievements(user=user)[:3]),
    }
