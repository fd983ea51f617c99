"""Checkout: may this buyer buy this product, then the pending payment (coupon use and credit reserved)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.exceptions import ConflictError
from learning import services as learning_services
from learning.models import Enrollment

from .. import conf
from ..models import (
    Coupon,
    CouponRedemption,
    CourseBundle,
    CreditAccount,
    CreditEntry,
    MarketingCampaign,
    Payment,
    Plan,
    Subscription,
)
from ..money import ZERO
from ..providers import get_provider
from ._common import Product, lock_payment
from .currency import payment_base_amounts
from .payments import _payment_succeed
from .pricing import coupon_check, price_breakdown, product_kind, product_price


def checkout_check(*, user: User, product: Product, subscription: Subscription | None = None) -> None:
    """Raise ValidationError when `user` cannot buy `product` (nothing is locked or written).

    Courses and bundles are checked with learning's enrolment rules (`enrollment_check_eligible`: already
    enrolled, suspended, ended, full, prerequisites missing) *before* any payment exists, so nobody pays for
    a course they cannot enter.  A bundle is refused when any of its courses refuses the buyer (its price is
    a package price: we never sell part of it); courses the buyer already has are skipped, and a bundle of
    only such courses is refused.  The codes are learning's (`learning.services.ELIGIBILITY_CODES`).
    """
    get_provider(conf.default_provider())  # refuses at once when payments are switched off here
    if isinstance(product, Course):
        if not product.is_published:
            raise ValidationError(_("This course is not on sale."), code="not_on_sale")
        if product.is_free:
            raise ValidationError(_("This course is free: enrol from the course page."), code="free_course")
        learning_services.enrollment_check_eligible(user=user, course=product, source=Enrollment.Source.PURCHASE)
    elif isinstance(product, CourseBundle):
        if not product.is_active:
            raise ValidationError(_("This bundle is not on sale."), code="not_on_sale")
        courses = [item.course for item in product.items.select_related("course").order_by("order", "pk")]
        mine = {e.course_id: e for e in Enrollment.objects.filter(user=user, course__in=courses)}
        owned = 0
        for course in courses:
            try:
                learning_services.enrollment_check_eligible(
                    user=user, course=course, source=Enrollment.Source.BUNDLE, enrollment=mine.get(course.pk)
                )
            except ValidationError as exc:
                if exc.code == "already_enrolled":
                    owned += 1
                    continue
                # Same class (a state refusal stays a ConflictError, 409) and code, naming the course.
                raise type(exc)(
                    "This bundle includes “%(course)s”: %(reason)s",
                    code=exc.code,
                    params={"course": course.title, "reason": exc.messages[0]},
                ) from exc
        if courses and owned == len(courses):
            raise ConflictError(_("You already have every course in this bundle."), code="already_enrolled")
    elif isinstance(product, Plan):
        if subscription is not None:
            if subscription.user_id != user.pk or subscription.plan_id != product.pk:
                raise PermissionDenied(_("Not your subscription."))
            if subscription.is_live:
                raise ConflictError(_("This subscription is still running."), code="already_subscribed")
        else:
            if not product.is_active:
                raise ValidationError(_("This plan is not on sale."), code="not_on_sale")
            if Subscription.objects.live().filter(user=user, plan=product).exists():
                raise ConflictError(_("You already subscribe to this plan."), code="already_subscribed")


@transaction.atomic
def _checkout_create(
    *,
    user: User,
    product: Product,
    coupon_code: str,
    use_credit: bool,
    idempotency_key: str,
    campaign: MarketingCampaign | None,
    subscription: Subscription | None,
    provider: str,
    currency: str | None,
) -> Payment:
    checkout_check(user=user, product=product, subscription=subscription)
    now = timezone.now()
    charged = product_price(product, currency).currency
    coupon = None
    code = (coupon_code or "").strip().upper()
    if code:
        # 1. the coupon row (the per-user count below is exact while we hold it)
        coupon = Coupon.objects.select_for_update().filter(code=code).first()
        if coupon is None:
            raise ValidationError(
                {"coupon_code": ValidationError(_("This coupon code does not exist."), code="coupon_unknown")}
            )
        try:
            coupon_check(coupon=coupon, user=user, product=product, now=now, currency=charged)
        except ValidationError as exc:
            raise ValidationError({"coupon_code": exc.error_list}) from exc
    # 2. the credit account
    account = (
        CreditAccount.objects.select_for_update().filter(user=user, currency=charged).first() if use_credit else None
    )
    breakdown = price_breakdown(
        product=product,
        coupon=coupon,
        use_credit=use_credit,
        credit_balance=account.balance if account else ZERO,
        currency=charged,
    )
    if coupon is not None:
        # The conditional UPDATE is what guarantees the limit, whatever the isolation level.
        taken = (
            Coupon.objects.filter(pk=coupon.pk, is_active=True)
            .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
            .update(uses=F("uses") + 1, updated_at=now)
        )
        if not taken:
            raise ValidationError(
                {"coupon_code": ValidationError(_("This coupon has been used up."), code="coupon_used_up")}
            )
    if breakdown.credit > 0:
        assert account is not None  # credit comes only from the balance of the account read above
        spent = CreditAccount.objects.filter(pk=account.pk, balance__gte=breakdown.credit).update(
            balance=F("balance") - breakdown.credit, updated_at=now
        )
        if not spent:
            raise ValidationError(_("Your credit balance changed; try again."), code="credit_changed")
    if campaign is None and coupon is not None and coupon.campaign_id:
        campaign = coupon.campaign
    payment = Payment(
        user=user,
        kind=product_kind(product),
        course=product if isinstance(product, Course) else None,
        bundle=product if isinstance(product, CourseBundle) else None,
        plan=product if isinstance(product, Plan) else None,
        subscription=subscription,
        description=breakdown.description,
        currency=breakdown.currency,
        subtotal=breakdown.subtotal,
        discount=breakdown.discount,
        credit_applied=breakdown.credit,
        tax_rate=breakdown.tax_rate,
        tax=breakdown.tax,
        amount=breakdown.total,
        coupon=coupon,
        campaign=campaign if campaign is not None and campaign.is_running(now) else None,
        provider=provider if breakdown.total > 0 else "internal",
        idempotency_key=idempotency_key,
        **payment_base_amounts(currency=breakdown.currency, amount=breakdown.total, at=now),
    )
    payment.full_clean()
    payment.save()
    if coupon is not None:
        CouponRedemption.objects.create(coupon=coupon, user=user, payment=payment, discount=breakdown.discount)
    if breakdown.credit > 0:
        assert account is not None  # as above
        CreditEntry.objects.create(
            account=account,
            kind=CreditEntry.Kind.SPENT,
            amount=-breakdown.credit,
            payment=payment,
            note=payment.description[:200],
        )
    if breakdown.total == 0:  # fully paid by coupon and credit: no provider involved
        payment = lock_payment(payment.pk)
        _payment_succeed(payment, reference=f"internal_{payment.pk.hex[:20]}")
    return payment


def checkout_start(
    *,
    user: User,
    product: Product,
    idempotency_key: str,
    coupon_code: str = "",
    use_credit: bool = False,
    campaign: MarketingCampaign | None = None,
    subscription: Subscription | None = None,
    provider: str | None = None,
    currency: str | None = None,
) -> tuple[Payment, str]:
    """Create the pending payment (reserving the coupon use and the credit) and return it with the
    URL to send the buyer to.  The same idempotency key returns the same payment (double submit).

    `currency` is the buyer's display currency: when the course or plan lists an explicit price in it
    (`pricing.product_price`) the payment is in that currency at that amount (coupon, credit account and
    base amount at the day's rate follow); otherwise it is the product's own price and currency."""
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError(
            _("A checkout needs an idempotency key of at most 64 characters."), code="idempotency_key"
        )
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        try:
            existing = None
            payment = _checkout_create(
                user=user,
                product=product,
                coupon_code=coupon_code,
                use_credit=use_credit,
                idempotency_key=idempotency_key,
                campaign=campaign,
                subscription=subscription,
                provider=provider or conf.default_provider(),
                currency=currency,
            )
        except IntegrityError:
            existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
    if existing is not None:
        if existing.user_id != user.pk:
            raise PermissionDenied(_("This checkout belongs to someone else."))
        payment = existing
    return payment, payment_next_url(payment=payment)


def payment_next_url(*, payment: Payment) -> str:
    """Where the buyer goes next: the provider's page while pending, else the result page."""
    result_url = reverse("billing:payment_result", kwargs={"payment_id": payment.pk})
    if payment.status != Payment.Status.PENDING or payment.provider == "internal":
        return result_url
    provider = get_provider(payment.provider)
    had_reference = bool(payment.provider_reference)
    url = provider.create_checkout(payment)
    if not had_reference and payment.provider_reference:
        Payment.objects.filter(pk=payment.pk, provider_reference="").update(
            provider_reference=payment.provider_reference, updated_at=timezone.now()
        )
    return url
