"""Per-lesson analytics: the one computation behind the admin's ContentAnalytics table (the pipeline
stores it: reports.pipelines) and the instructors' lesson-analytics page (computed live for one course).

Each source is aggregated separately in SQL (grouped queries, never a join that multiplies rows) and
merged by lesson id, so the cost is a fixed number of queries whatever the number of lessons:
- views / unique viewers: ActivityLog lesson_view events;
- learners / completions / average time: LessonCompletion rows (a learner = a progress record);
- stopped here: enrolments not completed whose last lesson is this one, inactive for
  REPORTS_DROP_OFF_INACTIVE_DAYS.
On the course page, "drop-off" compares each lesson's learners with the previous lesson's (the first
lesson with the learners enrolled): how many who reached the previous lesson never reached this one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import Course, CourseContent, counted_lessons_q
from learning.models import Enrollment, LessonCompletion

from . import conf
from .models import ActivityLog


def rate(part: int, whole: int) -> Decimal:
    """part / whole in percent (2 decimals); 0 when whole is 0."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class LessonFigures:
    views: int = 0
    unique_viewers: int = 0
    learners: int = 0
    completions: int = 0
    average_time_seconds: int = 0
    drop_offs: int = 0  # stopped here (inactive, course not completed)

    @property
    def completion_rate(self) -> Decimal:
        return rate(self.completions, self.learners)

    @property
    def drop_off_rate(self) -> Decimal:
        return rate(self.drop_offs, self.learners)


def lesson_figures(*, course_ids=None, now: dt.datetime | None = None) -> dict:
    """{content_id: LessonFigures} of the lessons with any activity (three grouped queries)."""
    now = now or timezone.now()
    views = ActivityLog.objects.filter(event=ActivityLog.Event.LESSON_VIEW, content__isnull=False)
    progress = LessonCompletion.objects.all()
    inactive_since = now - dt.timedelta(days=conf.drop_off_inactive_days())
    drops = Enrollment.objects.filter(last_content__isnull=False, last_accessed_at__lt=inactive_since).exclude(
        status=Enrollment.Status.COMPLETED
    )
    if course_ids is not None:
        views = views.filter(course_id__in=course_ids)
        progress = progress.filter(course_id__in=course_ids)
        drops = drops.filter(course_id__in=course_ids)
    out: dict = {}

    def merge(content_id, **values) -> None:
        current = out.get(content_id, LessonFigures())
        out[content_id] = LessonFigures(**{**current.__dict__, **values})

    for row in views.values("content_id").order_by().annotate(n=Count("id"), viewers=Count("user", distinct=True)):
        merge(row["content_id"], views=row["n"], unique_viewers=row["viewers"])
    for row in (
        progress.values("content_id")
        .order_by()
        .annotate(n=Count("id"), done=Count("id", filter=Q(completed=True)), avg=Avg("time_spent_seconds"))
    ):
        merge(row["content_id"], learners=row["n"], completions=row["done"], average_time_seconds=int(row["avg"] or 0))
    for content_id, n in (
        drops.values("last_content_id").order_by().annotate(n=Count("id")).values_list("last_content_id", "n")
    ):
        merge(content_id, drop_offs=n)
    return out


@dataclass(frozen=True)
class LessonAnalyticsRow:
    content: CourseContent
    figures: LessonFigures
    reached_before: int  # learners of the previous lesson (the first lesson: learners enrolled)

    @property
    def drop_off(self) -> int:
        return max(self.reached_before - self.figures.learners, 0)

    @property
    def drop_off_rate(self) -> Decimal:
        return rate(self.drop_off, self.reached_before)


def course_lesson_analytics(*, course: Course) -> list[LessonAnalyticsRow]:
    """The course's lessons (those that count, in course order) with their figures and the drop-off from
    the lesson before: five queries at any number of lessons."""
    lessons = list(
        CourseContent.objects.filter(counted_lessons_q(), course=course)
        .select_related("section")
        .order_by("section__order", "order", "id")
    )
    figures = lesson_figures(course_ids=[course.pk])
    enrolled = Enrollment.objects.filter(course=course).exclude(status=Enrollment.Status.DROPPED).count()
    rows = []
    before = enrolled
    for lesson in lessons:
        f = figures.get(lesson.pk, LessonFigures())
        rows.append(LessonAnalyticsRow(content=lesson, figures=f, reached_before=before))
        before = f.learners
    return rows


def course_lesson_chart(rows: list[LessonAnalyticsRow]) -> dict:
    """The page's bar chart, in reports/static/reports/charts.js's spec."""
    return {
        "id": "lessons",
        "title": gettext("Views and completions per lesson"),
        "type": "bar",
        "labels": [f"{i}. {row.content.title}" for i, row in enumerate(rows, start=1)],
        "datasets": [
            {"label": gettext("Views"), "data": [row.figures.views for row in rows]},
            {"label": gettext("Completions"), "data": [row.figures.completions for row in rows]},
            {"label": gettext("Drop-off"), "data": [row.drop_off for row in rows]},
        ],
    }
