"""Course revenue for learning's CourseStats: computed here, where payments live, and handed to
`learning.services.course_stats_revenue_set` (learning never imports billing).

A course's revenue is the sum, over its paid course payments (succeeded, partially refunded, refunded),
of what was paid minus what was refunded, in the base currency at each payment's rate — one grouped SQL
aggregate.  Bundles and subscription plans are not attributed to single courses (the earnings ledger splits
them for payouts).

Refreshed after a course payment succeeds or is refunded (`billing.course_revenue_refresh`, queued on
commit) and for every course by the periodic `billing.course_revenue_refresh_all`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, F, Sum
from django.db.models.functions import Coalesce

from billing.models import Payment
from courses.models import Course
from courseworx.core.enqueue import enqueue_on_commit
from learning import services as learning_services

ZERO = Decimal("0.00")

# The amount summed, in the base currency (BILLING_CURRENCY) so that a course sold in several currencies adds
# up: the base amount of the payment (at the rate of its day) minus the refunded part at that same rate.
REVENUE_EXPRESSION = F("amount_base") - F("amount_refunded") * F("exchange_rate")


def course_revenue_by_course(*, course_ids: list | None = None) -> dict:
    """{course_id: revenue} of the courses that have paid payments (one grouped query)."""
    payments = Payment.objects.filter(kind=Payment.Kind.COURSE, status__in=Payment.PAID_STATUSES)
    if course_ids is not None:
        payments = payments.filter(course_id__in=course_ids)
    money: DecimalField = DecimalField(max_digits=12, decimal_places=2)
    rows = (
        payments.values("course_id")
        .order_by()
        .annotate(revenue=Coalesce(Sum(REVENUE_EXPRESSION, output_field=money), ZERO, output_field=money))
        .values_list("course_id", "revenue")
    )
    return {course_id: Decimal(revenue).quantize(Decimal("0.01")) for course_id, revenue in rows}


def course_revenue_refresh(*, course_ids: list | None = None) -> int:
    """Recompute CourseStats.revenue of `course_ids` (None: every course); courses without paid payments
    get 0.  Idempotent.  Returns the number of courses written."""
    courses = Course.objects.all() if course_ids is None else Course.objects.filter(pk__in=list(course_ids))
    ids = list(courses.values_list("pk", flat=True))  # ids as the database gives them (strings from tasks)
    if not ids:
        return 0
    found = course_revenue_by_course(course_ids=ids)
    return learning_services.course_stats_revenue_set(revenues={pk: found.get(pk, ZERO) for pk in ids})


def _course_revenue_enqueue(payment: Payment) -> None:
    """After a course payment's money changed (paid, refunded): refresh its course's revenue on commit."""
    if payment.course_id:
        enqueue_on_commit("billing.course_revenue_refresh", str(payment.course_id))
