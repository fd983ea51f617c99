"""Licensing, the earnings ledger (SQL aggregates), payouts; constant query counts on list pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import selectors, services
from billing.models import ContentLicensing
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.factories import BundleFactory, PlanFactory
from tests.factories import InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _sell(client, course, n=1):
    for _ in range(n):
        pay(client, start_checkout(StudentFactory(), course))


def test_revenue_share_and_default(client, settings):
    settings.BILLING_DEFAULT_REVENUE_SHARE_PERCENT = Decimal("70")
    teacher = InstructorFactory()
    shared = make_course(price="100.00", instructor=teacher)
    default = make_course(price="50.00", instructor=teacher)
    ContentLicensing.objects.create(course=shared, revenue_share_percent=Decimal("50.00"))
    _sell(client, shared, 2)
    _sell(client, default, 1)
    summary = selectors.earnings_summary(instructor=teacher)
    assert summary["sales"] == Decimal("135.00")  # 2 x 50% of 100 + 70% of 50 (net of tax)
    assert summary["balance"] == Decimal("135.00")
    by_course = {r["course_id"]: r for r in selectors.earnings_by_course(instructor=teacher)}
    assert by_course[shared.pk]["sales_count"] == 2 and by_course[shared.pk]["earned"] == Decimal("100.00")


def test_payout_cannot_exceed_the_balance(client, finance):
    teacher = InstructorFactory()
    _sell(client, make_course(price="10.00", instructor=teacher))
    with pytest.raises(ValidationError, match="balance is only 7.00"):
        services.payout_create(instructor=teacher, amount=Decimal("8.00"), actor=finance)
    services.payout_create(instructor=teacher, amount=Decimal("7.00"), actor=finance, reference="TR-1")
    assert selectors.earnings_summary(instructor=teacher)["balance"] == Decimal("0.00")
    balances = {u.pk: u for u in selectors.payout_balances()}
    assert balances[teacher.pk].paid_out == Decimal("7.00") and balances[teacher.pk].earned == Decimal("7.00")


def test_payout_api_for_finance(client, finance):
    teacher = InstructorFactory()
    _sell(client, make_course(price="10.00", instructor=teacher))
    client.force_login(finance)
    rows = client.get(reverse("api:billing-finance-payouts")).json()
    assert rows[0]["balance"] == "7.00"
    created = client.post(
        reverse("api:billing-finance-payouts"),
        {"instructor": str(teacher.pk), "amount": "5.00"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["amount"] == "5.00"


def test_instructor_earnings_page_and_api(client):
    teacher = InstructorFactory()
    _sell(client, make_course(price="20.00", instructor=teacher))
    client.force_login(teacher)
    page = client.get(reverse("billing:earnings"))
    assert page.status_code == 200 and b"$14.00" in page.content
    assert client.get(reverse("api:billing-earnings")).json()["summary"]["earned"] == "14.00"
    # an instructor cannot look at another instructor's earnings
    assert client.get(reverse("billing:earnings") + f"?instructor={InstructorFactory().pk}").status_code == 404
    client.force_login(StudentFactory())
    assert client.get(reverse("billing:earnings")).status_code == 403


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context


def test_list_pages_have_constant_query_counts(client, finance, buyer):
    teacher = InstructorFactory()
    course = make_course(instructor=teacher)

    def grow():
        # One more row in every list of the four pages: a purchase of the buyer and a course in the
        # teacher's earnings; an instructor with a balance and a payout (Finance); a plan and a bundle.
        c = make_course(instructor=teacher)
        pay(client, start_checkout(buyer, c))
        _sell(client, course)
        other_teacher = InstructorFactory()
        _sell(client, make_course(instructor=other_teacher))
        services.payout_create(instructor=other_teacher, amount=Decimal("1.00"), actor=finance)
        PlanFactory(courses=[c])
        BundleFactory(courses=[c, course])

    def shown():
        client.force_login(buyer)
        purchases, ctx = _count(client, reverse("billing:purchases"))
        rows = {"purchases": len(ctx["payments"])}
        client.force_login(finance)
        payouts, ctx = _count(client, reverse("billing:payouts"))
        rows |= {"balances": len(ctx["balances"]), "payouts": len(ctx["recent"])}
        client.force_login(teacher)
        earnings, ctx = _count(client, reverse("billing:earnings"))
        rows |= {"earning courses": len(ctx["by_course"]), "earnings": len(ctx["recent"])}
        pricing, ctx = _count(client, reverse("billing:pricing"))
        rows |= {"plans": len(ctx["plans"]), "bundles": len(ctx["bundles"])}
        return (purchases, payouts, earnings, pricing), rows

    grow()
    small, rows = shown()
    assert rows == {"purchases": 1, "balances": 2, "payouts": 1, "earning courses": 2, "earnings": 2, "plans": 1,
                    "bundles": 1}  # fmt: skip
    for _ in range(4):
        grow()
    large, rows = shown()
    assert rows == {"purchases": 5, "balances": 6, "payouts": 5, "earning courses": 6, "earnings": 10, "plans": 5,
                    "bundles": 5}  # fmt: skip
    assert large == small  # purchases, payouts, earnings, pricing
