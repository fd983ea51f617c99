"""Active student engagement, per course.

- students: enrolments that give access now (enrolled or completed), whatever their date;
- active students: distinct students with a learning event on the course in the period (lesson viewed,
  lesson completed, quiz submitted: reports.ActivityLog);
- active rate = active students / students;
- time spent: total time recorded on the course's lesson records last updated in the period (each
  record's running total, learning.LessonCompletion.time_spent_seconds), in hours;
- progress distribution of the students: not started (0 %), under half (0-50 %), over half (50-100 %),
  finished (100 %); average progress.
Three sources, each aggregated on its own: enrolments (one grouped join), activity and time (one
correlated Subquery each), so no source multiplies another's rows.

Plans (EXPLAIN ANALYZE, bench/reports.py): every source is read from an index alone (Index Only Scan):
enrolments on (course, status, progress_percent) -- the counts count `status`, not the id, for that --,
activity on activity_course_cov_idx (course, created_at) INCLUDE (event, user), time on
LessonCompletion (course, updated_at) INCLUDE (time_spent_seconds).  Figures are computed live (no
summary table): they are exact at any moment, and the work grows linearly with the rows in scope.
Whole-site view with fresh rollups (reports/rollups.py): students and progress from CourseProgressStats,
active students from ActiveDays (one overlap test per learner and course), time from CoursePeriodStats.
"""

from django.db.models import Avg, Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from learning.models import Enrollment, LessonCompletion

from ..models import ActiveDays, ActivityLog, CoursePeriodStats, CourseProgressStats
from ..rollups import period_q
from .base import Chart, Column, Kpi, Report, full_name, percent, quotient, zero

LEARNING_EVENTS = (
    ActivityLog.Event.LESSON_VIEW,
    ActivityLog.Event.LESSON_COMPLETE,
    ActivityLog.Event.QUIZ_SUBMIT,
)
ACCESS = Q(enrollments__status__in=Enrollment.ACCESS_STATUSES)
# Count a column of the index (status is never NULL, so this equals counting enrolments): no heap access.
ENROLMENTS = "enrollments__status"


def _active_students(p):
    return (
        ActivityLog.objects.filter(
            course=OuterRef("pk"), created_at__gte=p.start, created_at__lt=p.end, event__in=LEARNING_EVENTS
        )
        .values("course")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )


def _time_spent(p):
    return (
        LessonCompletion.objects.filter(course=OuterRef("pk"), updated_at__gte=p.start, updated_at__lt=p.end)
        .values("course")
        .annotate(s=Sum("time_spent_seconds"))
        .values("s")
    )


FIELDS = ("id", "slug", "title", "instructor_name", "students", "active_students", "active_rate", "time_spent",
          "avg_progress", "not_started", "under_half", "over_half", "finished")  # fmt: skip
BUCKETS = ("not_started", "under_half", "over_half", "finished")
PROGRESS = DecimalField(max_digits=9, decimal_places=4)


def _rollup_active(p):
    return (
        ActiveDays.objects.filter(
            scope=ActiveDays.Scope.COURSE, course=OuterRef("pk"), days__overlaps=(p.date_from, p.date_to)
        )
        .values("course")
        .annotate(n=Count("*"))
        .values("n")
    )


def _rollup_time(p):
    return (
        CoursePeriodStats.objects.filter(period_q(p.date_from, p.date_to), course=OuterRef("pk"))
        .values("course")
        .annotate(s=Sum("time_spent_seconds"))
        .values("s")
    )


