"""Billing write paths.  Keyword-only, typed, atomic, validated; side effects go out on commit.

Lock order (always the same, so two transactions never wait on each other in a cycle):
    coupon row -> credit account row -> payment row -> subscription row -> refund request row
    -> (learning's) enrolment row -> course row
`_lock_payment` reads the payment's (immutable) coupon and buyer first, locks the coupon and the
credit account, then the payment itself.

Coupon usage is RESERVED at checkout: `Coupon.uses` goes up by a conditional UPDATE
(`uses < max_uses`) while the coupon row is locked, so neither parallel checkouts nor parallel
successes can exceed the limit; the reservation becomes "applied" when the payment succeeds and is
released (uses - 1) when it fails or is abandoned (tasks.payments_expire_pending).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from courses.models import Course
from courseworx.core.activity import activity_record
from courseworx.core.enqueue import enqueue_on_commit as _on_commit
from courseworx.core.exceptions import ConflictError
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from learning import services as learning_services
from learning.models import Enrollment

from . import conf, enrolments, permissions
from .models import (
    CampaignEnrollment,
    ContentLicensing,
    Coupon,
    CouponRedemption,
    CourseBundle,
    CreditAccount,
    CreditEntry,
    EarningEntry,
    EmployerPartner,
    EmployerRequest,
    MarketingCampaign,
    Payment,
    Payout,
    Plan,
    Referral,
    ReferralCode,
    RefundEvent,
    RefundRequest,
    SeatAssignment,
    Subscription,
    WebhookEvent,
)
from .money import ZERO, percent_of, q, split
from .providers import get_provider
from .providers.base import Event, EventType, ProviderError, RenewalResult

logger = logging.getLogger(__name__)

Product = Course | CourseBundle | Plan


def _notify(user, title: str, body: str = "", url: str = "", *, email: bool = True) -> None:
    notification_create(user=user, category="billing", title=title, body=body, url=url, email=email)


def add_interval(start: dt.datetime, interval: str) -> dt.datetime:
    """start + one month (clamped to the month's last day) or one year."""
    months = 12 if interval == Plan.Interval.YEAR else 1
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


# --- Prices ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceBreakdown:
    """subtotal - discount + tax - credit = total.  Every amount is a Decimal quantized to cents."""

    description: str
    currency: str
    subtotal: Decimal
    discount: Decimal
    taxable: Decimal
    tax_rate: Decimal
    tax: Decimal
    credit: Decimal
    total: Decimal
    coupon: Coupon | None = None
    coupon_error: str = ""
    credit_available: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        """For the API: amounts as strings (never floats)."""
        return {
            "description": self.description,
            "currency": self.currency,
            "subtotal": str(self.subtotal),
            "discount": str(self.discount),
            "taxable": str(self.taxable),
            "tax_rate": str(self.tax_rate),
            "tax": str(self.tax),
            "credit": str(self.credit),
            "total": str(self.total),
            "coupon": self.coupon.code if self.coupon else None,
            "coupon_error": self.coupon_error,
            "credit_available": str(self.credit_available),
        }


def product_kind(product: Product) -> str:
    if isinstance(product, Course):
        return Payment.Kind.COURSE
    if isinstance(product, CourseBundle):
        return Payment.Kind.BUNDLE
    if isinstance(product, Plan):
        return Payment.Kind.PLAN
    raise TypeError(f"Not a product: {product!r}")


def product_description(product: Product) -> str:
    if isinstance(product, Course):
        return f"Course: {product.title}"
    if isinstance(product, CourseBundle):
        return f"Bundle: {product.name}"
    return f"Subscription: {product}"


def coupon_check(*, coupon: Coupon, user, product: Product, now: dt.datetime | None = None) -> None:
    """Raise ValidationError (with a code) when `coupon` cannot be used by `user` for `product` now."""
    now = now or timezone.now()
    if not coupon.is_active:
        raise ValidationError("This coupon is no longer active.", code="coupon_inactive")
    if coupon.starts_at and now < coupon.starts_at:
        raise ValidationError(
            "This coupon is valid from %(date)s.",
            code="coupon_not_started",
            params={"date": f"{coupon.starts_at:%d %b %Y}"},
        )
    if coupon.ends_at and now >= coupon.ends_at:
        raise ValidationError(
            "This coupon expired on %(date)s.", code="coupon_expired", params={"date": f"{coupon.ends_at:%d %b %Y}"}
        )
    if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
        raise ValidationError("This coupon has been used up.", code="coupon_used_up")
    if coupon.kind == Coupon.Kind.FIXED and coupon.currency != product.currency:
        raise ValidationError(
            "This coupon is in %(c)s and cannot be used for a price in %(p)s.",
            code="coupon_currency",
            params={"c": coupon.currency, "p": product.currency},
        )
    restricted = {
        "courses": list(coupon.courses.values_list("pk", flat=True)),
        "bundles": list(coupon.bundles.values_list("pk", flat=True)),
        "plans": list(coupon.plans.values_list("pk", flat=True)),
    }
    if any(restricted.values()):
        field = {Payment.Kind.COURSE: "courses", Payment.Kind.BUNDLE: "bundles", Payment.Kind.PLAN: "plans"}[
            product_kind(product)
        ]
        if product.pk not in restricted[field]:
            raise ValidationError(
                "This coupon does not apply to %(name)s.",
                code="coupon_not_applicable",
                params={"name": getattr(product, "title", None) or product.name},
            )
    if user is not None and getattr(user, "pk", None):
        used = CouponRedemption.objects.filter(coupon=coupon, user=user, status__in=CouponRedemption.HOLDING).count()
        if used >= coupon.max_uses_per_user:
            raise ValidationError(
                "You have already used this coupon (limit %(n)s per person).",
                code="coupon_user_limit",
                params={"n": coupon.max_uses_per_user},
            )


def _discount(coupon: Coupon | None, subtotal: Decimal) -> Decimal:
    if coupon is None:
        return ZERO
    if coupon.kind == Coupon.Kind.PERCENT:
        return min(subtotal, percent_of(subtotal, coupon.value))
    return min(subtotal, q(coupon.value))


def price_breakdown(
    *,
    product: Product,
    coupon: Coupon | None = None,
    credit_balance: Decimal = ZERO,
    use_credit: bool = False,
    coupon_error: str = "",
) -> PriceBreakdown:
    """Pure arithmetic: no queries, no writes."""
    subtotal = q(product.price)
    discount = _discount(coupon, subtotal)
    taxable = subtotal - discount
    rate = q(conf.tax_rate_percent())
    tax = percent_of(taxable, rate)
    gross = taxable + tax
    credit_balance = q(credit_balance)
    credit = ZERO
    if use_credit and product.currency == conf.currency():
        credit = min(credit_balance, gross)
    return PriceBreakdown(
        description=product_description(product),
        currency=product.currency,
        subtotal=subtotal,
        discount=discount,
        taxable=taxable,
        tax_rate=rate,
        tax=tax,
        credit=credit,
        total=gross - credit,
        coupon=coupon,
        coupon_error=coupon_error,
        credit_available=credit_balance,
    )


def credit_balance_get(*, user) -> Decimal:
    if not getattr(user, "pk", None):
        return ZERO
    return CreditAccount.objects.filter(user=user).values_list("balance", flat=True).first() or ZERO


def checkout_quote(*, user, product: Product, coupon_code: str = "", use_credit: bool = False) -> PriceBreakdown:
    """The price the buyer would pay (the checkout page's live breakdown).  Writes nothing; a coupon
    problem is reported in `coupon_error` with the price computed without it."""
    coupon, error = None, ""
    code = (coupon_code or "").strip().upper()
    if code:
        coupon = Coupon.objects.filter(code=code).first()
        if coupon is None:
            error = "This coupon code does not exist."
        else:
            try:
                coupon_check(coupon=coupon, user=user, product=product)
            except ValidationError as exc:
                coupon, error = None, exc.messages[0]
    return price_breakdown(
        product=product,
        coupon=coupon,
        credit_balance=credit_balance_get(user=user),
        use_credit=use_credit,
        coupon_error=error,
    )


# --- Checkout ----------------------------------------------------------------------------------------


def _has_access(user, course: Course) -> bool:
    return Enrollment.objects.filter(user=user, course=course, status__in=Enrollment.ACCESS_STATUSES).exists()


def checkout_check(*, user, product: Product, subscription: Subscription | None = None) -> None:
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
            raise ValidationError("This course is not on sale.", code="not_on_sale")
        if product.is_free:
            raise ValidationError("This course is free: enrol from the course page.", code="free_course")
        learning_services.enrollment_check_eligible(user=user, course=product, source=Enrollment.Source.PURCHASE)
    elif isinstance(product, CourseBundle):
        if not product.is_active:
            raise ValidationError("This bundle is not on sale.", code="not_on_sale")
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
                raise ValidationError(
                    "This bundle includes “%(course)s”: %(reason)s",
                    code=exc.code,
                    params={"course": course.title, "reason": exc.messages[0]},
                ) from exc
        if courses and owned == len(courses):
            raise ValidationError("You already have every course in this bundle.", code="already_enrolled")
    elif isinstance(product, Plan):
        if subscription is not None:
            if subscription.user_id != user.pk or subscription.plan_id != product.pk:
                raise PermissionDenied("Not your subscription.")
            if subscription.is_live:
                raise ConflictError("This subscription is still running.", code="already_subscribed")
        else:
            if not product.is_active:
                raise ValidationError("This plan is not on sale.", code="not_on_sale")
            if Subscription.objects.live().filter(user=user, plan=product).exists():
                raise ConflictError("You already subscribe to this plan.", code="already_subscribed")


@transaction.atomic
def _checkout_create(
    *,
    user,
    product: Product,
    coupon_code: str,
    use_credit: bool,
    idempotency_key: str,
    campaign: MarketingCampaign | None,
    subscription: Subscription | None,
    provider: str,
) -> Payment:
    checkout_check(user=user, product=product, subscription=subscription)
    now = timezone.now()
    coupon = None
    code = (coupon_code or "").strip().upper()
    if code:
        # 1. the coupon row (the per-user count below is exact while we hold it)
        coupon = Coupon.objects.select_for_update().filter(code=code).first()
        if coupon is None:
            raise ValidationError(
                {"coupon_code": ValidationError("This coupon code does not exist.", code="coupon_unknown")}
            )
        try:
            coupon_check(coupon=coupon, user=user, product=product, now=now)
        except ValidationError as exc:
            raise ValidationError({"coupon_code": exc.error_list}) from exc
    # 2. the credit account
    account = CreditAccount.objects.select_for_update().filter(user=user).first() if use_credit else None
    breakdown = price_breakdown(
        product=product, coupon=coupon, use_credit=use_credit, credit_balance=account.balance if account else ZERO
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
                {"coupon_code": ValidationError("This coupon has been used up.", code="coupon_used_up")}
            )
    if breakdown.credit > 0:
        spent = CreditAccount.objects.filter(pk=account.pk, balance__gte=breakdown.credit).update(
            balance=F("balance") - breakdown.credit, updated_at=now
        )
        if not spent:
            raise ValidationError("Your credit balance changed; try again.", code="credit_changed")
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
    )
    payment.full_clean()
    payment.save()
    if coupon is not None:
        CouponRedemption.objects.create(coupon=coupon, user=user, payment=payment, discount=breakdown.discount)
    if breakdown.credit > 0:
        CreditEntry.objects.create(
            account=account,
            kind=CreditEntry.Kind.SPENT,
            amount=-breakdown.credit,
            payment=payment,
            note=payment.description[:200],
        )
    if breakdown.total == 0:  # fully paid by coupon and credit: no provider involved
        payment = _lock_payment(payment.pk)
        _payment_succeed(payment, reference=f"internal_{payment.pk.hex[:20]}")
    return payment


