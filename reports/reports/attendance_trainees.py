"""Attendance rates, per trainee and course (the attendance report's rows are per course).

One row per enrolment (a trainee in a course in scope) with attendance records dated in the period:
records by status and the attendance rate = (present + late + left early) / (records − excused), as in
the attendance report and on the dashboards (learning.selectors.attendance_rates_*).  One grouped join:
enrolment → its user's attendance records of the enrolment's course in the period.
Sorted by the lowest rate first by default: the trainees to follow up.
"""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from learning.models import Attendance, Enrollment

from .attendance import ATTENDANCE_RATE, STATUS_COLUMNS, status_counts
from .base import Chart, Column, Kpi, Report, full_name

S = Attendance.Status


class AttendanceTraineesReport(Report):
    slug = "attendance-trainees"
    title = _("Attendance per trainee")
    description = _("Per trainee and course: attendance records in the period by status and the attendance rate.")
    icon = "person-check"
    row_label = _("trainees")
    link_column = "name"
    default_sort = "rate"
    columns = [
        Column("name", _("Trainee"), "text"),
        Column("email", _("E-mail"), "text"),
        Column("title", _("Course"), "text"),
        *STATUS_COLUMNS,
    ]

    def base_rows(self, p):
        qs = Enrollment.objects.all()
        if p.courses is not None:
            qs = qs.filter(course_id__in=p.course_ids())
        period = Q(
            user__attendance__course=F("course"),
            user__attendance__date__gte=p.date_from,
            user__attendance__date__lte=p.date_to,
        )
        return (
            qs.annotate(**status_counts("user__attendance", period))
            .filter(records__gt=0)
            .annotate(
                rate=ATTENDANCE_RATE,
                name=full_name("user__"),
                email=F("user__email"),
                title=F("course__title"),
            )
            .values(
                "id",
                "user_id",
                "course_id",
                "name",
                "email",
                "title",
                "records",
                "present",
                "late",
                "left_early",
                "absent",
                "excused",
                "rate",
            )  # fmt: skip
        )

    def summary(self, p):
        qs = Attendance.objects.filter(date__gte=p.date_from, date__lte=p.date_to)
        if p.courses is not None:
            qs = qs.filter(course__in=p.course_ids())
        t = qs.aggregate(
            trainees=Count("user", distinct=True),
            records=Count("id"),
            attended=Count("id", filter=Q(status__in=[S.PRESENT, S.LATE, S.LEFT_EARLY])),
            excused=Count("id", filter=Q(status=S.EXCUSED)),
        )
        counted = t["records"] - t["excused"]
        return [
            Kpi(_("Trainees with records"), t["trainees"]),
            Kpi(_("Attendance records"), t["records"]),
            Kpi(_("Attendance rate"), 100 * t["attended"] / counted if counted else None, "percent"),
        ]

    def charts(self, p):
        rows = self.top_rows(p, 15)
        return [
            Chart(
                "attendance-trainees-rate",
                _("Attendance rate per trainee (%)"),
                "bar",
                [f"{r['name'].strip() or r['email']} · {r['title']}"[:50] for r in rows],
                [{"label": _("Attendance rate (%)"), "data": [round(r["rate"] or 0, 1) for r in rows]}],
                horizontal=True,
                unit="%",
            )
        ]
