"""Licensing, the earnings ledger (SQL aggregates), payouts.  (The query counts of the list pages are in
tests/billing/test_selectors.py.)"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import selectors, services
from billing.models import ContentLicensing
from tests.billing.conftest import make_course, sell
from tests.factories import InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_revenue_share_and_default(client, settings):
    settings.BILLING_DEFAULT_REVENUE_SHARE_PERCENT = Decimal("70")
    teacher = InstructorFactory()
    shared = make_course(price="100.00", instructor=teacher)
    default = make_course(price="50.00", instructor=teacher)
    ContentLicensing.objects.create(course=shared, revenue_share_percent=Decimal("50.00"))
    sell(client, shared, 2)
    sell(client, default, 1)
    summary = selectors.earnings_summary(instructor=teacher)
    assert summary["sales"] == Decimal("135.00")  # 2 x 50% of 100 + 70% of 50 (net of tax)
    assert summary["balance"] == Decimal("135.00")
    by_course = {r["course_id"]: r for r in selectors.earnings_by_course(instructor=teacher)}
    assert by_course[shared.pk]["sales_count"] == 2 and by_course[shared.pk]["earned"] == Decimal("100.00")


def test_payout_cannot_exceed_the_balance(client, finance):
    teacher = InstructorFactory()
    sell(client, make_course(price="10.00", instructor=teacher))
    with pytest.raises(ValidationError, match="balance is only 7.00"):
        services.payout_create(instructor=teacher, amount=Decimal("8.00"), actor=finance)
    services.payout_create(instructor=teacher, amount=Decimal("7.00"), actor=finance, reference="TR-1")
    assert selectors.earnings_summary(instructor=teacher)["balance"] == Decimal("0.00")
    balances = {u.pk: u for u in selectors.payout_balances()}
    assert balances[teacher.pk].paid_out == Decimal("7.00") and balances[teacher.pk].earned == Decimal("7.00")


def test_payout_api_for_finance(client, finance):
    teacher = InstructorFactory()
    sell(client, make_course(price="10.00", instructor=teacher))
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
    sell(client, make_course(price="20.00", instructor=teacher))
    client.force_login(teacher)
    page = client.get(reverse("billing:earnings"))
    assert page.status_code == 200 and b"$14.00" in page.content
    assert client.get(reverse("api:billing-earnings")).json()["summary"]["earned"] == "14.00"
    # an instructor cannot look at another instructor's earnings
    assert client.get(reverse("billing:earnings") + f"?instructor={InstructorFactory().pk}").status_code == 404
    client.force_login(StudentFactory())
    assert client.get(reverse("billing:earnings")).status_code == 403
