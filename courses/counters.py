"""Course counters maintained by other apps' events (the courses app owns the columns).

learning calls `course_counters_adjust` inside its own transaction when an enrolment starts,
is dropped or completes.  Updates are single SQL statements with F() expressions, so concurrent
events never lose an increment; counters never go below zero.

`course_counters_recount` rebuilds them from the enrolment rows, which learning owns and passes in
(`learning.services.course_counters_recount`: repairs, the demo); this app never imports learning.
"""

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from .models import Course


def course_counters_adjust(*, course_id, enrolled: int = 0, completed: int = 0) -> None:
    changes = {}
    if enrolled:
        changes["enrollment_count"] = Greatest(F("enrollment_count") + Value(enrolled), Value(0))
    if completed:
        changes["completion_count"] = Greatest(F("completion_count") + Value(completed), Value(0))
    if changes:
        Course.objects.filter(pk=course_id).update(**changes)


def course_counters_recount(*, enrolled: QuerySet, completed: QuerySet, course_ids=None) -> int:
    """Set enrollment_count from the `enrolled` rows (enrolments giving access: enrolled or completed)
    and completion_count from the `completed` rows (querysets of the owning app with a `course_id`),
    for the given courses or all.  One UPDATE with correlated subqueries, nothing read into Python.
    Returns the number of courses updated."""

    def counted(rows):
        rows = rows.filter(course_id=OuterRef("pk")).order_by().values("course_id")
        return Coalesce(
            Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Value(0),
            output_field=IntegerField(),
        )

    courses = Course.objects.all() if course_ids is None else Course.objects.filter(pk__in=course_ids)
    return courses.update(
        enrollment_count=counted(enrolled),
        completion_count=counted(completed),
    )
