"""Payment outcomes: success applies the coupon and delivers (course, bundle, plan); failure and expiry
give the coupon use and the credit back."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing import services
from billing.models import CouponRedemption, CreditAccount, Payment
from learning.models import Enrollment
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.factories import BundleFactory, CouponFactory, PlanFactory

pytestmark = pytest.mark.django_db


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


def test_full_discount_succeeds_without_the_provider(buyer, paid_course):
    CouponFactory(code="FREE", value=Decimal("100"))
    payment = start_checkout(buyer, paid_course, coupon_code="FREE")
    assert payment.amount == Decimal("0.00") and payment.status == Payment.Status.SUCCEEDED
    assert payment.provider == "internal"
    assert Enrollment.objects.get(user=buyer, course=paid_course).has_access


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


def test_pending_payments_expire_and_release_the_coupon(buyer, paid_course):
    coupon = CouponFactory(code="TTL", max_uses=1)
    payment = start_checkout(buyer, paid_course, coupon_code="TTL")
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert services.payment_expire_pending() == 1
    payment.refresh_from_db()
    coupon.refresh_from_db()
    assert payment.status == "failed" and coupon.uses == 0
