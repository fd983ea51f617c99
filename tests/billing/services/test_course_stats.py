"""billing.services.course_stats: CourseStats.revenue = paid course payments minus refunds, in SQL;
refreshed on commit after a payment succeeds or is refunded, and by the recount (task, command)."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from billing import services
from billing.models import Payment
from learning import services as learning_services
from learning.models import CourseStats
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.currency.helpers import rate
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


def revenue(course) -> Decimal:
    return CourseStats.objects.get(course=course).revenue


def test_revenue_follows_payments_and_refunds(client, paid_course, finance, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = start_checkout(StudentFactory(), paid_course)
        pay(client, first)
        second = start_checkout(StudentFactory(), paid_course)
        pay(client, second)
        start_checkout(StudentFactory(), paid_course)  # pending: not revenue
        failed = start_checkout(StudentFactory(), paid_course)
        pay(client, failed, "payment.failed")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.amount > 0 and revenue(paid_course) == first.amount + second.amount

    with django_capture_on_commit_callbacks(execute=True):
        request = services.refund_request_create(user=first.user, payment=first, reason="Not for me")
        services.refund_request_approve(refund_request=request, actor=finance, note="ok", amount=Decimal("10.00"))
    assert revenue(paid_course) == first.amount + second.amount - Decimal("10.00")

    # Learning's own refresh keeps the revenue; the recount gives the same figure.
    learning_services.course_stats_refresh(course_ids=[paid_course.pk])
    assert revenue(paid_course) == first.amount + second.amount - Decimal("10.00")
    CourseStats.objects.filter(course=paid_course).update(revenue=0)
    call_command("course_revenue_refresh", str(paid_course.pk))
    assert revenue(paid_course) == first.amount + second.amount - Decimal("10.00")


def test_other_courses_do_not_count_and_courses_without_sales_are_zero(client, paid_course):
    other = make_course()
    pay(client, start_checkout(StudentFactory(), other))
    CourseStats.objects.create(course=paid_course, revenue=Decimal("99.00"))  # stale
    services.course_revenue_refresh()
    paid = Payment.objects.get(course=other)
    assert revenue(paid_course) == Decimal("0.00") and revenue(other) == paid.amount


def test_full_recount_queries_do_not_grow_with_courses(client):
    def load(n):
        for _ in range(len(Payment.objects.values("course").distinct()), n):
            pay(client, start_checkout(StudentFactory(), make_course()))
        written, queries = count_queries(lambda: services.course_revenue_refresh())
        assert written == n
        return queries

    assert_same_queries_at_two_sizes(load)


def test_revenue_adds_up_in_the_base_currency(client, finance, django_capture_on_commit_callbacks):
    rate("EUR", "0.50", days_ago=1)  # 1 EUR = 2 USD (the base currency)
    course = make_course(price="40.00", currency="EUR")
    with django_capture_on_commit_callbacks(execute=True):
        payment = start_checkout(StudentFactory(), course)  # 48.00 EUR with tax = 96.00 USD
        pay(client, payment)
    assert revenue(course) == Decimal("96.00")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.refund_request_create(user=payment.user, payment=payment, reason="Not for me")
        services.refund_request_approve(refund_request=request, actor=finance, note="ok", amount=Decimal("10.00"))
    assert revenue(course) == Decimal("76.00")  # 96 USD minus 10 EUR at the payment's rate (20 USD)
