"""Support load & satisfaction, per ticket category.

Tickets *opened* in the period (community.SupportTicket.created_at), for the courses in scope when a
course/instructor filter is set (tickets without a course count only in the unfiltered view):
- tickets, and how many are now open / pending / resolved / closed;
- first response: average hours from opening to the first staff reply (answered tickets only);
- resolution: average hours from opening to resolution (resolved tickets only);
- satisfaction: average rating 1-5 of the rated tickets, and how many were rated.
One source, one grouped query.
"""

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _

from community.models import SupportTicket

from .base import Chart, Column, Kpi, Report

S = SupportTicket.Status
CATEGORY_LABELS = dict(SupportTicket.Category.choices)


def _hours(end: str):
    return Avg(
        ExpressionWrapper(F(end) - F("created_at"), output_field=DurationField()), filter=Q(**{f"{end}__isnull": False})
    )


class SupportReport(Report):
    slug = "support"
    title = _("Support load & satisfaction")
    description = _("Tickets opened in the period by category and status, response and resolution times, satisfaction.")
    icon = "life-preserver"
    row_label = _("categories")
    default_sort = "-tickets"
    tiebreak = "category"
    columns = [
        Column("category", _("Category"), "text"),
        Column("tickets", _("Tickets")),
        Column("open", _("Open")),
        Column("pending", _("Pending")),
        Column("resolved", _("Resolved")),
        Column("closed", _("Closed")),
        Column("first_response", _("Avg. first response (h)"), "hours"),
        Column("resolution", _("Avg. resolution (h)"), "hours"),
        Column("rated", _("Rated")),
        Column("satisfaction", _("Satisfaction (1–5)"), "decimal"),
    ]

    def tickets(self, p):
        qs = SupportTicket.objects.filter(created_at__gte=p.start, created_at__lt=p.end)
        if p.courses is not None:
            qs = qs.filter(course__in=p.course_ids())
        return qs

    def base_rows(self, p):
        return (
            self.tickets(p)
            .values("category")
            .annotate(
                tickets=Count("id"),
                open=Count("id", filter=Q(status=S.OPEN)),
                pending=Count("id", filter=Q(status=S.PENDING)),
                resolved=Count("id", filter=Q(status=S.RESOLVED)),
                closed=Count("id", filter=Q(status=S.CLOSED)),
                first_response=_hours("first_response_at"),
                resolution=_hours("resolved_at"),
                rated=Count("satisfaction"),
                satisfaction=Avg("satisfaction"),
            )
            .values("category", "tickets", "open", "pending", "resolved", "closed", "first_response", "resolution",
                    "rated", "satisfaction")
        )  # fmt: skip

    def cells(self, row):
        row = dict(row)
        row["category"] = CATEGORY_LABELS.get(row["category"], row["category"])
        return super().cells(row)

    def summary(self, p):
        t = self.tickets(p).aggregate(
            tickets=Count("id"),
            unresolved=Count("id", filter=Q(status__in=[S.OPEN, S.PENDING])),
            first_response=_hours("first_response_at"),
            resolution=_hours("resolved_at"),
            satisfaction=Avg("satisfaction"),
        )
        return [
            Kpi(_("Tickets opened"), t["tickets"]),
            Kpi(_("Still open or pending"), t["unresolved"]),
            Kpi(_("Avg. first response (h)"), t["first_response"], "hours"),
            Kpi(_("Avg. resolution (h)"), t["resolution"], "hours"),
            Kpi(_("Satisfaction (1–5)"), t["satisfaction"], "decimal"),
        ]

    def charts(self, p):
        rows = list(self.base_rows(p).order_by("-tickets", "category"))
        labels = [CATEGORY_LABELS.get(r["category"], r["category"]) for r in rows]
        weekly = list(
            self.tickets(p)
            .annotate(week=TruncWeek("created_at"))
            .values("week")
            .annotate(n=Count("id"), done=Count("id", filter=Q(status__in=[S.RESOLVED, S.CLOSED])))
            .order_by("week")
        )
        ratings = dict(
            self.tickets(p).filter(satisfaction__isnull=False).values_list("satisfaction").annotate(n=Count("id"))
        )
        return [
            Chart(
                "support-status",
                _("Tickets by category and status"),
                "bar",
                labels,
                [
                    {"label": _("Open"), "data": [r["open"] for r in rows]},
                    {"label": _("Pending"), "data": [r["pending"] for r in rows]},
                    {"label": _("Resolved"), "data": [r["resolved"] for r in rows]},
                    {"label": _("Closed"), "data": [r["closed"] for r in rows]},
                ],
                stacked=True,
            ),
            Chart(
                "support-weekly",
                _("Tickets opened per week"),
                "line",
                [w["week"].date().isoformat() for w in weekly],
                [
                    {"label": _("Opened"), "data": [w["n"] for w in weekly]},
                    {"label": _("Now resolved or closed"), "data": [w["done"] for w in weekly]},
                ],
            ),
            Chart(
                "support-satisfaction",
                _("Satisfaction ratings"),
                "bar",
                ["1", "2", "3", "4", "5"],
                [{"label": _("Tickets"), "data": [ratings.get(i, 0) for i in range(1, 6)]}],
            ),
        ]
