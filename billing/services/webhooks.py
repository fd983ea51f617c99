"""Webhooks: a verified provider event is processed exactly once; a refused delivery is recorded."""

from __future__ import annotations

import logging
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Payment, WebhookEvent
from ..providers.base import Event, EventType
from ._common import lock_payment
from .payments import _payment_fail, _payment_succeed

logger = logging.getLogger(__name__)


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
        payment = lock_payment(payment_id)
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
