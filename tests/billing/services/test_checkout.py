"""Checkout: the price breakdown (Decimal end to end), coupons, credit, idempotency, htmx."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import Coupon, CouponRedemption, CreditAccount, Payment
from billing.money import q, split, to_decimal
from learning.models import Enrollment
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.factories import BundleFactory, CouponFactory, PlanFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

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


def test_money_helpers_refuse_floats_and_split_exactly():
    with pytest.raises(TypeError):
        to_decimal(0.1)
    assert q("2.675") == Decimal("2.68")  # half up, not banker's rounding
    parts = split(Decimal("10.00"), [Decimal(1), Decimal(1), Decimal(1)])
    assert parts == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")] and sum(parts) == Decimal("10.00")


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


def test_failed_payment_releases_coupon_and_credit(client, buyer, paid_course):
    coupon = CouponFactory(code="ONCE", max_uses=1)
    CreditAccount.objects.create(user=buyer, balance=Decimal("3.00"))
    payment = start_checkout(buyer, paid_course, coupon_code="ONCE", use_credit=True)
    coupon.refresh_from_db()
    assert coupon.uses == 1
    pay(client, payment, "payment.failed")
    coupon.refresh_from_db()
    assert coupon.uses == 0
    assert CouponRedemption.objects.get(payment=payment).status == "released"
    assert CreditAccount.objects.get(user=buyer).balance == Decimal("3.00")
    # and can be used again
    again = start_checkout(buyer, paid_course, coupon_code="ONCE")
    assert again.coupon == coupon


def test_successful_payment_applies_the_coupon(client, buyer, paid_course):
    coupon = CouponFactory(code="APPLY", max_uses=3)
    payment = start_checkout(buyer, paid_course, coupon_code="APPLY")
    pay(client, payment)
    coupon.refresh_from_db()
    assert coupon.uses == 1
    assert CouponRedemption.objects.get(payment=payment).status == "applied"


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


def test_full_discount_succeeds_without_the_provider(buyer, paid_course):
    CouponFactory(code="FREE", value=Decimal("100"))
    payment = start_checkout(buyer, paid_course, coupon_code="FREE")
    assert payment.amount == Decimal("0.00") and payment.status == Payment.Status.SUCCEEDED
    assert payment.provider == "internal"
    assert Enrollment.objects.get(user=buyer, course=paid_course).has_access


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


def test_bundle_purchase_enrols_in_every_course(client, buyer):
    a, b = make_course(price="40.00"), make_course(price="20.00")
    bundle = BundleFactory(price=Decimal("45.00"), courses=[a, b])
    payment = start_checkout(buyer, bundle)
    pay(client, payment)
    enrolments = Enrollment.objects.filter(user=buyer)
    assert {e.course_id for e in enrolments} == {a.pk, b.pk}
    assert {e.source for e in enrolments} == {"bundle"}
    # revenue split by list price, exactly
    gross = dict(payment.earnings.values_list("course_id", "gross"))
    assert gross == {a.pk: Decimal("30.00"), b.pk: Decimal("15.00")}


def test_plan_checkout_activates_a_subscription(client, buyer):
    course = make_course()
    plan = PlanFactory(courses=[course])
    payment = start_checkout(buyer, plan)
    pay(client, payment)
    payment.refresh_from_db()
    assert payment.subscription.status == "active"
    assert Enrollment.objects.get(user=buyer, course=course).source == "subscription"
    with pytest.raises(ValidationError, match="already subscribe"):
        start_checkout(buyer, plan)


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


def test_pending_payments_expire_and_release_the_coupon(buyer, paid_course):
    coupon = CouponFactory(code="TTL", max_uses=1)
    payment = start_checkout(buyer, paid_course, coupon_code="TTL")
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert services.payment_expire_pending() == 1
    payment.refresh_from_db()
    coupon.refresh_from_db()
    assert payment.status == "failed" and coupon.uses == 0


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
