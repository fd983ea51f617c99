"""Checkout: may this buyer buy (owned, free, draft), idempotency, the checkout page and its htmx breakdown, the API."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import services
from billing.models import Payment
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.factories import CouponFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_same_idempotency_key_returns_the_same_payment(buyer, paid_course):
    key = uuid.uuid4().hex
    first, url1 = services.checkout_start(user=buyer, product=paid_course, idempotency_key=key)
    second, url2 = services.checkout_start(user=buyer, product=paid_course, idempotency_key=key)
    assert first.pk == second.pk and url1 == url2
    assert Payment.objects.count() == 1
    with pytest.raises(Exception, match="someone else"):
        services.checkout_start(user=StudentFactory(), product=paid_course, idempotency_key=key)


def test_cannot_buy_what_you_have_or_free_or_draft(buyer, paid_course, client):
    pay(client, start_checkout(buyer, paid_course))
    with pytest.raises(ValidationError, match="already have access"):
        start_checkout(buyer, paid_course)
    with pytest.raises(ValidationError, match="free"):
        start_checkout(buyer, make_course(price="0"))


def test_checkout_page_and_htmx_breakdown(client, buyer, paid_course):
    CouponFactory(code="HTMX", value=Decimal("50"))
    client.force_login(buyer)
    page = client.get(reverse("billing:checkout", args=["course", paid_course.slug]) + "?coupon=HTMX")
    assert page.status_code == 200 and b"Coupon HTMX applied" in page.content
    url = reverse("billing:checkout_breakdown", args=["course", paid_course.slug])
    good = client.post(url, {"coupon_code": "htmx"}, headers={"HX-Request": "true"})
    assert b"29.40" in good.content  # 24.50 + 20% tax
    bad = client.post(url, {"coupon_code": "WRONG"}, headers={"HX-Request": "true"})
    assert b"This coupon code does not exist." in bad.content and b'role="alert"' in bad.content


def test_checkout_form_shows_coupon_error_on_submit(client, buyer, paid_course):
    CouponFactory(code="GONE", is_active=False)
    client.force_login(buyer)
    response = client.post(
        reverse("billing:checkout", args=["course", paid_course.slug]),
        {"idempotency_key": uuid.uuid4().hex, "coupon_code": "GONE"},
    )
    assert response.status_code == 200
    assert "no longer active" in response.content.decode()
    assert not Payment.objects.exists()


def test_checkout_requires_login(client, paid_course):
    response = client.get(reverse("billing:checkout", args=["course", paid_course.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_checkout_of_a_course_already_owned_is_a_409_with_its_code(client, buyer, paid_course):
    EnrollmentFactory(user=buyer, course=paid_course)
    client.force_login(buyer)
    response = client.post(
        reverse("api:billing-checkout"),
        {"kind": "course", "product": paid_course.slug, "idempotency_key": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_enrolled"
    assert not Payment.objects.filter(user=buyer).exists()
