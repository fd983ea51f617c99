"""User engagement & activity overview, per day (or per week).

From reports.ActivityLog, in the period (and for the courses in scope: an instructor's view has only
course events, so no log-ins):
- active users: distinct users with any event that day/week;
- sessions: log-ins; lessons viewed; lessons completed; quizzes submitted; purchases.
One source, one grouped query (index activity_event_created_idx / activity_course_created_idx).
Whole-site view with fresh rollups (reports/rollups.py): days and whole weeks from SiteActivityStats (the
partial weeks at the ends of the range computed live over those few days), distinct users in the
period from ActiveDays.
"""

import dataclasses
import datetime as dt

from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import Cast, TruncDate, TruncWeek
from django.utils.translation import gettext_lazy as _

from ..models import ActiveDays, ActivityLog, Grain, SiteActivityStats
from ..rollups import full_weeks
from .base import Chart, Column, Kpi, Report

E = ActivityLog.Event
FIELDS = ("day", "active_users", "sessions", "lesson_views", "lesson_completions", "quiz_submits", "purchases")


class ActivityReport(Report):
    slug = "activity"
    title = _("User engagement & activity")
    description = _("Active users per day or week, log-ins, lessons viewed and completed, quizzes and purchases.")
    icon = "graph-up"
    row_label = _("days")
    default_sort = "-day"
    tiebreak = "day"
    columns = [
        Column("day", _("Day (week from)"), "date"),
        Column("active_users", _("Active users")),
        Column("sessions", _("Sessions (log-ins)")),
        Column("lesson_views", _("Lessons viewed")),
        Column("lesson_completions", _("Lessons completed")),
        Column("quiz_submits", _("Quizzes submitted")),
        Column("purchases", _("Purchases")),
    ]

    def events(self, p):
        qs = ActivityLog.objects.filter(created_at__gte=p.start, created_at__lt=p.end)
        if p.courses is not None:
            qs = qs.filter(course__in=p.course_ids())
        return qs

    def base_rows(self, p):
        if p.use_rollups:
            return self._rollup_rows(p)
        return self._live_rows(p)

    def _live_rows(self, p):
        trunc = Cast(TruncWeek("created_at"), DateField()) if p.period == "week" else TruncDate("created_at")
        return (
            self.events(p)
            .annotate(day=trunc)
            .values("day")
            .annotate(
                active_users=Count("user", distinct=True),
                sessions=Count("id", filter=Q(event=E.LOGIN)),
                lesson_views=Count("id", filter=Q(event=E.LESSON_VIEW)),
                lesson_completions=Count("id", filter=Q(event=E.LESSON_COMPLETE)),
                quiz_submits=Count("id", filter=Q(event=E.QUIZ_SUBMIT)),
                purchases=Count("id", filter=Q(event=E.PURCHASE)),
            )
            .values(*FIELDS)
        )

    def _rollup_rows(self, p):
        stats = SiteActivityStats.objects.annotate(day=F("period")).values(*FIELDS)
        if p.period != "week":
            return stats.filter(grain=Grain.DAY, period__gte=p.date_from, period__lte=p.date_to)
        start, after = full_weeks(p.date_from, p.date_to)
        if start >= after:  # no whole week: a few days, computed live
            return self._live_rows(p)
        rows = stats.filter(grain=Grain.WEEK, period__gte=start, period__lt=after)
        edges = [(p.date_from, start - dt.timedelta(days=1)), (after, p.date_to)]
        live = [
            self._live_rows(dataclasses.replace(p, date_from=a, date_to=b, rollups_as_of=None, cache={}))
            for a, b in edges
            if a <= b
        ]
        return rows.union(*live, all=True) if live else rows

    def cells(self, row):
        row = dict(row)
        day = row.get("day")
        if hasattr(day, "date"):  # TruncWeek gives a datetime
            row["day"] = day.date()
        return super().cells(row)

    def summary(self, p):
        if p.use_rollups:
            t = SiteActivityStats.objects.filter(
                grain=Grain.DAY, period__gte=p.date_from, period__lte=p.date_to
            ).aggregate(
                sessions=Sum("sessions", default=0),
                views=Sum("lesson_views", default=0),
                completions=Sum("lesson_completions", default=0),
            )
            t["users"] = ActiveDays.objects.filter(
                scope=ActiveDays.Scope.ALL, days__overlaps=(p.date_from, p.date_to)
            ).count()
        else:
            t = self.events(p).aggregate(
                users=Count("user", distinct=True),
                sessions=Count("id", filter=Q(event=E.LOGIN)),
                views=Count("id", filter=Q(event=E.LESSON_VIEW)),
                completions=Count("id", filter=Q(event=E.LESSON_COMPLETE)),
            )
        return [
            Kpi(_("Active users"), t["users"], hint=_("distinct users in the period")),
            Kpi(_("Sessions"), t["sessions"], hint=_("log-ins")),
            Kpi(_("Lessons viewed"), t["views"]),
            Kpi(_("Lessons completed"), t["completions"]),
        ]

    def charts(self, p):
        days = list(self.base_rows(p).order_by("day"))
        labels = [(d["day"].date() if hasattr(d["day"], "date") else d["day"]).isoformat() for d in days]
        return [
            Chart(
                "activity-users",
                _("Active users per week") if p.period == "week" else _("Active users per day"),
                "line",
                labels,
                [
                    {"label": _("Active users"), "data": [d["active_users"] for d in days]},
                    {"label": _("Sessions"), "data": [d["sessions"] for d in days]},
                ],
            ),
            Chart(
                "activity-learning",
                _("Learning activity"),
                "bar",
                labels,
                [
                    {"label": _("Lessons viewed"), "data": [d["lesson_views"] for d in days]},
                    {"label": _("Lessons completed"), "data": [d["lesson_completions"] for d in days]},
                    {"label": _("Quizzes submitted"), "data": [d["quiz_submits"] for d in days]},
                ],
                stacked=True,
            ),
        ]
