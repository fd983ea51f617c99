"""User engagement & activity overview, per day (or per week).

From reports.ActivityLog, in the period (and for the courses in scope: an instructor's view has only
course events, so no log-ins):
- active users: distinct users with any event that day/week;
- sessions: log-ins; lessons viewed; lessons completed; quizzes submitted; purchases.
One source, one grouped query (index activity_event_created_idx / activity_course_created_idx).
"""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncWeek

from ..models import ActivityLog
from .base import Chart, Column, Kpi, Report

E = ActivityLog.Event


class ActivityReport(Report):
    slug = "activity"
    title = "User engagement & activity"
    description = "Active users per day or week, log-ins, lessons viewed and completed, quizzes and purchases."
    icon = "graph-up"
    row_label = "days"
    default_sort = "-day"
    tiebreak = "day"
    columns = [
        Column("day", "Day (week from)", "date"),
        Column("active_users", "Active users"),
        Column("sessions", "Sessions (log-ins)"),
        Column("lesson_views", "Lessons viewed"),
        Column("lesson_completions", "Lessons completed"),
        Column("quiz_submits", "Quizzes submitted"),
        Column("purchases", "Purchases"),
    ]

    def events(self, p):
        qs = ActivityLog.objects.filter(created_at__gte=p.start, created_at__lt=p.end)
        if p.courses is not None:
            qs = qs.filter(course__in=p.course_ids())
        return qs

    def base_rows(self, p):
        trunc = TruncWeek("created_at") if p.period == "week" else TruncDate("created_at")
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
            .values(
                "day", "active_users", "sessions", "lesson_views", "lesson_completions", "quiz_submits", "purchases"
            )
        )

    def cells(self, row):
        row = dict(row)
        day = row.get("day")
        if hasattr(day, "date"):  # TruncWeek gives a datetime
            row["day"] = day.date()
        return super().cells(row)

    def summary(self, p):
        t = self.events(p).aggregate(
            users=Count("user", distinct=True),
            sessions=Count("id", filter=Q(event=E.LOGIN)),
            views=Count("id", filter=Q(event=E.LESSON_VIEW)),
            completions=Count("id", filter=Q(event=E.LESSON_COMPLETE)),
        )
        return [
            Kpi("Active users", t["users"], hint="distinct users in the period"),
            Kpi("Sessions", t["sessions"], hint="log-ins"),
            Kpi("Lessons viewed", t["views"]),
            Kpi("Lessons completed", t["completions"]),
        ]

    def charts(self, p):
        days = list(self.base_rows(p).order_by("day"))
        labels = [(d["day"].date() if hasattr(d["day"], "date") else d["day"]).isoformat() for d in days]
        return [
            Chart(
                "activity-users",
                "Active users" + (" per week" if p.period == "week" else " per day"),
                "line",
                labels,
                [
                    {"label": "Active users", "data": [d["active_users"] for d in days]},
                    {"label": "Sessions", "data": [d["sessions"] for d in days]},
                ],
            ),
            Chart(
                "activity-learning",
                "Learning activity",
                "bar",
                labels,
                [
                    {"label": "Lessons viewed", "data": [d["lesson_views"] for d in days]},
                    {"label": "Lessons completed", "data": [d["lesson_completions"] for d in days]},
                    {"label": "Quizzes submitted", "data": [d["quiz_submits"] for d in days]},
                ],
                stacked=True,
            ),
        ]