def checkout_start(
    *,
    user,
    product: Product,
    idempotency_key: str,
    coupon_code: str = "",
    use_credit: bool = False,
    campaign: MarketingCampaign | None = None,
    subscription: Subscription | None = None,
    provider: str | None = None,
) -> tuple[Payment, str]:
    """Create the pending payment (reserving the coupon use and the credit) and return it with the
    URL to send the buyer to.  The same idempotency key returns the same payment (double submit)."""
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError("A checkout needs an idempotency key of at most 64 characters.", code="idempotency_key")
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
            )
        except IntegrityError:
            existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
    if existing is not None:
        if existing.user_id != user.pk:
            raise PermissionDenied("This checkout belongs to someone else.")
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


# --- Payment outcomes ---------------------------------------------------------------------------------


def _lock_payment(payment_id) -> Payment:
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


def _receipt_number(payment: Payment) -> str:
    return f"CW-{payment.succeeded_at:%Y%m%d}-{payment.pk.hex[:8].upper()}"


def _payment_succeed(payment: Payment, *, reference: str = "") -> bool:
    """The locked pending payment succeeded: record it and deliver what was bought.  False if it was
    not pending (nothing changes)."""
    if payment.status != Payment.Status.PENDING:
        return False
    now = timezone.now()
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = now
    payment.receipt_number = _receipt_number(payment)
    if reference and not payment.provider_reference:
        payment.provider_reference = reference
    payment.save(update_fields=["status", "succeeded_at", "receipt_number", "provider_reference", "updated_at"])
    activity_record(
        user=payment.user_id, event="purchase", course_id=payment.course_id, data={"payment": str(payment.pk)}
    )
    CouponRedemption.objects.filter(payment=payment, status=CouponRedemption.Status.RESERVED).update(
        status=CouponRedemption.Status.APPLIED, updated_at=now
    )
    _fulfil(payment)
    _referral_credit(payment)
    if payment.campaign_id:
        CampaignEnrollment.objects.get_or_create(
            payment=payment,
            defaults={
                "campaign_id": payment.campaign_id,
                "user": payment.user,
                "course": payment.course,
                "revenue": payment.net_amount,
                "currency": payment.currency,
            },
        )
    _earnings_record_sale(payment)
    _notify(
        payment.user,
        f"Payment received: {payment.description}",
        f"Thank you! Your receipt {payment.receipt_number} is in My purchases.",
        reverse("billing:purchases"),
        email=False,  # the receipt e-mail (with the PDF) is the e-mail
    )
    _on_commit("billing.receipt_issue", str(payment.pk))
    return True


