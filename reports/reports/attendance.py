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

from courses.models import Course
from learning.models import Attendance

from .base import Chart, Column, Kpi, Report, full_name

S = Attendance.Status


class AttendanceReport(Report):
    slug = "attendance"
    title = "Attendance rates"
    description = "Per course: sessions held in the period, attendance records by status and the attendance rate."
    icon = "calendar-check"
    row_label = "courses"
    link_column = "title"
    default_sort = "-records"
    columns = [
        Column("title", "Course", "text"),
        Column("instructor_name", "Instructor", "text"),
        Column("sessions", "Sessions"),
        Column("students", "Students"),
        Column("records", "Records"),
        Column("present", "Present"),
        Column("late", "Late"),
        Column("left_early", "Left early"),
        Column("absent", "Absent"),
        Column("excused", "Excused"),
        Column("rate", "Attendance rate (%)", "percent", help="(present + late + left early) / (records − excused)"),
    ]

    def base_rows(self, p):
        qs = Course.objects.all()
        if p.courses is not None:
            qs = qs.filter(pk__in=p.course_ids())
        period = Q(attendance__date__gte=p.date_from, attendance__date__lte=p.date_to)
        status = "attendance__status"
        return (
            qs.annotate(
                records=Count("attendance", filter=period),
                sessions=Count("attendance__date", filter=period, distinct=True),
                students=Count("attendance__user", filter=period, distinct=True),
                present=Count("attendance", filter=period & Q(**{status: S.PRESENT})),
                late=Count("attendance", filter=period & Q(**{status: S.LATE})),
                left_early=Count("attendance", filter=period & Q(**{status: S.LEFT_EARLY})),
                absent=Count("attendance", filter=period & Q(**{status: S.ABSENT})),
                excused=Count("attendance", filter=period & Q(**{status: S.EXCUSED})),
            )
            .filter(records__gt=0)
            .annotate(
                rate=(Cast(F("present") + F("late") + F("left_early"), FloatField()) * Value(100.0))
                / NullIf(Cast(F("records") - F("excused"), FloatField()), Value(0.0)),
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
            Kpi("Attendance records", t["records"]),
            Kpi("Attendance rate", 100 * t["attended"] / counted if counted else None, "percent"),
            Kpi("Absences", t["absent"]),
        ]

    def charts(self, p):
        rows = self.top_rows(p, 15)
        return [
            Chart(
                "attendance-rate",
                "Attendance rate by course (%)",
                "bar",
                [r["title"][:40] for r in rows],
                [{"label": "Attendance rate (%)", "data": [round(r["rate"] or 0, 1) for r in rows]}],
                horizontal=True,
                unit="%",
            ),
            Chart(
                "attendance-status",
                "Records by status",
                "bar",
                [r["title"][:40] for r in rows],
                [
                    {"label": "Present", "data": [r["present"] for r in rows]},
                    {"label": "Late", "data": [r["late"] for r in rows]},
                    {"label": "Left early", "data": [r["left_early"] for r in rows]},
                    {"label": "Absent", "data": [r["absent"] for r in rows]},
                    {"label": "Excused", "data": [r["excused"] for r in rows]},
                ],
                stacked=True,
            ),
        ]
