"""Renewals: charge due subscriptions through their provider, outside any transaction."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from ..models import Payment, Subscription
from ..providers import get_provider
from ..providers.base import RenewalResult
from ._common import lock_payment
from .currency import payment_base_amounts
from .payments import _payment_fail, _payment_succeed
from .pricing import price_breakdown
from .subscriptions import _subscription_end

logger = logging.getLogger(__name__)


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
        # The currency the subscriber paid in last time: an explicit plan price in it is charged again
        # (price_breakdown falls back to the plan's own price when the plan no longer lists one).
        paid_in = (
            Payment.objects.filter(subscription=subscription, status__in=Payment.PAID_STATUSES)
            .order_by("-created_at")
            .values_list("currency", flat=True)
            .first()
        )
        breakdown = price_breakdown(product=plan, currency=paid_in)
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
                currency=breakdown.currency,
                subtotal=breakdown.subtotal,
                tax_rate=breakdown.tax_rate,
                tax=breakdown.tax,
                amount=breakdown.total,
                provider=subscription.provider,
                idempotency_key=key,
                **payment_base_amounts(currency=breakdown.currency, amount=breakdown.total),
            )
            payment.full_clean()
            payment.save()
        if payment.status != Payment.Status.PENDING:
            return payment.status
    result = get_provider(payment.provider).renew(subscription, payment)
    if result.status == RenewalResult.PENDING:
        return "pending"
    with transaction.atomic():
        payment = lock_payment(payment.pk)
        if result.status == RenewalResult.SUCCEEDED:
            _payment_succeed(payment, reference=result.reference)
            return "renewed"
        _payment_fail(payment, reason=result.message or "The renewal charge was declined")
        return "past_due"


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