def _payment_fail(payment: Payment, *, reason: str) -> bool:
    """The locked pending payment failed: release the coupon use and the credit.  False if not pending."""
    if payment.status != Payment.Status.PENDING:
        return False
    now = timezone.now()
    payment.status = Payment.Status.FAILED
    payment.failed_at = now
    payment.failure_reason = (reason or "Declined")[:200]
    payment.save(update_fields=["status", "failed_at", "failure_reason", "updated_at"])
    _release_coupon(payment, to_status=CouponRedemption.Status.RELEASED)
    if payment.credit_applied > 0:
        _credit_add(user=payment.user, amount=payment.credit_applied, kind=CreditEntry.Kind.RELEASED, payment=payment)
    if payment.kind == Payment.Kind.RENEWAL and payment.subscription_id:
        _subscription_renewal_failed(payment)
    else:
        _notify(
            payment.user,
            f"Payment not completed: {payment.description}",
            payment.failure_reason,
            reverse("billing:payment_result", kwargs={"payment_id": payment.pk}),
        )
    return True


def _release_coupon(payment: Payment, *, to_status: str) -> bool:
    """Give the coupon use back (coupon row already locked by _lock_payment)."""
    now = timezone.now()
    changed = CouponRedemption.objects.filter(payment=payment, status__in=CouponRedemption.HOLDING).update(
        status=to_status, updated_at=now
    )
    if changed and payment.coupon_id:
        Coupon.objects.filter(pk=payment.coupon_id, uses__gt=0).update(uses=F("uses") - 1, updated_at=now)
    return bool(changed)


def _credit_add(*, user, amount: Decimal, kind: str, payment=None, referral=None, note: str = "") -> CreditAccount:
    account, _ = CreditAccount.objects.get_or_create(user=user, defaults={"currency": conf.currency()})
    CreditAccount.objects.filter(pk=account.pk).update(balance=F("balance") + q(amount), updated_at=timezone.now())
    CreditEntry.objects.create(
        account=account, kind=kind, amount=q(amount), payment=payment, referral=referral, note=note[:200]
    )
    return account


def _grant(payment: Payment, course: Course, source: str) -> None:
    """Enrol the buyer; a refusal (course full, ended...) must not lose the money: it opens a
    refund request for Finance and tells the buyer."""
    try:
        enrolments.enrol(user=payment.user, course=course, source=source, payment=payment)
    except ValidationError as exc:
        logger.warning("Paid enrolment refused for payment %s, course %s: %s", payment.pk, course.pk, exc.messages)
        request, created = RefundRequest.objects.get_or_create(
            payment=payment,
            status=RefundRequest.Status.PENDING,
            defaults={
                "user": payment.user,
                "reason": f"Automatic: the purchase could not enrol the buyer in {course.title}: {exc.messages[0]}",
            },
        )
        if created:
            RefundEvent.objects.create(refund_request=request, action="requested", note=request.reason)
        _notify(
            payment.user,
            f"We could not enrol you in {course.title}",
            f"{exc.messages[0]} Finance will refund you; no action is needed.",
            reverse("billing:purchases"),
        )


def _fulfil(payment: Payment) -> None:
    if payment.kind == Payment.Kind.COURSE:
        _grant(payment, payment.course, "purchase")
    elif payment.kind == Payment.Kind.BUNDLE:
        for item in payment.bundle.items.select_related("course").order_by("order", "pk"):
            _grant(payment, item.course, "bundle")
    elif payment.kind == Payment.Kind.PLAN:
        _subscription_activate(payment)
    elif payment.kind == Payment.Kind.RENEWAL:
        _subscription_renewed(payment)


def payment_expire_pending(*, older_than_hours: int | None = None) -> int:
    """Abandoned checkouts: pending payments older than the TTL fail, releasing coupon and credit."""
    hours = conf.pending_ttl_hours() if older_than_hours is None else older_than_hours
    cutoff = timezone.now() - dt.timedelta(hours=hours)
    count = 0
    for pk in Payment.objects.filter(status=Payment.Status.PENDING, created_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            count += _payment_fail(_lock_payment(pk), reason="Checkout abandoned (expired)")
    return count


# --- Webhooks ------------------------------------------------------------------------------------------


def webhook_reject_record(*, provider: str, body: bytes, error: str) -> None:
    """Keep a trace of a refused delivery (signature_valid=False; it claims no event id)."""
    WebhookEvent.objects.create(
        provider=provider,
        event_id="",
        payload={"raw": body[:2000].decode("utf-8", "replace")},
        signature_valid=False,
        error=error[:300],
    )


@transaction.atomic
def webhook_process(*, provider: str, event: Event) -> tuple[WebhookEvent, bool]:
    """Process one verified event exactly once: (record, duplicate).  Claiming the event id (unique
    per provider) and its effects commit together, so a replayed or concurrent duplicate delivery
    finds the id taken and changes nothing."""
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                provider=provider, event_id=event.id, event_type=event.type, payload=event.payload, signature_valid=True
            )
    except IntegrityError:
        record = WebhookEvent.objects.get(provider=provider, event_id=event.id, signature_valid=True)
        WebhookEvent.objects.filter(pk=record.pk).update(deliveries=F("deliveries") + 1, updated_at=timezone.now())
        return record, True

    payment_id = (
        Payment.objects.filter(Q(pk=event.payment_id) if _is_uuid(event.payment_id) else Q(pk=None))
        .filter(provider=provider)
        .values_list("pk", flat=True)
        .first()
    )
    if payment_id is None and event.provider_reference:
        payment_id = (
            Payment.objects.filter(provider=provider, provider_reference=event.provider_reference)
            .values_list("pk", flat=True)
            .first()
        )
    error = ""
    if payment_id is None:
        error = "No payment matches this event."
    else:
        payment = _lock_payment(payment_id)
        record.payment = payment
        if event.amount is not None and (event.amount != payment.amount or event.currency != payment.currency):
            error = (
                f"Amount mismatch: event {event.amount} {event.currency}, payment {payment.amount} {payment.currency}."
            )
        elif event.type == EventType.PAYMENT_SUCCEEDED:
            if not _payment_succeed(payment, reference=event.provider_reference):
                error = f"Ignored: the payment is already {payment.status}."
        elif event.type == EventType.PAYMENT_FAILED and not _payment_fail(
            payment, reason=event.failure_reason or "Declined by the provider"
        ):
            error = f"Ignored: the payment is already {payment.status}."
    if error:
        logger.warning("Webhook %s/%s: %s", provider, event.id, error)
    record.error = error[:300]
    record.processed_at = timezone.now()
    record.save(update_fields=["payment", "error", "processed_at", "updated_at"])
    return record, False


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return False
    return True


