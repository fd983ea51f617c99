"""Helpers shared by several billing service modules (internal to `billing.services`: never imported
from outside the package, never re-exported).

`lock_payment` is the one place that follows the lock order (coupon row -> credit account row ->
payment row); every change of a payment goes through it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from courses.models import Course
from courseworx.core.notifications import notification_create

from .. import conf
from ..models import Coupon, CouponRedemption, CourseBundle, CreditAccount, CreditEntry, Payment, Plan, Referral
from ..money import q

Product = Course | CourseBundle | Plan


def notify(user: User, title: str, body: str = "", url: str = "", *, email: bool = True) -> None:
    notification_create(user=user, category="billing", title=title, body=body, url=url, email=email)


def lock_payment(payment_id) -> Payment:
    """Lock, in the global order, the payment's coupon, the buyer's credit account, then the payment."""
    coupon_id, user_id = Payment.objects.values_list("coupon_id", "user_id").get(pk=payment_id)
    if coupon_id:
        list(Coupon.objects.select_for_update().filter(pk=coupon_id).values_list("pk", flat=True))
    list(CreditAccount.objects.select_for_update().filter(user_id=user_id).values_list("pk", flat=True))
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("user", "course", "bundle", "plan", "coupon")
        .get(pk=payment_id)
    )


def release_coupon(payment: Payment, *, to_status: str) -> bool:
    """Give the coupon use back (coupon row already locked by lock_payment)."""
    now = timezone.now()
    changed = CouponRedemption.objects.filter(payment=payment, status__in=CouponRedemption.HOLDING).update(
        status=to_status, updated_at=now
    )
    if changed and payment.coupon_id:
        Coupon.objects.filter(pk=payment.coupon_id, uses__gt=0).update(uses=F("uses") - 1, updated_at=now)
    return bool(changed)


def credit_add(
    *,
    user: User,
    amount: Decimal,
    kind: str,
    payment: Payment | None = None,
    referral: Referral | None = None,
    note: str = "",
    currency: str = "",
) -> CreditAccount:
    """Add (or give back) checkout credit in `currency` (the base currency when empty; one account per
    currency): the balance moves by a conditional UPDATE, logged as an entry."""
    account, _ = CreditAccount.objects.get_or_create(user=user, currency=(currency or conf.currency()).upper())
    amount = q(amount, account.currency)
    CreditAccount.objects.filter(pk=account.pk).update(balance=F("balance") + amount, updated_at=timezone.now())
    CreditEntry.objects.create(
        account=account, kind=kind, amount=amount, payment=payment, referral=referral, note=note[:200]
    )
    return account
