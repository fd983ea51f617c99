"""A student never sees another's payments, receipts or refunds; Finance-only endpoints are 403 for others."""

import pytest
from django.urls import reverse

from accounts import roles
from billing import services
from tests.factories import InstructorFactory, StudentFactory

from .conftest import pay, start_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def others_payment(client, paid_course):
    owner = StudentFactory()
    payment = start_checkout(owner, paid_course)
    pay(client, payment)
    services.refund_request_create(user=owner, payment=payment, reason="x")
    return payment


@pytest.mark.parametrize(
    "name", ["billing:payment_result", "billing:receipt", "billing:refund_request", "billing:sandbox_pay"]
)
def test_pages_of_another_students_payment_are_404(client, others_payment, name):
    client.force_login(StudentFactory())
    assert client.get(reverse(name, args=[others_payment.pk])).status_code == 404


@pytest.mark.parametrize("name", ["api:billing-payment-detail", "api:billing-refund-eligibility"])
def test_api_of_another_students_payment_is_404(client, others_payment, name):
    client.force_login(StudentFactory())
    assert client.get(reverse(name, args=[others_payment.pk])).status_code == 404
    response = client.post(
        reverse("api:billing-refund-request-create", args=[others_payment.pk]),
        {"reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_lists_show_only_your_own(client, others_payment, buyer, paid_course):
    mine = start_checkout(buyer, paid_course)
    client.force_login(buyer)
    api = client.get(reverse("api:billing-payment-list")).json()
    assert [p["id"] for p in api["results"]] == [str(mine.pk)]
    assert client.get(reverse("api:billing-refund-request-list")).json()["count"] == 0
    page = client.get(reverse("billing:purchases"))
    assert page.status_code == 200 and str(others_payment.pk) not in page.content.decode()


@pytest.mark.parametrize(
    "name",
    ["api:billing-finance-payment-list", "api:billing-finance-refund-request-list", "api:billing-finance-payouts"],
)
@pytest.mark.parametrize("who", ["student", "instructor", "support"])
def test_finance_endpoints_are_403_for_others(client, make_staff, name, who):
    if who == "support" and name == "api:billing-finance-payment-list":
        pytest.skip("Support may read payments (to answer tickets)")
    user = {"student": StudentFactory, "instructor": InstructorFactory, "support": lambda: make_staff(roles.SUPPORT)}[
        who
    ]()
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 403


def test_finance_sees_everything(client, finance, others_payment):
    client.force_login(finance)
    assert client.get(reverse("api:billing-finance-payment-list")).json()["count"] == 1
    assert client.get(reverse("api:billing-payment-detail", args=[others_payment.pk])).status_code == 200
    assert client.get(reverse("billing:payouts")).status_code == 200


def test_payouts_page_forbidden_to_students_and_instructors(client):
    client.force_login(StudentFactory())
    assert client.get(reverse("billing:payouts")).status_code == 403
    client.force_login(InstructorFactory())
    assert client.get(reverse("billing:payouts")).status_code == 403


def test_anonymous_api_is_401(client):
    assert client.get(reverse("api:billing-payment-list")).status_code in (401, 403)
    assert client.get(reverse("api:billing-plan-list")).status_code == 200