# --- Referrals and campaigns ---------------------------------------------------------------------------


def referral_code_get_or_create(*, user) -> ReferralCode:
    existing = ReferralCode.objects.filter(user=user).first()
    if existing:
        return existing
    for _ in range(5):
        code = secrets.token_hex(4).upper()
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(user=user, code=code)
        except IntegrityError:
            existing = ReferralCode.objects.filter(user=user).first()
            if existing:
                return existing
    raise RuntimeError("Could not allocate a referral code")


def referral_attach(*, user, code: str) -> Referral | None:
    """Record that `user` was referred by the owner of `code` (first referral wins; only before the
    user's first payment; never oneself).  Returns None when it does not apply."""
    code = (code or "").strip().upper()
    owner_id = ReferralCode.objects.filter(code=code).values_list("user_id", flat=True).first()
    if owner_id is None or owner_id == user.pk:
        return None
    if Referral.objects.filter(referred=user).exists() or Payment.objects.succeeded().filter(user=user).exists():
        return None
    try:
        with transaction.atomic():
            return Referral.objects.create(referrer_id=owner_id, referred=user, currency=conf.currency())
    except IntegrityError:
        return None


def _referral_credit(payment: Payment) -> None:
    """The referred user's first payment succeeded: credit the referrer (once)."""
    if payment.amount <= 0:
        return
    referral = (
        Referral.objects.select_for_update().filter(referred_id=payment.user_id, status=Referral.Status.PENDING).first()
    )
    if referral is None:
        return
    if Payment.objects.succeeded().filter(user_id=payment.user_id).exclude(pk=payment.pk).exists():
        return
    amount = q(conf.referral_credit_amount())
    referral.status = Referral.Status.CREDITED
    referral.payment = payment
    referral.reward = amount
    referral.credited_at = timezone.now()
    referral.save(update_fields=["status", "payment", "reward", "credited_at", "updated_at"])
    _credit_add(
        user=referral.referrer,
        amount=amount,
        kind=CreditEntry.Kind.REFERRAL,
        referral=referral,
        note=f"Referral of {payment.user.get_full_name()}",
    )
    _notify(
        referral.referrer,
        "You earned referral credit",
        f"{amount} {referral.currency} was added to your credit: someone you referred made their first purchase.",
        reverse("billing:referrals"),
    )


def campaign_resolve(*, code: str = "", utm_source: str = "") -> MarketingCampaign | None:
    """The running campaign for a `?campaign=` code or a `?utm_source=`."""
    now = timezone.now()
    qs = MarketingCampaign.objects.filter(is_active=True)
    candidates = []
    if code:
        candidates = list(qs.filter(code=code.strip().lower())[:1])
    if not candidates and utm_source:
        candidates = list(qs.filter(utm_source__iexact=utm_source.strip())[:1])
    return next((c for c in candidates if c.is_running(now)), None)


# --- Subscriptions -------------------------------------------------------------------------------------


def _plan_course_filter(plan: Plan) -> Q:
    return Q() if plan.scope == Plan.Scope.ALL else Q(course__in=plan.courses.values("pk"))


def _plan_grant_access(subscription: Subscription) -> None:
    plan = subscription.plan
    enrolments.restore_subscription_enrolments(
        user=subscription.user, course_filter=_plan_course_filter(plan), reason=f"Subscription {plan.name} active"
    )
    if plan.scope == Plan.Scope.SELECTED:
        for course in plan.courses.filter(status=Course.Status.PUBLISHED):
            try:
                enrolments.enrol(user=subscription.user, course=course, source="subscription")
            except ValidationError as exc:
                logger.info("Subscription %s: not enrolled in %s: %s", subscription.pk, course.pk, exc.messages)


def _subscription_activate(payment: Payment) -> Subscription:
    plan, now = payment.plan, timezone.now()
    if payment.subscription_id:  # buying again a subscription that had ended
        subscription = Subscription.objects.select_for_update().get(pk=payment.subscription_id)
        if subscription.is_live:
            return _extend(subscription, payment)
        subscription.status = Subscription.Status.ACTIVE
        subscription.current_period_start = now
        subscription.current_period_end = add_interval(now, plan.interval)
        subscription.cancel_at_period_end = False
        subscription.grace_until = subscription.ended_at = subscription.canceled_at = None
        subscription.renewal_attempts = 0
        subscription.full_clean()
        subscription.save()
    else:
        live = Subscription.objects.select_for_update().live().filter(user=payment.user, plan=plan).first()
        if live is not None:  # two checkouts of the same plan both paid: the second extends the first
            subscription = _extend(live, payment)
        else:
            subscription = Subscription(
                user=payment.user,
                plan=plan,
                status=Subscription.Status.ACTIVE,
                current_period_start=now,
                current_period_end=add_interval(now, plan.interval),
                provider=payment.provider,
            )
            subscription.full_clean()
            subscription.save()
        payment.subscription = subscription
        payment.save(update_fields=["subscription", "updated_at"])
    _plan_grant_access(subscription)
    return subscription


def _extend(subscription: Subscription, payment: Payment) -> Subscription:
    subscription.current_period_end = add_interval(subscription.current_period_end, subscription.plan.interval)
    subscription.status = Subscription.Status.ACTIVE
    subscription.grace_until = None
    subscription.renewal_attempts = 0
    subscription.save(update_fields=["current_period_end", "status", "grace_until", "renewal_attempts", "updated_at"])
    return subscription


