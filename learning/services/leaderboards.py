"""Leaderboards: computed in SQL from the points ledger (SUM per user, RANK() window) and snapshotted into
`LeaderboardSnapshot` / `LeaderboardEntry` rows by the periodic task `learning.leaderboards_refresh`;
the pages and the API read the snapshots.

Boards: site-wide and per course (points earned in that course), for this week (from Monday 00:00 in the
site's time zone), this month and all time.  Users who opted out (GamificationProfile.leaderboard_opt_out)
and inactive accounts are left out of the ranking itself, so nobody can infer them from a gap.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Sum, Window
from django.db.models.functions import Rank
from django.utils import timezone

from courseworx.core.live_settings import setting_value
from learning.models import LeaderboardEntry, LeaderboardSnapshot, PointsEntry

Period = LeaderboardSnapshot.Period


def period_start(period: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the current week / month began (local midnight); None for all time."""
    now = timezone.localtime(now or timezone.now())
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == Period.WEEK:
        return midnight - dt.timedelta(days=midnight.weekday())
    if period == Period.MONTH:
        return midnight.replace(day=1)
    return None


def ledger_for(*, period_from: dt.datetime | None, course_id=None):
    """The ledger rows that count for a board (a queryset for ranking and "your rank")."""
    rows = PointsEntry.objects.all()
    if period_from is not None:
        rows = rows.filter(created_at__gte=period_from)
    if course_id is not None:
        rows = rows.filter(course_id=course_id)
    return rows


def ranking_query(*, period_from: dt.datetime | None, course_id=None):
    """(user_id, points, rank) of the users who may appear publicly, best first (one SQL query)."""
    return (
        ledger_for(period_from=period_from, course_id=course_id)
        .filter(user__is_active=True)
        .exclude(user__gamification_profile__leaderboard_opt_out=True)
        .values("user_id")
        .annotate(points=Sum("amount"))
        .filter(points__gt=0)
        .annotate(rank=Window(Rank(), order_by=F("points").desc()))
        .order_by("rank", "user_id")
    )


@transaction.atomic
def leaderboard_snapshot(*, period: str, course_id=None, now: dt.datetime | None = None) -> LeaderboardSnapshot:
    """Recompute one board and replace its snapshot (rows locked, so two refreshes do not interleave)."""
    now = now or timezone.now()
    start = period_start(period, now)
    size = int(setting_value("GAMIFICATION_LEADERBOARD_SIZE"))
    snapshot = LeaderboardSnapshot.objects.select_for_update().filter(period=period, course_id=course_id).first()
    if snapshot is None:
        snapshot = LeaderboardSnapshot.objects.create(
            period=period, course_id=course_id, period_start=start, computed_at=now
        )
    else:
        snapshot.entries.all().delete()
        snapshot.period_start, snapshot.computed_at = start, now
        snapshot.save(update_fields=["period_start", "computed_at", "updated_at"])
    rows = ranking_query(period_from=start, course_id=course_id)[:size]
    LeaderboardEntry.objects.bulk_create(
        LeaderboardEntry(snapshot=snapshot, user_id=r["user_id"], points=r["points"], rank=r["rank"]) for r in rows
    )
    return snapshot


def leaderboards_refresh(*, now: dt.datetime | None = None) -> int:
    """Every board: site-wide and each course with points in the period; stale course boards go.  Returns
    the number of boards written."""
    now = now or timezone.now()
    written = 0
    for period in Period.values:
        leaderboard_snapshot(period=period, now=now)
        written += 1
        start = period_start(period, now)
        course_ids = set(
            ledger_for(period_from=start)
            .filter(course_id__isnull=False)
            .order_by()
            .values_list("course_id", flat=True)
            .distinct()
        )
        for course_id in course_ids:
            leaderboard_snapshot(period=period, course_id=course_id, now=now)
            written += 1
        LeaderboardSnapshot.objects.filter(period=period, course_id__isnull=False).exclude(
            course_id__in=course_ids
        ).delete()
    return written
