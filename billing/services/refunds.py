"""Refunds: the policy, the student's request, Finance's decision and everything an approval undoes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.currency import decimals_check
from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create
from courseworx.core.services_webhooks import webhook_event_emit
from learning.models import Enrollment

from .. import conf, enrolments, permissions
from ..models import (
    CouponRedemption,
    CreditAccount,
    CreditEntry,
    Payment,
    Referral,
    RefundEvent,
    RefundRequest,
    Subscription,
)
from ..money import ZERO, q
from ..providers import get_provider
from ..providers.base import ProviderError
from ._common import credit_add, lock_payment, notify, release_coupon
from .course_stats import _course_revenue_enqueue
from .revenue import _earnings_record_refund
from .subscriptions import _subscription_end


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
        assert payment.bundle is not None  # constraint payment_product_matches_kind
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


def _refund_log(request: RefundRequest, actor: User, action: str, note: str = "") -> None:
    RefundEvent.objects.create(
        refund_request=request, actor=actor if getattr(actor, "pk", None) else None, action=action, note=note
    )
    audit_log_create(actor=actor, action=f"billing.refund_{action}", target=request, reason=note)


@transaction.atomic
def refund_request_create(*, user: User, payment: Payment, reason: str, amount: Decimal | None = None) -> RefundRequest:
    """A student asks for a refund of their payment, within the policy."""
    payment = lock_payment(payment.pk)
    if payment.user_id != user.pk:
        raise PermissionDenied(_("You can only ask for refunds of your own payments."))
    if not (reason or "").strip():
        raise ValidationError({"reason": "Tell us why you want a refund."})
    eligibility = refund_eligibility(payment=payment)
    if not eligibility.allowed:
        raise ValidationError(eligibility.reasons, code="refund_policy")
    if amount is not None:
        decimals_check(amount, payment.currency, field="amount")
        amount = q(amount, payment.currency)
        if amount <= 0 or amount > payment.refundable_amount:
            raise ValidationError(
                {"amount": f"Ask for between 0.01 and {payment.refundable_amount} {payment.currency}."}
            )
    request = RefundRequest(payment=payment, user=user, reason=reason.strip(), amount_requested=amount)
    request.full_clean()
    request.save()
    _refund_log(request, user, "requested", reason.strip())
    notify(
        user,
        "Refund request received",
        f"We will answer your request about {payment.description} soon.",
        reverse("billing:purchases"),
    )
    return request


def refund_request_check_decision(*, refund_request: RefundRequest, actor: User, note: str) -> None:
    if not permissions.can_decide_refund(actor):
        raise PermissionDenied(_("Only Finance can decide refund requests."))
    if not (note or "").strip():
        raise ValidationError({"note": "A note explaining the decision is required."})
    if refund_request.status != RefundRequest.Status.PENDING:
        raise ConflictError(
            _("This request was already decided (%(status)s)."),
            code="already_decided",
            params={"status": refund_request.get_status_display().lower()},
        )


@transaction.atomic
def refund_request_reject(*, refund_request: RefundRequest, actor: User, note: str) -> RefundRequest:
    payment = lock_payment(refund_request.payment_id)
    request = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
    refund_request_check_decision(refund_request=request, actor=actor, note=note)
    request.status = RefundRequest.Status.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _refund_log(request, actor, "rejected", request.decision_note)
    notify(
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
    actor: User,
    note: str,
    amount: Decimal | None = None,
    drop_enrolment: bool | None = None,
) -> RefundRequest:
    """Finance approves: refund through the provider (full or partial), drop the enrolment(s),
    reverse the coupon use and the referral credit (as the policy settings say), log every step.
    A provider refusal rolls everything back and leaves the request pending (ProviderError)."""
    payment = lock_payment(refund_request.payment_id)
    request = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
    refund_request_check_decision(refund_request=request, actor=actor, note=note)
    if payment.status not in Payment.REFUNDABLE_STATUSES:
        raise ConflictError(
            _("The payment is %(s)s; it cannot be refunded."),
            code="not_refundable",
            params={"s": payment.get_status_display().lower()},
        )
    if amount is not None:
        decimals_check(amount, payment.currency, field="amount")
    amount = q(
        amount if amount is not None else (request.amount_requested or payment.refundable_amount), payment.currency
    )
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
                _("The provider refused the refund: %(e)s"), code="provider_error", params={"e": str(exc)}
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
        credit_add(
            user=payment.user,
            amount=payment.credit_applied,
            kind=CreditEntry.Kind.REFUNDED,
            payment=payment,
            currency=payment.currency,
        )
        _refund_log(request, actor, "credit_returned", f"{payment.credit_applied} {payment.currency}")
    if drop_enrolment is None:
        drop_enrolment = full
    if drop_enrolment:
        _refund_revoke_access(request, payment, actor)
    if full and conf.refund_restores_coupon() and release_coupon(payment, to_status=CouponRedemption.Status.REVERSED):
        assert payment.coupon is not None  # a redemption is only made by a checkout with this coupon
        _refund_log(request, actor, "coupon_reversed", f"One use of {payment.coupon.code} given back")
    if full and conf.refund_reverses_referral_credit():
        _referral_reverse(request, payment, actor)
    _earnings_record_refund(request, payment, amount)
    _course_revenue_enqueue(payment)
    webhook_event_emit(
        "refund.approved",
        {
            "refund_request_id": request.pk,
            "payment_id": payment.pk,
            "user_id": payment.user_id,
            "course_id": payment.course_id,
            "amount": amount,
            "currency": payment.currency,
            "full": full,
            "payment_status": payment.status,
        },
        course=payment.course_id,
    )
    notify(
        request.user,
        f"Refund approved: {payment.description}",
        f"{amount} {payment.currency} is on its way back to you. {note}",
        reverse("billing:purchases"),
    )
    return request


def _refund_revoke_access(request: RefundRequest, payment: Payment, actor: User) -> None:
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
        assert payment.bundle is not None  # not a course nor a plan: a bundle (constraint payment_product_matches_kind)
        course_ids = list(payment.bundle.courses.values_list("pk", flat=True))
    outcome = enrolments.drop_for_refund(user=payment.user, course_ids=course_ids, payment_id=payment.pk)
    _refund_log(request, actor, "enrolment_dropped", "; ".join(outcome) or "no enrolment")


def _referral_reverse(request: RefundRequest, payment: Payment, actor: User) -> None:
    referral = Referral.objects.select_for_update().filter(payment=payment, status=Referral.Status.CREDITED).first()
    if referral is None:
        return
    account = (
        CreditAccount.objects.select_for_update()
        .filter(user_id=referral.referrer_id, currency=referral.currency)
        .first()
    )
    available = account.balance if account else ZERO
    taken = min(available, referral.reward)
    if taken > 0 and account is not None:  # without an account nothing is available: taken is 0
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