@transaction.atomic
def subscription_start_trial(*, user, plan: Plan) -> Subscription:
    """A free trial (plans with trial_days), once per user and plan; the first charge is the renewal."""
    if not plan.is_active or plan.trial_days <= 0:
        raise ValidationError("This plan has no free trial.", code="no_trial")
    if Subscription.objects.filter(user=user, plan=plan).exists():
        raise ValidationError("You have already had a subscription or trial of this plan.", code="trial_used")
    now = timezone.now()
    subscription = Subscription(
        user=user,
        plan=plan,
        status=Subscription.Status.TRIALING,
        current_period_start=now,
        current_period_end=now + dt.timedelta(days=plan.trial_days),
        provider=conf.default_provider(),
    )
    subscription.full_clean()
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        raise ConflictError("You already subscribe to this plan.", code="already_subscribed") from None
    _plan_grant_access(subscription)
    _notify(
        user,
        f"Your {plan.name} trial has started",
        f"It is free until {subscription.current_period_end:%d %b %Y}.",
        reverse("billing:subscriptions"),
    )
    return subscription


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, user) -> Subscription:
    """Cancel at the end of the current period (access continues until then)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not permissions.can_manage_subscription(user, subscription):
        raise PermissionDenied("Not your subscription.")
    if not subscription.is_live:
        raise ConflictError("This subscription has already ended.", code="not_live")
    if not subscription.cancel_at_period_end:
        subscription.cancel_at_period_end = True
        subscription.canceled_at = timezone.now()
        subscription.save(update_fields=["cancel_at_period_end", "canceled_at", "updated_at"])
        audit_log_create(actor=user, action="billing.subscription_cancel", target=subscription)
    return subscription


@transaction.atomic
def subscription_resume(*, subscription: Subscription, user) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not permissions.can_manage_subscription(user, subscription):
        raise PermissionDenied("Not your subscription.")
    if not subscription.is_live:
        raise ConflictError("This subscription has ended: subscribe again instead.", code="not_live")
    if subscription.cancel_at_period_end:
        subscription.cancel_at_period_end = False
        subscription.canceled_at = None
        subscription.save(update_fields=["cancel_at_period_end", "canceled_at", "updated_at"])
        audit_log_create(actor=user, action="billing.subscription_resume", target=subscription)
    return subscription


def _keep_course_ids(user, *, excluding_subscription_id) -> tuple[bool, set]:
    """(covered by an all-courses subscription?, course ids the user still has paid access to)."""
    others = Subscription.objects.live().filter(user=user).exclude(pk=excluding_subscription_id).select_related("plan")
    keep: set = set()
    for other in others:
        if other.plan.scope == Plan.Scope.ALL:
            return True, set()
        keep |= set(other.plan.courses.values_list("pk", flat=True))
    paid = Payment.objects.filter(user=user, status__in=Payment.REFUNDABLE_STATUSES)
    keep |= set(paid.filter(kind=Payment.Kind.COURSE).values_list("course_id", flat=True))
    keep |= set(
        Course.objects.filter(bundles__payments__in=paid.filter(kind=Payment.Kind.BUNDLE)).values_list("pk", flat=True)
    )
    return False, keep


def _subscription_end(subscription: Subscription, status: str, reason: str) -> None:
    """The subscription row is locked by the caller."""
    subscription.status = status
    subscription.ended_at = timezone.now()
    subscription.save(update_fields=["status", "ended_at", "updated_at"])
    all_covered, keep = _keep_course_ids(subscription.user, excluding_subscription_id=subscription.pk)
    if not all_covered:
        enrolments.suspend_subscription_enrolments(user=subscription.user, keep_course_ids=keep, reason=reason)
    _notify(
        subscription.user,
        f"Your {subscription.plan.name} subscription has ended",
        reason,
        reverse("billing:subscriptions"),
    )


def _subscription_renewed(payment: Payment) -> None:
    subscription = (
        Subscription.objects.select_for_update().select_related("plan", "user").get(pk=payment.subscription_id)
    )
    if subscription.status in (Subscription.Status.CANCELED, Subscription.Status.EXPIRED):
        # paid after it ended (a late provider answer): start a new period now
        subscription.current_period_end = timezone.now()
    subscription.current_period_start = subscription.current_period_end
    subscription.current_period_end = add_interval(subscription.current_period_start, subscription.plan.interval)
    subscription.status = Subscription.Status.ACTIVE
    subscription.grace_until = subscription.ended_at = None
    subscription.renewal_attempts = 0
    subscription.save(
        update_fields=[
            "current_period_start",
            "current_period_end",
            "status",
            "grace_until",
            "ended_at",
            "renewal_attempts",
            "updated_at",
        ]
    )
    _plan_grant_access(subscription)


def _subscription_renewal_failed(payment: Payment) -> None:
    subscription = (
        Subscription.objects.select_for_update().select_related("plan", "user").get(pk=payment.subscription_id)
    )
    if not subscription.is_live:
        return
    subscription.status = Subscription.Status.PAST_DUE
    if subscription.grace_until is None:
        subscription.grace_until = subscription.current_period_end + dt.timedelta(days=conf.grace_days())
    subscription.renewal_attempts = F("renewal_attempts") + 1
    subscription.save(update_fields=["status", "grace_until", "renewal_attempts", "updated_at"])
    subscription.refresh_from_db(fields=["renewal_attempts"])
    _notify(
        subscription.user,
        f"We could not renew your {subscription.plan.name} subscription",
        f"{payment.failure_reason}. You keep access until {subscription.grace_until:%d %b %Y}; we will try again.",
        reverse("billing:subscriptions"),
    )


MAX_RENEWAL_ATTEMPTS = 4


def subscription_renew(*, subscription_id) -> str:
    """Renew one due subscription through its provider (the periodic task calls this for each).
    Returns what happened.  Three steps: create the pending renewal payment (committed), charge
    outside any transaction, then record the outcome like a webhook would."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().select_related("plan", "user").get(pk=subscription_id)
        now = timezone.now()
        if not subscription.is_live or subscription.current_period_end > now:
            return "not_due"
        if subscription.cancel_at_period_end:
            _subscription_end(subscription, Subscription.Status.CANCELED, "You canceled it; the paid period is over.")
            return "canceled"
        if subscription.renewal_attempts >= MAX_RENEWAL_ATTEMPTS:
            return "waiting_for_expiry"
        plan = subscription.plan
        breakdown = price_breakdown(product=plan)
        key = (
            f"renew-{subscription.pk.hex}-{subscription.current_period_end:%Y%m%d%H%M}-{subscription.renewal_attempts}"
        )
        payment = Payment.objects.filter(idempotency_key=key).first()
        if payment is None:
            payment = Payment(
                user=subscription.user,
                kind=Payment.Kind.RENEWAL,
                plan=plan,
                subscription=subscription,
                description=f"Renewal: {plan}",
                currency=plan.currency,
                subtotal=breakdown.subtotal,
                tax_rate=breakdown.tax_rate,
                tax=breakdown.tax,
                amount=breakdown.total,
                provider=subscription.provider,
                idempotency_key=key,
            )
            payment.full_clean()
            payment.save()
        if payment.status != Payment.Status.PENDING:
            return payment.status
    result = get_provider(payment.provider).renew(subscription, payment)
    if result.status == RenewalResult.PENDING:
        return "pending"
    with transaction.atomic():
        payment = _lock_payment(payment.pk)
        if result.status == RenewalResult.SUCCEEDED:
            _payment_succeed(payment, reference=result.reference)
            return "renewed"
        _payment_fail(payment, reason=result.message or "The renewal charge was declined")
        return "past_due"


def subscription_expire_due() -> int:
    """Past-due subscriptions whose grace period is over expire; their plan enrolments are suspended."""
    now = timezone.now()
    count = 0
    due = Subscription.objects.filter(status=Subscription.Status.PAST_DUE, grace_until__lte=now).values_list(
        "pk", flat=True
    )
    for pk in due:
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().select_related("plan", "user").get(pk=pk)
            if subscription.status != Subscription.Status.PAST_DUE or subscription.grace_until > now:
                continue
            _subscription_end(
                subscription,
                Subscription.Status.EXPIRED,
                "The renewal payment did not succeed within the grace period.",
            )
            count += 1
    return count


def subscription_renew_due() -> dict[str, int]:
    now = timezone.now()
    outcomes: dict[str, int] = {}
    due = Subscription.objects.live().filter(current_period_end__lte=now).values_list("pk", flat=True)
    for pk in due:
        try:
            outcome = subscription_renew(subscription_id=pk)
        except Exception:
            logger.exception("Renewal of subscription %s failed", pk)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@transaction.atomic
