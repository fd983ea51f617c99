"""Course counters maintained by other apps' events (the courses app owns the columns).

learning calls `course_counters_adjust` inside its own transaction when an enrolment starts,
is dropped or completes.  Updates are single SQL statements with F() expressions, so concurrent
events never lose an increment; counters never go below zero.
"""

from django.db.models import F, Value
from django.db.models.functions import Greatest

from .models import Course


def course_counters_adjust(*, course_id, enrolled: int = 0, completed: int = 0) -> None:
    changes = {}
    if enrolled:
        changes["enrollment_count"] = Greatest(F("enrollment_count") + Value(enrolled), Value(0))
    if completed:
        changes["completion_count"] = Greatest(F("completion_count") + Value(completed), Value(0))
    if changes:
        Course.objects.filter(pk=course_id).update(**changes)
