"""Attendance rates, per course.

From learning.Attendance records dated in the period:
- sessions: distinct dates with records; students: distinct students with records;
- sessions: distinct dates (a day sheet's, or classroom sessions' local dates);
- records by status (present, late, left early, absent, excused);
- attendance rate = (present + late + left early) / (records - excused): an excused absence counts neither way.
One source, one grouped join.
"""

from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from learning.models import Attendance

from .base import Chart, Column, Kpi, Report, full_name

S = Attendance.Status

# Shared with the per-trainee report (attendance_trainees.py): the status columns, their counts and the rate.
STATUS_COLUMNS = [
    Column("records", _("Records")),
    Column("present", _("Present")),
    Column("late", _("Late")),
    Column("left_early", _("Left early")),
    Column("absent", _("Absent")),
    Column("excused", _("Excused")),
    Column("rate", _("Attendance rate (%)"), "percent", help=_("(present + late + left early) / (records − excused)")),
]
# (present + late + left early) / (records − excused), in percent; null when every record is excused.
ATTENDANCE_RATE = (Cast(F("present") + F("late") + F("left_early"), FloatField()) * Value(100.0)) / NullIf(
    Cast(F("records") - F("excused"), FloatField()), Value(0.0)
)


def status_counts(relation: str, period: Q) -> dict:
    """Annotations counting `relation` (attendance records) in `period`: in all and by status."""
    status = f"{relation}__status"
    return {
        "records": Count(relation, filter=period),
        "present": Count(relation, filter=period & Q(**{status: S.PRESENT})),
        "late": Count(relation, filter=period & Q(**{status: S.LATE})),
        "left_early": Count(relation, filter=period & Q(**{status: S.LEFT_EARLY})),
        "absent": Count(relation, filter=period & Q(**{status: S.ABSENT})),
        "excused": Count(relation, filter=period & Q(**{status: S.EXCUSED})),
    }


class AttendanceReport(Report):
    slug = "attendance"
    title = _("Attendance rates")
    description = _("Per course: sessions held in the period, attendance records by status and the attendance rate.")
    icon = "calendar-check"
    row_label = _("courses")
    link_column = "title"
    default_sort = "-records"
    columns = [
        Column("title", _("Course"), "text"),
        Column("instructor_name", _("Instructor"), "text"),
        Column("sessions", _("Sessions")),
        Column("students", _("Students")),
        *STATUS_COLUMNS,
    ]

    def base_rows(self, p):
        qs = Course.objects.all()
        if p.courses is not None:
            qs = qs.filter(pk__in=p.course_ids())
        period = Q(attendance__date__gte=p.date_from, attendance__date__lte=p.date_to)
        return (
            qs.annotate(
                **status_counts("attendance", period),
                sessions=Count("attendance__date", filter=period, distinct=True),
                students=Count("attendance__user", filter=period, distinct=True),
            )
            .filter(records__gt=0)
            .annotate(
                rate=ATTENDANCE_RATE,
                instructor_name=full_name("instructor__"),
            )
            .values(
                "id",
                "slug",
                "title",
                "instructor_name",
                "sessions",
                "students",
                "records",
                "present",
                "late",
                "left_early",
                "absent",
                "excused",
                "rate",
            )
        )

    def summary(self, p):
        qs = Attendance.objects.filter(date__gte=p.date_from, date__lte=p.date_to)
        if p.courses is not None:
            qs = qs.filter(course__in=p.course_ids())
        t = qs.aggregate(
            records=Count("id"),
            attended=Count("id", filter=Q(status__in=[S.PRESENT, S.LATE, S.LEFT_EARLY])),
            excused=Count("id", filter=Q(status=S.EXCUSED)),
            absent=Count("id", filter=Q(status=S.ABSENT)),
        )
        counted = t["records"] - t["excused"]
        return [
            Kpi(_("Attendance records"), t["records"]),
            Kpi(_("Attendance rate"), 100 * t["attended"] / counted if counted else None, "percent"),
            Kpi(_("Absences"), t["absent"]),
        ]

    def charts(self, p):
        rows = self.top_rows(p, 15)
        return [
            Chart(
                "attendance-rate",
                _("Attendance rate by course (%)"),
                "bar",
                [r["title"][:40] for r in rows],
                [{"label": _("Attendance rate (%)"), "data": [round(r["rate"] or 0, 1) for r in rows]}],
                horizontal=True,
                unit="%",
            ),
            Chart(
                "attendance-status",
                _("Records by status"),
                "bar",
                [r["title"][:40] for r in rows],
                [
                    {"label": _("Present"), "data": [r["present"] for r in rows]},
                    {"label": _("Late"), "data": [r["late"] for r in rows]},
                    {"label": _("Left early"), "data": [r["left_early"] for r in rows]},
                    {"label": _("Absent"), "data": [r["absent"] for r in rows]},
                    {"label": _("Excused"), "data": [r["excused"] for r in rows]},
                ],
                stacked=True,
            ),
        ]