def subscription_course_enrol(*, user, course: Course) -> Enrollment:
    """Enrol in a course covered by one of the user's live subscriptions (all-courses plans)."""
    live = Subscription.objects.live().filter(user=user).select_related("plan")
    if not any(s.plan.covers(course) for s in live):
        raise PermissionDenied("None of your subscriptions includes this course.")
    return enrolments.enrol(user=user, course=course, source="subscription")


# --- Refunds -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundEligibility:
    allowed: bool
    reasons: list[str]
    max_amount: Decimal


def _progress_of(payment: Payment) -> tuple[Decimal, str]:
    """The buyer's highest progress among the courses the payment bought, and that course's title."""
    if payment.kind == Payment.Kind.COURSE:
        course_ids = [payment.course_id]
    elif payment.kind == Payment.Kind.BUNDLE:
        course_ids = list(payment.bundle.courses.values_list("pk", flat=True))
    else:
        course_ids = list(
            Enrollment.objects.filter(user_id=payment.user_id, source="subscription").values_list(
                "course_id", flat=True
            )
        )
    row = (
        Enrollment.objects.filter(user_id=payment.user_id, course_id__in=course_ids)
        .order_by("-progress_percent")
        .values_list("progress_percent", "course__title")
        .first()
    )
    return (row[0], row[1]) if row else (ZERO, "")


def refund_eligibility(*, payment: Payment, now: dt.datetime | None = None) -> RefundEligibility:
    """Check the refund policy (settings); every failed rule is named in `reasons`."""
    now = now or timezone.now()
    reasons: list[str] = []
    if payment.status not in Payment.REFUNDABLE_STATUSES:
        reasons.append(
            f"Only a completed payment can be refunded (this one is {payment.get_status_display().lower()})."
        )
    if payment.refundable_amount <= 0 and payment.status in Payment.REFUNDABLE_STATUSES:
        reasons.append("Nothing is left to refund on this payment.")
    window = conf.refund_window_days()
    if payment.succeeded_at:
        days = (now - payment.succeeded_at).days
        if days > window:
            reasons.append(
                f"Refunds are possible within {window} days of purchase; this payment was made {days} days ago."
            )
    limit = conf.refund_max_progress_percent()
    progress, title = _progress_of(payment)
    if progress > limit:
        reasons.append(
            f"Refunds are possible while your progress is at most {limit:.0f}%; you have completed "
            f"{progress:.0f}% of {title}."
        )
    if RefundRequest.objects.filter(payment=payment, status=RefundRequest.Status.PENDING).exists():
        reasons.append("A refund request for this payment is already waiting for a decision.")
    return RefundEligibility(allowed=not reasons, reasons=reasons, max_amount=payment.refundable_amount)


def _refund_log(request: RefundRequest, actor, action: str, note: str = "") -> None:
    RefundEvent.objects.create(
        refund_request=request, actor=actor if getattr(actor, "pk", None) else None, action=action, note=note
    )
    audit_log_create(actor=actor, action=f"billing.refund_{action}", target=request, reason=note)


@transaction.atomic
def refund_request_create(*, user, payment: Payment, reason: str, amount: Decimal | None = None) -> RefundRequest:
    """A student asks for a refund of their payment, within the policy."""
    payment = _lock_payment(payment.pk)
    if payment.user_id != user.pk:
        raise PermissionDenied("You can only ask for refunds of your own payments.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Tell us why you want a refund."})
    eligibility = refund_eligibility(payment=payment)
    if not eligibility.allowed:
        raise ValidationError(eligibility.reasons, code="refund_policy")
    if amount is not None:
        amount = q(amount)
        if amount <= 0 or amount > payment.refundable_amount:
            raise ValidationError(
                {"amount": f"Ask for between 0.01 and {payment.refundable_amount} {payment.currency}."}
            )
    request = RefundRequest(payment=payment, user=user, reason=reason.strip(), amount_requested=amount)
    request.full_clean()
    request.save()
    _refund_log(request, user, "requested", reason.strip())
    _notify(
        user,
        "Refund request received",
        f"We will answer your request about {payment.description} soon.",
        reverse("billing:purchases"),
    )
    return request


def refund_request_check_decision(*, refund_request: RefundRequest, actor, note: str) -> None:
    if not permissions.can_decide_refund(actor):
        raise PermissionDenied("Only Finance can decide refund requests.")
    if not (note or "").strip():
        raise ValidationError({"note": "A note explaining the decision is required."})
    if refund_request.status != RefundRequest.Status.PENDING:
        raise ConflictError(
            "This request was already decided (%(status)s).",
            code="already_decided",
            params={"status": refund_request.get_status_display().lower()},
        )


@transaction.atomic
def refund_request_reject(*, refund_request: RefundRequest, actor, note: str) -> RefundRequest:
    payment = _lock_payment(refund_request.payment_id)
    request = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
    refund_request_check_decision(refund_request=request, actor=actor, note=note)
    request.status = RefundRequest.Status.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _refund_log(request, actor, "rejected", request.decision_note)
    _notify(
        request.user,
        f"Refund request declined: {payment.description}",
        request.decision_note,
        reverse("billing:purchases"),
    )
    return request


@transaction.atomic
def refund_request_approve(
    *,
    refund_request: RefundRequest,
    actor,
    note: str,
    amount: Decimal | None = None,
    drop_enrolment: bool | None = None,
) -> RefundRequest:
    """Finance approves: refund through the provider (full or partial), drop the enrolment(s),
    reverse the coupon use and the referral credit (as the policy settings say), log every step.
    A provider refusal rolls everything back and leaves the request pending (ProviderError)."""
    payment = _lock_payment(refund_request.payment_id)
    request = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
    refund_request_check_decision(refund_request=request, actor=actor, note=note)
    if payment.status not in Payment.REFUNDABLE_STATUSES:
        raise ConflictError(
            "The payment is %(s)s; it cannot be refunded.",
            code="not_refundable",
            params={"s": payment.get_status_display().lower()},
        )
    amount = q(amount if amount is not None else (request.amount_requested or payment.refundable_amount))
    if amount < 0 or amount > payment.refundable_amount:
        raise ValidationError({"amount": f"Refund between 0.00 and {payment.refundable_amount} {payment.currency}."})
    now = timezone.now()
    note = note.strip()
    _refund_log(request, actor, "approved", f"{note} (amount {amount} {payment.currency})")
    reference = ""
    if amount > 0:
        try:
            reference = get_provider(payment.provider).refund(payment, amount, idempotency_key=f"refund-{request.pk}")
        except ProviderError as exc:
            raise ValidationError(
                "The provider refused the refund: %(e)s", code="provider_error", params={"e": str(exc)}
            ) from exc
    _refund_log(request, actor, "provider_refunded", f"{amount} {payment.currency}, reference {reference or '—'}")
    payment.amount_refunded = payment.amount_refunded + amount
    full = payment.amount_refunded >= payment.amount
    payment.status = Payment.Status.REFUNDED if full else Payment.Status.PARTIALLY_REFUNDED
    payment.refunded_at = now
    payment.save(update_fields=["amount_refunded", "status", "refunded_at", "updated_at"])
    request.status = RefundRequest.Status.REFUNDED
    request.amount_refunded = amount
    request.provider_reference = reference
    request.decided_by = actor
    request.decided_at = now
    request.decision_note = note
    request.save(
        update_fields=[
            "status",
            "amount_refunded",
            "provider_reference",
            "decided_by",
            "decided_at",
            "decision_note",
            "updated_at",
        ]
    )
    if full and payment.credit_applied > 0:
        _credit_add(user=payment.user, amount=payment.credit_applied, kind=CreditEntry.Kind.REFUNDED, payment=payment)
        _refund_log(request, actor, "credit_returned", f"{payment.credit_applied} {payment.currency}")
    if drop_enrolment is None:
        drop_enrolment = full
    if drop_enrolment:
        _refund_revoke_access(request, payment, actor)
    if full and conf.refund_restores_coupon() and _release_coupon(payment, to_status=CouponRedemption.Status.REVERSED):
        _refund_log(request, actor, "coupon_reversed", f"One use of {payment.coupon.code} given back")
    if full and conf.refund_reverses_referral_credit():
        _referral_reverse(request, payment, actor)
    _earnings_record_refund(request, payment, amount)
    _notify(
        request.user,
        f"Refund approved: {payment.description}",
        f"{amount} {payment.currency} is on its way back to you. {note}",
        reverse("billing:purchases"),
    )
    return request