class EngagementReport(Report):
    slug = "engagement"
    title = _("Active student engagement")
    description = _("Per course: students active in the period, time spent and how far the students have got.")
    icon = "activity"
    row_label = _("courses")
    link_column = "title"
    default_sort = "-active_students"
    columns = [
        Column("title", _("Course"), "text"),
        Column("instructor_name", _("Instructor"), "text"),
        Column("students", _("Students")),
        Column("active_students", _("Active students")),
        Column("active_rate", _("Active (%)"), "percent", help=_("active students / students")),
        Column("time_spent", _("Time spent (h)"), "hours"),
        Column("avg_progress", _("Avg. progress (%)"), "percent"),
        Column("not_started", _("Not started")),
        Column("under_half", _("Under 50 %")),
        Column("over_half", _("50–99 %")),
        Column("finished", _("Finished")),
    ]

    def base_rows(self, p):
        qs = Course.objects.all()
        if p.use_rollups:
            return self._rollup_rows(qs, p)
        if p.courses is not None:
            qs = qs.filter(pk__in=p.course_ids())
        progress = "enrollments__progress_percent"
        return (
            qs.annotate(
                students=Count(ENROLMENTS, filter=ACCESS),
                avg_progress=Avg(progress, filter=ACCESS),
                not_started=Count(ENROLMENTS, filter=ACCESS & Q(**{progress: 0})),
                under_half=Count(ENROLMENTS, filter=ACCESS & Q(**{f"{progress}__gt": 0, f"{progress}__lt": 50})),
                over_half=Count(ENROLMENTS, filter=ACCESS & Q(**{f"{progress}__gte": 50, f"{progress}__lt": 100})),
                finished=Count(ENROLMENTS, filter=ACCESS & Q(**{f"{progress}__gte": 100})),
                active_students=zero(Subquery(_active_students(p), output_field=IntegerField())),
                time_spent=zero(Subquery(_time_spent(p), output_field=IntegerField())),
            )
            .filter(Q(students__gt=0) | Q(active_students__gt=0))
            .annotate(active_rate=percent("active_students", "students"), instructor_name=full_name("instructor__"))
            .values(*FIELDS)
        )

    def _rollup_rows(self, qs, p):
        stats = "progress_stats__"
        return (
            qs.annotate(
                students=zero(F(f"{stats}students")),
                avg_progress=quotient(F(f"{stats}progress_sum"), F(f"{stats}students"), PROGRESS),
                **{name: zero(F(f"{stats}{name}")) for name in BUCKETS},
                active_students=zero(Subquery(_rollup_active(p), output_field=IntegerField())),
                time_spent=zero(Subquery(_rollup_time(p), output_field=IntegerField())),
            )
            .filter(Q(students__gt=0) | Q(active_students__gt=0))
            .annotate(active_rate=percent("active_students", "students"), instructor_name=full_name("instructor__"))
            .values(*FIELDS)
        )

    def _rollup_summary(self, p):
        e = CourseProgressStats.objects.aggregate(
            students=Sum("students", default=0), total=Sum("progress_sum"), **{k: Sum(k, default=0) for k in BUCKETS}
        )
        e["avg"] = e["total"] / e["students"] if e["students"] else None
        e["active"] = ActiveDays.objects.filter(
            scope=ActiveDays.Scope.LEARNING, days__overlaps=(p.date_from, p.date_to)
        ).count()
        e["seconds"] = CoursePeriodStats.objects.filter(
            period_q(p.date_from, p.date_to), course__isnull=True
        ).aggregate(s=Sum("time_spent_seconds"))["s"]
        return e

    def summary(self, p):
        if p.use_rollups:
            e = self._rollup_summary(p)
            return self._kpis(e["students"], e["active"], e["seconds"] or 0, e["avg"])
        enrolments = Enrollment.objects.filter(status__in=Enrollment.ACCESS_STATUSES)
        activity = ActivityLog.objects.filter(created_at__gte=p.start, created_at__lt=p.end, event__in=LEARNING_EVENTS)
        lessons = LessonCompletion.objects.filter(updated_at__gte=p.start, updated_at__lt=p.end)
        if p.courses is not None:
            enrolments = enrolments.filter(course__in=p.course_ids())
            activity = activity.filter(course__in=p.course_ids())
            lessons = lessons.filter(course__in=p.course_ids())
        e = enrolments.aggregate(students=Count("id"), avg=Avg("progress_percent"))
        # COUNT(*) over SELECT DISTINCT user: a (parallel) hash aggregate, where COUNT(DISTINCT) sorts.
        active = activity.filter(user__isnull=False).order_by().values("user").distinct().count()
        seconds = lessons.aggregate(s=Sum("time_spent_seconds"))["s"] or 0
        return self._kpis(e["students"], active, seconds, e["avg"])

    @staticmethod
    def _kpis(students, active, seconds, avg):
        return [
            Kpi(_("Students"), students, hint=_("enrolments with access")),
            Kpi(_("Active students"), active, hint=_("distinct students with learning activity in the period")),
            Kpi(_("Time spent (h)"), seconds, "hours"),
            Kpi(_("Average progress"), avg, "percent"),
        ]

    def charts(self, p):
        rows = self.top_rows(p, 10)
        if p.use_rollups:
            totals = CourseProgressStats.objects.aggregate(**{k: Sum(k) for k in BUCKETS})
            buckets = dict(zip("abcd", (totals[k] for k in BUCKETS), strict=True))
        else:
            enrolments = Enrollment.objects.filter(status__in=Enrollment.ACCESS_STATUSES)
            if p.courses is not None:
                enrolments = enrolments.filter(course__in=p.course_ids())
            buckets = enrolments.aggregate(
                a=Count("id", filter=Q(progress_percent=0)),
                b=Count("id", filter=Q(progress_percent__gt=0, progress_percent__lt=50)),
                c=Count("id", filter=Q(progress_percent__gte=50, progress_percent__lt=100)),
                d=Count("id", filter=Q(progress_percent__gte=100)),
            )
        return [
            Chart(
                "engagement-active",
                _("Active students (top 10 courses)"),
                "bar",
                [r["title"][:40] for r in rows],
                [
                    {"label": _("Students"), "data": [r["students"] for r in rows]},
                    {"label": _("Active in the period"), "data": [r["active_students"] for r in rows]},
                ],
            ),
            Chart(
                "engagement-progress",
                _("Progress distribution (top 10 courses)"),
                "bar",
                [r["title"][:40] for r in rows],
                [
                    {"label": _("Not started"), "data": [r["not_started"] for r in rows]},
                    {"label": _("Under 50 %"), "data": [r["under_half"] for r in rows]},
                    {"label": _("50–99 %"), "data": [r["over_half"] for r in rows]},
                    {"label": _("Finished"), "data": [r["finished"] for r in rows]},
                ],
                stacked=True,
                horizontal=True,
            ),
            Chart(
                "engagement-buckets",
                _("All students by progress"),
                "doughnut",
                [_("Not started"), _("Under 50 %"), _("50–99 %"), _("Finished")],
                [
                    {
                        "label": _("Students"),
                        "data": [buckets["a"] or 0, buckets["b"] or 0, buckets["c"] or 0, buckets["d"] or 0],
                    }
                ],
            ),
        ]
