"""Prices: the breakdown (Decimal end to end), coupon rules and their clear errors, credit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import Coupon, CreditAccount, Payment
from tests.billing.conftest import make_course, start_checkout
from tests.billing.factories import CouponFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _assert_all_decimal(*values):
    for value in values:
        assert type(value) is Decimal, f"{value!r} is {type(value).__name__}, not Decimal"
        assert value == value.quantize(Decimal("0.01"))


def test_amounts_are_decimal_end_to_end(client, buyer, paid_course):
    CouponFactory(code="TEN", value=Decimal("10"), max_uses_per_user=5)
    quote = services.checkout_quote(user=buyer, product=paid_course, coupon_code="ten")
    _assert_all_decimal(quote.subtotal, quote.discount, quote.taxable, quote.tax, quote.credit, quote.total)
    assert (quote.subtotal, quote.discount, quote.tax, quote.total) == (
        Decimal("49.00"),
        Decimal("4.90"),
        Decimal("8.82"),
        Decimal("52.92"),
    )

    payment = start_checkout(buyer, paid_course, coupon_code="TEN")
    _assert_all_decimal(payment.subtotal, payment.discount, payment.tax, payment.amount, payment.credit_applied)
    assert payment.amount == Decimal("52.92")
    assert payment.subtotal - payment.discount + payment.tax - payment.credit_applied == payment.amount

    client.force_login(buyer)
    body = client.get(reverse("api:billing-payment-detail", args=[payment.pk])).json()
    for field in ("subtotal", "discount", "tax", "amount", "amount_refunded", "credit_applied"):
        assert isinstance(body[field], str), field
    assert body["amount"] == "52.92"
    quote_api = client.post(
        reverse("api:billing-checkout-quote"),
        {"kind": "course", "product": paid_course.slug, "coupon_code": "TEN"},
        content_type="application/json",
    ).json()
    assert quote_api["total"] == "52.92" and isinstance(quote_api["tax"], str)


def test_fixed_coupon_and_credit(buyer, paid_course, settings):
    settings.BILLING_TAX_RATE_PERCENT = Decimal("0")
    CouponFactory(code="FIVE", kind=Coupon.Kind.FIXED, value=Decimal("5.00"))
    account = CreditAccount.objects.create(user=buyer, balance=Decimal("10.00"))
    payment = start_checkout(buyer, paid_course, coupon_code="FIVE", use_credit=True)
    assert (payment.discount, payment.credit_applied, payment.amount) == (
        Decimal("5.00"),
        Decimal("10.00"),
        Decimal("34.00"),
    )
    account.refresh_from_db()
    assert account.balance == Decimal("0.00")
    assert account.entries.get().amount == Decimal("-10.00")


@pytest.mark.parametrize(
    ("coupon_kwargs", "message"),
    [
        ({"ends_at": timezone.now() - dt.timedelta(days=1)}, "expired"),
        ({"starts_at": timezone.now() + dt.timedelta(days=2)}, "valid from"),
        ({"is_active": False}, "no longer active"),
        ({"max_uses": 0}, "used up"),
    ],
)
def test_coupon_errors_are_clear(buyer, paid_course, coupon_kwargs, message):
    CouponFactory(code="BAD", **coupon_kwargs)
    quote = services.checkout_quote(user=buyer, product=paid_course, coupon_code="BAD")
    assert message in quote.coupon_error and quote.discount == 0
    with pytest.raises(ValidationError) as exc:
        start_checkout(buyer, paid_course, coupon_code="BAD")
    assert message in " ".join(exc.value.message_dict["coupon_code"])
    assert not Payment.objects.exists()


def test_coupon_applies_only_to_its_products(buyer, paid_course):
    other = make_course()
    coupon = CouponFactory(code="ONLYOTHER")
    coupon.courses.add(other)
    quote = services.checkout_quote(user=buyer, product=paid_course, coupon_code="onlyother")
    assert "does not apply to Paid Django" in quote.coupon_error
    assert services.checkout_quote(user=buyer, product=other, coupon_code="ONLYOTHER").discount > 0


def test_coupon_per_user_limit(client, buyer, paid_course):
    CouponFactory(code="PERUSER", max_uses_per_user=1)
    start_checkout(buyer, paid_course, coupon_code="PERUSER")
    with pytest.raises(ValidationError) as exc:
        start_checkout(buyer, make_course(), coupon_code="PERUSER")
    assert "already used this coupon" in str(exc.value)
    start_checkout(StudentFactory(), paid_course, coupon_code="PERUSER")  # someone else may


def test_unknown_coupon(buyer, paid_course):
    assert services.checkout_quote(user=buyer, product=paid_course, coupon_code="NOPE").coupon_error == (
        "This coupon code does not exist."
    )