def _refund_revoke_access(request: RefundRequest, payment: Payment, actor) -> None:
    if payment.kind in (Payment.Kind.PLAN, Payment.Kind.RENEWAL) and payment.subscription_id:
        subscription = (
            Subscription.objects.select_for_update().select_related("plan", "user").get(pk=payment.subscription_id)
        )
        if subscription.is_live:
            _subscription_end(subscription, Subscription.Status.CANCELED, "Your subscription payment was refunded.")
            _refund_log(request, actor, "subscription_canceled", str(subscription.plan))
        return
    if payment.kind == Payment.Kind.COURSE:
        course_ids = [payment.course_id]
    else:
        course_ids = list(payment.bundle.courses.values_list("pk", flat=True))
    outcome = enrolments.drop_for_refund(user=payment.user, course_ids=course_ids, payment_id=payment.pk)
    _refund_log(request, actor, "enrolment_dropped", "; ".join(outcome) or "no enrolment")


def _referral_reverse(request: RefundRequest, payment: Payment, actor) -> None:
    referral = Referral.objects.select_for_update().filter(payment=payment, status=Referral.Status.CREDITED).first()
    if referral is None:
        return
    account = CreditAccount.objects.select_for_update().filter(user_id=referral.referrer_id).first()
    available = account.balance if account else ZERO
    taken = min(available, referral.reward)
    if taken > 0:
        CreditAccount.objects.filter(pk=account.pk, balance__gte=taken).update(balance=F("balance") - taken)
        CreditEntry.objects.create(
            account=account,
            kind=CreditEntry.Kind.REFERRAL_REVERSED,
            amount=-taken,
            referral=referral,
            payment=payment,
            note="The referred purchase was refunded",
        )
    referral.status = Referral.Status.REVERSED
    referral.save(update_fields=["status", "updated_at"])
    spent = referral.reward - taken
    _refund_log(
        request,
        actor,
        "referral_reversed",
        f"{taken} taken back from the referrer" + (f" ({spent} already spent, written off)" if spent else ""),
    )


# --- Revenue -------------------------------------------------------------------------------------------


def _allocations(payment: Payment) -> list[tuple[Course, Decimal]]:
    """How a payment's net revenue splits over courses (bundles by list price, selected-course plans
    evenly; all-courses plans are platform revenue and are not attributed)."""
    net = payment.net_amount
    if payment.kind == Payment.Kind.COURSE:
        return [(payment.course, net)]
    if payment.kind == Payment.Kind.BUNDLE:
        courses = [i.course for i in payment.bundle.items.select_related("course").order_by("order", "pk")]
    elif payment.plan.scope == Plan.Scope.SELECTED:
        courses = list(payment.plan.courses.select_related("instructor").order_by("pk"))
    else:
        return []
    weights = [c.price if payment.kind == Payment.Kind.BUNDLE else Decimal(1) for c in courses]
    return list(zip(courses, split(net, weights), strict=True))


def _shares(course_ids) -> dict:
    rows = ContentLicensing.objects.filter(course_id__in=course_ids, kind=ContentLicensing.Kind.REVENUE_SHARE)
    return dict(rows.values_list("course_id", "revenue_share_percent"))


def _earnings_record_sale(payment: Payment) -> None:
    allocations = [(c, g) for c, g in _allocations(payment) if g > 0]
    if not allocations:
        return
    shares = _shares([c.pk for c, _ in allocations])
    default = conf.default_revenue_share_percent()
    EarningEntry.objects.bulk_create(
        [
            EarningEntry(
                instructor_id=c.instructor_id,
                course=c,
                payment=payment,
                kind=EarningEntry.Kind.SALE,
                gross=g,
                share_percent=shares.get(c.pk, default),
                amount=percent_of(g, shares.get(c.pk, default)),
                currency=payment.currency,
            )
            for c, g in allocations
        ]
    )


def _earnings_record_refund(request: RefundRequest, payment: Payment, amount: Decimal) -> None:
    sales = list(EarningEntry.objects.filter(payment=payment, kind=EarningEntry.Kind.SALE).order_by("pk"))
    if not sales or amount <= 0 or payment.amount <= 0:
        return
    refunded_net = q(payment.net_amount * amount / payment.amount)
    parts = split(refunded_net, [s.gross for s in sales])
    EarningEntry.objects.bulk_create(
        [
            EarningEntry(
                instructor_id=s.instructor_id,
                course_id=s.course_id,
                payment=payment,
                refund_request=request,
                kind=EarningEntry.Kind.REFUND,
                gross=-part,
                share_percent=s.share_percent,
                amount=-percent_of(part, s.share_percent),
                currency=s.currency,
            )
            for s, part in zip(sales, parts, strict=True)
        ]
    )


def instructor_balance(*, instructor) -> Decimal:
    earned = EarningEntry.objects.filter(instructor=instructor).aggregate(t=Sum("amount"))["t"] or ZERO
    paid = Payout.objects.filter(instructor=instructor).aggregate(t=Sum("amount"))["t"] or ZERO
    return q(earned - paid)


