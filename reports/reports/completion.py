"""Course completion & certification summary, per course.

Cohort: the enrolments *made* in the date range (enrolled_at), of every status.
- enrolments: those enrolments; dropped: those now dropped; completed: those now completed;
- completion rate = completed / enrolments (dropped enrolments count: they did not complete);
- certificates: valid certificates of those enrolments (one per enrolment at most);
- days to complete: average of completed_at - enrolled_at over the completed ones.
One source (enrolments, with their one-to-one certificate): one grouped join, no multiplication.
Whole-site view with fresh rollups: the same figures summed from CoursePeriodStats (reports/rollups.py).
"""

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from learning.models import Enrollment

from ..models import CoursePeriodStats, Grain
from ..rollups import period_q
from .base import Chart, Column, Kpi, Report, full_name, percent, quotient

FIELDS = ("id", "slug", "title", "instructor_name", "enrolments", "dropped", "completed", "completion_rate",
          "certificates", "avg_days")  # fmt: skip


def _avg_duration(total, count):
    return quotient(Sum(total), Sum(count), DurationField())


def _cohort(p) -> Q:
    return Q(enrollments__enrolled_at__gte=p.start, enrollments__enrolled_at__lt=p.end)


class CompletionReport(Report):
    slug = "completion"
    title = _("Course completion & certification")
    description = _(
        "Enrolments made in the period, how many were completed or dropped, certificates and time to complete."
    )
    icon = "award"
    row_label = _("courses")
    link_column = "title"
    default_sort = "-enrolments"
    columns = [
        Column("title", _("Course"), "text"),
        Column("instructor_name", _("Instructor"), "text"),
        Column("enrolments", _("Enrolments")),
        Column("dropped", _("Dropped")),
        Column("completed", _("Completed")),
        Column("completion_rate", _("Completion rate (%)"), "percent", help=_("completed / enrolments")),
        Column("certificates", _("Certificates")),
        Column("avg_days", _("Avg. days to complete"), "days"),
    ]

    def courses(self, p):
        qs = Course.objects.all()
        if p.courses is not None:
            qs = qs.filter(pk__in=p.course_ids())
        return qs

    def base_rows(self, p):
        if p.use_rollups:
            return self._rollup_rows(p)
        cohort = _cohort(p)
        return (
            self.courses(p)
            .annotate(
                enrolments=Count("enrollments", filter=cohort),
                dropped=Count("enrollments", filter=cohort & Q(enrollments__status=Enrollment.Status.DROPPED)),
                completed=Count("enrollments", filter=cohort & Q(enrollments__status=Enrollment.Status.COMPLETED)),
                certificates=Count(
                    "enrollments__certificate", filter=cohort & Q(enrollments__certificate__status="valid")
                ),
                avg_days=Avg(
                    ExpressionWrapper(
                        F("enrollments__completed_at") - F("enrollments__enrolled_at"), output_field=DurationField()
                    ),
                    filter=cohort & Q(enrollments__status=Enrollment.Status.COMPLETED),
                ),
            )
            .filter(enrolments__gt=0)
            .annotate(completion_rate=percent("completed", "enrolments"), instructor_name=full_name("instructor__"))
            .values(*FIELDS)
        )

    def _rollup_rows(self, p):
        return (
            self.courses(p)
            .filter(period_q(p.date_from, p.date_to, "period_stats__"))
            .annotate(
                enrolments=Sum("period_stats__enrolments"),
                dropped=Sum("period_stats__dropped"),
                completed=Sum("period_stats__completed"),
                certificates=Sum("period_stats__certificates"),
                avg_days=_avg_duration("period_stats__completion_time", "period_stats__completed"),
            )
            .filter(enrolments__gt=0)
            .annotate(completion_rate=percent("completed", "enrolments"), instructor_name=full_name("instructor__"))
            .values(*FIELDS)
        )

    def _site_rollup(self, p):
        return CoursePeriodStats.objects.filter(course__isnull=True)

    def _enrolments(self, p):
        qs = Enrollment.objects.filter(enrolled_at__gte=p.start, enrolled_at__lt=p.end)
        if p.courses is not None:
            qs = qs.filter(course__in=p.course_ids())
        return qs

    def summary(self, p):
        completed = Q(status=Enrollment.Status.COMPLETED)
        if p.use_rollups:
            totals = (
                self._site_rollup(p)
                .filter(period_q(p.date_from, p.date_to))
                .aggregate(
                    enrolments=Sum("enrolments", default=0),
                    done=Sum("completed", default=0),
                    dropped=Sum("dropped", default=0),
                    certificates=Sum("certificates", default=0),
                    avg_days=_avg_duration("completion_time", "completed"),
                )
            )
            totals["completed"] = totals.pop("done")
        else:
            totals = self._enrolments(p).aggregate(
                enrolments=Count("id"),
                completed=Count("id", filter=completed),
                dropped=Count("id", filter=Q(status=Enrollment.Status.DROPPED)),
                certificates=Count("certificate", filter=Q(certificate__status="valid")),
                avg_days=Avg(
                    ExpressionWrapper(F("completed_at") - F("enrolled_at"), output_field=DurationField()),
                    filter=completed,
                ),
            )
        rate = (100 * totals["completed"] / totals["enrolments"]) if totals["enrolments"] else None
        return [
            Kpi(_("Enrolments"), totals["enrolments"]),
            Kpi(_("Completion rate"), rate, "percent", _("share of the period's enrolments now completed")),
            Kpi(_("Dropped"), totals["dropped"]),
            Kpi(_("Certificates issued"), totals["certificates"]),
            Kpi(_("Avg. days to complete"), totals["avg_days"], "days"),
        ]

    def charts(self, p):
        top = self.top_rows(p, 10)
        if p.use_rollups:
            weekly = list(
                self._site_rollup(p)
                .filter(grain=Grain.DAY, period__gte=p.date_from, period__lte=p.date_to, enrolments__gt=0)
                .annotate(week=TruncWeek("period"))
                .values("week")
                .annotate(n=Sum("enrolments"), done=Sum("completed"))
                .order_by("week")
            )
        else:
            weekly = list(
                self._enrolments(p)
                .annotate(week=TruncWeek("enrolled_at"))
                .values("week")
                .annotate(n=Count("id"), done=Count("id", filter=Q(status=Enrollment.Status.COMPLETED)))
                .order_by("week")
            )
        return [
            Chart(
                "completion-by-course",
                _("Enrolments and completions (top 10 courses)"),
                "bar",
                [r["title"][:40] for r in top],
                [
                    {"label": _("Enrolments"), "data": [r["enrolments"] for r in top]},
                    {"label": _("Completed"), "data": [r["completed"] for r in top]},
                    {"label": _("Certificates"), "data": [r["certificates"] for r in top]},
                ],
            ),
            Chart(
                "completion-weekly",
                _("Enrolments per week (and how many are completed)"),
                "line",
                [w["week"].date().isoformat() if hasattr(w["week"], "date") else str(w["week"]) for w in weekly],
                [
                    {"label": _("Enrolments"), "data": [w["n"] for w in weekly]},
                    {"label": _("Completed"), "data": [w["done"] for w in weekly]},
                ],
            ),
        ]
