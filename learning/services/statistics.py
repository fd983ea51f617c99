"""Statistics: the per-course CourseStats table and the catalog's learner/completion counters, both
recomputed from the enrolment rows in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone

from courses import counters
from courses.models import Course
from learning.models import CourseStats, Enrollment, QuizAttempt

from ._common import _percent


def course_counters_recount(*, course_ids=None) -> int:
    """The catalog's learner and completion counters recounted from the enrolment rows (repairs, the
    demo): enrolments giving access count as learners, completed ones as completions.  One UPDATE."""
    return counters.course_counters_recount(
        enrolled=Enrollment.objects.filter(status__in=Enrollment.ACCESS_STATUSES),
        completed=Enrollment.objects.filter(status=Enrollment.Status.COMPLETED),
        course_ids=course_ids,
    )


def course_stats_refresh(*, course_ids: list | None = None) -> int:
    """Recompute CourseStats with two grouped SQL aggregates and one bulk upsert.  Returns rows."""
    courses = Course.objects.all()
    if course_ids is not None:
        courses = courses.filter(pk__in=course_ids)
    ids = list(courses.values_list("pk", flat=True))
    if not ids:
        return 0
    dropped = Q(status=Enrollment.Status.DROPPED)
    enrolment_rows = {
        row["course_id"]: row
        for row in Enrollment.objects.filter(course_id__in=ids)
        .values("course_id")
        .order_by()
        .annotate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=Enrollment.Status.ENROLLED)),
            completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
            avg_progress=Avg("progress_percent", filter=~dropped),
        )
    }
    score_rows = dict(
        QuizAttempt.objects.filter(course_id__in=ids, status=QuizAttempt.Status.SUBMITTED)
        .values("course_id")
        .order_by()
        .annotate(avg=Avg("percent"))
        .values_list("course_id", "avg")
    )
    now = timezone.now()
    q2 = Decimal("0.01")
    stats = []
    for course_id in ids:
        row = enrolment_rows.get(course_id, {})
        total = row.get("total", 0)
        completed = row.get("completed", 0)
        avg_score = score_rows.get(course_id)
        stats.append(
            CourseStats(
                course_id=course_id,
                total_enrollments=total,
                active_enrollments=row.get("active", 0),
                completed_enrollments=completed,
                average_progress=Decimal(str(row.get("avg_progress") or 0)).quantize(q2),
                average_score=Decimal(str(avg_score)).quantize(q2) if avg_score is not None else None,
                completion_rate=_percent(completed, total) if total else Decimal("0.00"),
                refreshed_at=now,
            )
        )
    CourseStats.objects.bulk_create(
        stats,
        update_conflicts=True,
        unique_fields=["course"],
        update_fields=["total_enrollments", "active_enrollments", "completed_enrollments", "average_progress",
                       "average_score", "completion_rate", "refreshed_at", "updated_at"],
    )  # fmt: skip
    return len(stats)


def course_stats_revenue_set(*, revenues: dict) -> int:
    """Store courses' revenue ({course_id: Decimal}) in CourseStats: one upsert that touches only
    `revenue` (a new row gets its other figures at the next `course_stats_refresh`, which never touches
    `revenue`).  Billing owns payments and computes the figures (`billing.services.course_revenue_refresh`);
    learning only stores them."""
    if not revenues:
        return 0
    rows = [CourseStats(course_id=course_id, revenue=value) for course_id, value in revenues.items()]
    CourseStats.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["course"], update_fields=["revenue", "updated_at"]
    )
    return len(rows)