@transaction.atomic
def payout_create(*, instructor, amount: Decimal, actor, reference: str = "", note: str = "") -> Payout:
    """Finance records a payout to an instructor (at most their balance)."""
    if not permissions.can_manage_payouts(actor):
        raise PermissionDenied("Only Finance can record payouts.")
    # Serialise payouts of one instructor: lock their user row.
    get_user_model().objects.select_for_update().filter(pk=instructor.pk).first()
    amount = q(amount)
    balance = instructor_balance(instructor=instructor)
    if amount <= 0:
        raise ValidationError({"amount": "The amount must be positive."})
    if amount > balance:
        raise ValidationError({"amount": f"The balance is only {balance} {conf.currency()}."})
    payout = Payout(
        instructor=instructor,
        amount=amount,
        currency=conf.currency(),
        reference=reference.strip(),
        note=note.strip(),
        created_by=actor,
        status=Payout.Status.PAID,
        paid_at=timezone.now(),
    )
    payout.full_clean()
    payout.save()
    audit_log_create(actor=actor, action="billing.payout_create", target=payout, changes={"amount": str(amount)})
    _notify(
        instructor,
        "Payout sent",
        f"{amount} {payout.currency} was paid to you. {payout.reference}",
        reverse("billing:earnings"),
    )
    return payout


# --- Employer partners ---------------------------------------------------------------------------------


@transaction.atomic
def employer_request_create(
    *,
    partner: EmployerPartner,
    user,
    kind: str,
    course: Course | None = None,
    seats: int | None = None,
    message: str = "",
) -> EmployerRequest:
    if not permissions.can_manage_partner(user, partner):
        raise PermissionDenied("You do not manage this organisation.")
    request = EmployerRequest(
        partner=partner, requested_by=user, kind=kind, course=course, seats=seats, message=message.strip()
    )
    request.full_clean()
    request.save()
    return request


EMPLOYER_TRANSITIONS = {
    EmployerRequest.Status.NEW: {
        EmployerRequest.Status.IN_REVIEW,
        EmployerRequest.Status.APPROVED,
        EmployerRequest.Status.REJECTED,
    },
    EmployerRequest.Status.IN_REVIEW: {EmployerRequest.Status.APPROVED, EmployerRequest.Status.REJECTED},
    EmployerRequest.Status.APPROVED: {EmployerRequest.Status.FULFILLED},
}


@transaction.atomic
def employer_request_set_status(
    *, request: EmployerRequest, actor, status: str, note: str = "", term_days: int = 365, fee: Decimal | None = None
) -> EmployerRequest:
    """Staff move a request on.  Approving a seat purchase creates the employer licence."""
    if not permissions.can_handle_employer_requests(actor):
        raise PermissionDenied("Only Finance handles employer requests.")
    request = EmployerRequest.objects.select_for_update().get(pk=request.pk)
    if status not in EMPLOYER_TRANSITIONS.get(request.status, set()):
        raise ConflictError(
            "A request that is %(old)s cannot become %(new)s.",
            code="invalid_transition",
            params={"old": request.get_status_display().lower(), "new": status},
        )
    old = request.status
    request.status = status
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.staff_note = note.strip() or request.staff_note
    fields = ["status", "handled_by", "handled_at", "staff_note", "updated_at"]
    if status == EmployerRequest.Status.APPROVED and request.kind == EmployerRequest.Kind.SEATS:
        today = timezone.localdate()
        licence = ContentLicensing(
            course=request.course,
            kind=ContentLicensing.Kind.EMPLOYER,
            partner=request.partner,
            seats=request.seats,
            starts_on=today,
            ends_on=today + dt.timedelta(days=term_days),
            fee=q(fee or ZERO),
            currency=conf.currency(),
        )
        licence.full_clean()
        licence.save()
        request.licence = licence
        fields.append("licence")
    request.save(update_fields=fields)
    audit_log_create(
        actor=actor,
        action="billing.employer_request_status",
        target=request,
        reason=note,
        changes={"status": [old, status]},
    )
    return request


@transaction.atomic
def seat_assign(*, licence: ContentLicensing, email: str, actor) -> SeatAssignment:
    """Give a seat to an employee's e-mail: enrol them if they have an account, else invite them."""
    licence = (
        ContentLicensing.objects.select_for_update(of=("self",)).select_related("course", "partner").get(pk=licence.pk)
    )
    if licence.kind != ContentLicensing.Kind.EMPLOYER:
        raise ValidationError("Seats belong to employer licences.", code="not_employer")
    if not (permissions.can_handle_employer_requests(actor) or permissions.can_manage_partner(actor, licence.partner)):
        raise PermissionDenied("You cannot assign seats of this licence.")
    if not licence.is_current():
        raise ValidationError(
            "This licence is not current (%(a)s – %(b)s).",
            code="licence_not_current",
            params={"a": licence.starts_on, "b": licence.ends_on},
        )
    email = get_user_model().objects.normalize_email((email or "").strip()).lower()
    if SeatAssignment.objects.filter(licence=licence, email__iexact=email).exists():
        raise ValidationError({"email": "This person already has a seat."})
    used = SeatAssignment.objects.filter(licence=licence).exclude(status=SeatAssignment.Status.REVOKED).count()
    if used >= licence.seats:
        raise ValidationError("All %(n)s seats are assigned.", code="no_seats_left", params={"n": licence.seats})
    seat = SeatAssignment(licence=licence, email=email, assigned_by=actor if getattr(actor, "pk", None) else None)
    seat.full_clean()
    seat.save()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        _seat_enrol(seat, user)
    else:
        _on_commit("billing.seat_invitation_send", str(seat.pk))
    audit_log_create(actor=actor, action="billing.seat_assign", target=seat, changes={"email": email})
    return seat


def _seat_enrol(seat: SeatAssignment, user) -> None:
    enrolments.enrol(user=user, course=seat.licence.course, source="employer", payment=f"seat:{seat.pk}")
    seat.user = user
    seat.status = SeatAssignment.Status.ENROLLED
    seat.enrolled_at = timezone.now()
    seat.save(update_fields=["user", "status", "enrolled_at", "updated_at"])


@transaction.atomic
def seat_accept(*, token: str, user) -> SeatAssignment:
    """The invited employee (signed up with the invited e-mail) accepts their seat."""
    seat = SeatAssignment.objects.select_for_update().select_related("licence__course").filter(token=token).first()
    if seat is None or seat.status == SeatAssignment.Status.REVOKED:
        raise ValidationError("This invitation is not valid.", code="invalid_invitation")
    if seat.email.lower() != user.email.lower():
        raise PermissionDenied(f"This invitation was sent to {seat.email}; log in with that address.")
    if seat.status == SeatAssignment.Status.ENROLLED:
        return seat
    if not seat.licence.is_current():
        raise ValidationError("The licence of this seat has ended.", code="licence_not_current")
    _seat_enrol(seat, user)
    return seat


# --- Personal data ---------------------------------------------------------------------------------


def personal_data_anonymise_for_user(*, user) -> None:
    """Account deletion, billing's part.  Money records are kept as bookkeeping law requires: payments,
    refunds, credit, earnings and payouts keep their amounts and stay linked to the (anonymised)
    account, and receipt PDFs are kept unchanged (an issued receipt is an accounting document; it
    stays in private storage, where only staff who see payments can open it).  What goes: the free text of refund
    requests and the e-mail address of employer seats.  Called by `reports.privacy.personal_data_delete`.
    """
    with transaction.atomic():
        RefundRequest.objects.filter(user=user).update(reason="[deleted]")
        SeatAssignment.objects.filter(user=user).update(email=f"deleted-{user.pk.hex}@deleted.invalid")
