"""Top performing students, per student.

Students with learning results in the period on the courses in scope; for each:
- lessons completed: lessons first completed in the period (LessonCompletion.completed_at);
- courses completed: enrolments completed in the period (Enrollment.completed_at);
- quizzes: graded quiz attempts submitted in the period; average quiz score: mean % of those attempts;
- certificates (achievements): valid certificates issued in the period;
- streak: the student's current and longest learning streak (days, all courses).
Each source is its own correlated Subquery keyed on the student (indexes lead with user), so a student
with many lessons and many attempts is never multiplied.  The subqueries count rows (COUNT(*)), not ids,
so that lessons are counted from LessonCompletion (user, completed_at) INCLUDE (course) WHERE completed
alone (EXPLAIN: Index Only Scan, no heap access); figures are computed live, exact at any moment.
The students listed come from the sources: on the whole site one EXISTS per source and student (index on
user); on a narrowed view (an instructor's courses) the few students of those courses (one IN over the
sources' UNION), as probing every student of the site for the instructor's courses is what took seconds.
Whole-site view with fresh rollups (reports/rollups.py): the same figures from StudentYearTotals, each
the difference of two running totals of the student's row for each year the range touches (one row per
student and year; the summary from SiteResultStats).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from learning.models import Enrollment, IssuedCertificate, LearningStreak, LessonCompletion, QuizAttempt

from ..fields import RunningTotal
from ..models import SiteResultStats, StudentYearTotals
from ..rollups import period_q
from .base import Chart, Column, KeyedSubquery, Kpi, Report, full_name, quotient, zero

FIELDS = ("id", "name", "lessons_completed", "courses_completed", "quizzes", "avg_quiz", "certificates_earned",
          "current_streak", "longest_streak")  # fmt: skip
SCORE = DecimalField(max_digits=9, decimal_places=4)
HUNDREDTHS = DecimalField(max_digits=20, decimal_places=0)  # a numeric, so that / 100 keeps the decimals


def _mean(total, count):
    return quotient(Sum(total), Sum(count), SCORE)


class TopStudentsReport(Report):
    slug = "top-students"
    title = _("Top performing students")
    description = _("Students ranked by what they achieved in the period: lessons, courses, quiz scores, certificates.")
    icon = "trophy"
    row_label = _("students")
    link_column = "name"
    default_sort = "-lessons_completed"
    columns = [
        Column("name", _("Student"), "text"),
        Column("lessons_completed", _("Lessons completed")),
        Column("courses_completed", _("Courses completed")),
        Column("quizzes", _("Quizzes taken")),
        Column("avg_quiz", _("Avg. quiz score (%)"), "percent"),
        Column("certificates_earned", _("Certificates")),
        Column("current_streak", _("Current streak (days)")),
        Column("longest_streak", _("Longest streak (days)")),
    ]

    def count_with_page(self, p):
        return p.use_rollups

    def _sources(self, p):
        lessons = LessonCompletion.objects.filter(completed=True, completed_at__gte=p.start, completed_at__lt=p.end)
        courses = Enrollment.objects.filter(
            status=Enrollment.Status.COMPLETED, completed_at__gte=p.start, completed_at__lt=p.end
        )
        quizzes = QuizAttempt.objects.filter(
            status=QuizAttempt.Status.SUBMITTED, submitted_at__gte=p.start, submitted_at__lt=p.end
        )
        certificates = IssuedCertificate.objects.filter(
            status=IssuedCertificate.Status.VALID, issued_at__gte=p.start, issued_at__lt=p.end
        )
        if p.courses is not None:
            ids = p.course_ids()
            lessons, courses = lessons.filter(course__in=ids), courses.filter(course__in=ids)
            quizzes, certificates = quizzes.filter(course__in=ids), certificates.filter(course__in=ids)
        return lessons, courses, quizzes, certificates

    @staticmethod
    def _per_user(qs, aggregate, output):
        return zero(
            Subquery(
                qs.filter(user=OuterRef("pk")).values("user").annotate(v=aggregate).values("v"), output_field=output
            )
        )

    def base_rows(self, p):
        if p.use_rollups:
            return self._rollup_rows(p)
        lessons, courses, quizzes, certificates = self._sources(p)
        if p.courses is None:
            # EXISTS per source (index on user), not IN (...): EXPLAIN at 100k enrolments showed PostgreSQL
            # materialising the 250k-row IN list and scanning it once per user (minutes), as it did not fit
            # work_mem for hashing.
            people = (
                Exists(lessons.filter(user=OuterRef("pk")))
                | Exists(courses.filter(user=OuterRef("pk")))
                | Exists(quizzes.filter(user=OuterRef("pk")))
            )
        else:
            # One IN over a UNION, which PostgreSQL turns into a join with the few students of the scope;
            # an OR of three INs is a filter evaluated for every user of the site.
            lessons_by, courses_by, quizzes_by = (qs.order_by().values("user") for qs in (lessons, courses, quizzes))
            people = Q(pk__in=lessons_by.union(courses_by, quizzes_by))
        per_user = self._per_user
        avg_quiz = Subquery(
            quizzes.filter(user=OuterRef("pk")).values("user").annotate(v=Avg("percent")).values("v"),
            output_field=DecimalField(max_digits=5, decimal_places=2),
        )
        return (
            User.objects.filter(people)
            .annotate(
                name=full_name(),
                lessons_completed=per_user(lessons, Count("*"), IntegerField()),
                courses_completed=per_user(courses, Count("*"), IntegerField()),
                quizzes=per_user(quizzes, Count("*"), IntegerField()),
                avg_quiz=avg_quiz,
                certificates_earned=per_user(certificates, Count("*"), IntegerField()),
                current_streak=zero("learning_streak__current_days"),
                longest_streak=zero("learning_streak__longest_days"),
            )
            .values(*FIELDS)
        )

    def _rollup_rows(self, p):
        # One row per student and year the range touches: within one year each row is a student (no
        # grouping at all); across years the rows are grouped by student (EXPLAIN at 100k students: 0.2 s
        # and 0.4 s).  The name and streaks are correlated subqueries, which PostgreSQL evaluates after the
        # sort, for the page's rows only.
        user = OuterRef("id")
        streak = LearningStreak.objects.filter(user=user)
        before, one_year = p.date_from - dt.timedelta(days=1), p.date_from.year == p.date_to.year

        def in_range(array):
            figure = RunningTotal(array, p.date_to) - RunningTotal(array, before)
            return figure if one_year else Sum(figure)

        return (
            StudentYearTotals.objects.filter(year__gte=p.date_from.year, year__lte=p.date_to.year)
            .values(id=F("user"))
            .annotate(
                name=KeyedSubquery(User.objects.filter(pk=user).values(n=full_name())),
                lessons_completed=in_range("lessons_completed"),
                courses_completed=in_range("courses_completed"),
                quizzes=in_range("quizzes"),
                avg_quiz=quotient(
                    Cast(in_range("quiz_percent_hundredths"), HUNDREDTHS) / Value(Decimal(100)),
                    in_range("quizzes_scored"),
                    SCORE,
                ),
                certificates_earned=in_range("certificates"),
                current_streak=zero(KeyedSubquery(streak.values("current_days"))),
                longest_streak=zero(KeyedSubquery(streak.values("longest_days"))),
            )
            .filter(Q(lessons_completed__gt=0) | Q(courses_completed__gt=0) | Q(quizzes__gt=0))
            .values(*FIELDS)
        )

    def summary(self, p):
        if p.use_rollups:
            t = SiteResultStats.objects.filter(period_q(p.date_from, p.date_to)).aggregate(
                lessons=Sum("lessons_completed", default=0),
                courses=Sum("courses_completed", default=0),
                quizzes=Sum("quizzes", default=0),
                avg=_mean("quiz_percent_sum", "quizzes_scored"),
                certificates=Sum("certificates", default=0),
            )
        else:
            lessons, courses, quizzes, certificates = self._sources(p)
            quiz = quizzes.aggregate(n=Count("id"), avg=Avg("percent"))
            t = {
                "lessons": lessons.count(),
                "courses": courses.count(),
                "quizzes": quiz["n"],
                "avg": quiz["avg"],
                "certificates": certificates.count(),
            }
        return [
            Kpi(_("Lessons completed"), t["lessons"]),
            Kpi(_("Courses completed"), t["courses"]),
            Kpi(_("Quizzes taken"), t["quizzes"]),
            Kpi(_("Avg. quiz score"), t["avg"], "percent"),
            Kpi(_("Certificates"), t["certificates"]),
        ]

    def charts(self, p):
        rows = self.top_rows(p, 10)
        top5 = rows[:5]
        # Radar: each measure as a share of the best value among the top five (0-100), comparable axes.
        measures = [
            ("lessons_completed", _("Lessons")),
            ("courses_completed", _("Courses")),
            ("avg_quiz", _("Quiz score")),
            ("certificates_earned", _("Certificates")),
            ("current_streak", _("Streak")),
        ]
        best = {k: max([float(r[k] or 0) for r in top5] or [0]) or 1 for k, _label in measures}
        return [
            Chart(
                "top-students-bar",
                _("Lessons and courses completed (top 10)"),
                "bar",
                [r["name"] for r in rows],
                [
                    {"label": _("Lessons completed"), "data": [r["lessons_completed"] for r in rows]},
                    {"label": _("Courses completed"), "data": [r["courses_completed"] for r in rows]},
                ],
            ),
            Chart(
                "top-students-radar",
                _("Profile of the top five (share of the best, %)"),
                "radar",
                [label for _key, label in measures],
                [
                    {"label": r["name"], "data": [round(100 * float(r[k] or 0) / best[k], 1) for k, _label in measures]}
                    for r in top5
                ],
            ),
        ]
