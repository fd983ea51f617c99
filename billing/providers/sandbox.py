"""The built-in sandbox provider: works offline, end to end.

* `create_checkout` sends the buyer to `/billing/sandbox/pay/<payment>/`, a hosted-style page where
  they choose Succeed, Decline or Leave pending.
* The page then delivers a signed webhook to the same handler as `/billing/webhooks/sandbox/`
  (in-process: a request to our own server from inside a request would deadlock runserver).
* Signature: header `Sandbox-Signature: t=<unix time>,v1=<hex>` where hex is
  HMAC-SHA256(BILLING_SANDBOX_WEBHOOK_SECRET, "<t>." + raw body).  Deliveries whose timestamp is more
  than BILLING_WEBHOOK_TOLERANCE_SECONDS away from now are refused (replay protection).
* Refunds and renewals succeed, with deterministic references (the same idempotency key gives the
  same refund reference).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from decimal import Decimal, InvalidOperation

from django.http.request import HttpHeaders
from django.urls import reverse

from billing import conf
from courseworx.core.currency import round_amount

from .base import Event, EventType, PaymentProvider, RenewalResult, WebhookRequest, WebhookVerificationError

SIGNATURE_HEADER = "Sandbox-Signature"


def sign(body: bytes, timestamp: int, secret: str | None = None) -> str:
    secret = conf.sandbox_webhook_secret() if secret is None else secret
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class SandboxWebhook:
    """A webhook delivery built in-process (same shape as an HttpRequest for `parse_webhook`)."""

    def __init__(self, body: bytes, signature: str):
        self.body = body
        self.headers = HttpHeaders({"CONTENT_TYPE": "application/json", "HTTP_SANDBOX_SIGNATURE": signature})


def build_event(
    payment, event_type: str, *, event_id: str | None = None, timestamp: int | None = None, failure_reason: str = ""
) -> SandboxWebhook:
    """The signed webhook the sandbox sends for `payment` (tests use it to play the provider)."""
    payload = {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "type": event_type,
        "created": int(time.time()),
        "data": {
            "payment_id": str(payment.pk),
            "reference": payment.provider_reference,
            "amount": str(round_amount(payment.amount, payment.currency)),
            "currency": payment.currency,
            "failure_reason": failure_reason,
        },
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    return SandboxWebhook(body, sign(body, int(time.time()) if timestamp is None else timestamp))


class SandboxProvider(PaymentProvider):
    name = "sandbox"
    label = "Sandbox (test payments)"

    def create_checkout(self, payment) -> str:
        if not payment.provider_reference:
            payment.provider_reference = f"sbx_pay_{secrets.token_hex(10)}"
        return reverse("billing:sandbox_pay", kwargs={"payment_id": payment.pk})

    def parse_webhook(self, request: WebhookRequest) -> Event:
        header = request.headers.get(SIGNATURE_HEADER, "")
        parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
        if "t" not in parts or "v1" not in parts:
            raise WebhookVerificationError("Missing or malformed Sandbox-Signature header.", "bad_signature")
        try:
            timestamp = int(parts["t"])
        except ValueError:
            raise WebhookVerificationError("The signature timestamp is not a number.", "bad_signature") from None
        body = bytes(request.body)
        expected = sign(body, timestamp).split("v1=", 1)[1]
        if not hmac.compare_digest(expected, parts["v1"]):
            raise WebhookVerificationError("The webhook signature does not match.", "bad_signature")
        # Checked after the signature so an attacker cannot learn the window from the answers.
        if abs(time.time() - timestamp) > conf.webhook_tolerance_seconds():
            raise WebhookVerificationError("The webhook timestamp is outside the tolerance window.", "stale_timestamp")
        try:
            payload = json.loads(body)
            data = payload["data"]
            event_id, event_type = str(payload["id"]), str(payload["type"])
            amount = Decimal(str(data["amount"])) if data.get("amount") not in (None, "") else None
        except (ValueError, KeyError, TypeError, InvalidOperation):
            raise WebhookVerificationError("The webhook body is not a valid event.", "malformed") from None
        if event_type not in EventType.ALL or not event_id:
            raise WebhookVerificationError(f"Unknown event type {event_type!r}.", "malformed")
        return Event(
            id=event_id,
            type=event_type,
            payment_id=str(data.get("payment_id") or "") or None,
            provider_reference=str(data.get("reference") or ""),
            amount=amount,
            currency=str(data.get("currency") or ""),
            failure_reason=str(data.get("failure_reason") or "")[:200],
            payload=payload,
        )

    def refund(self, payment, amount: Decimal, *, idempotency_key: str) -> str:
        return "sbx_ref_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]

    def renew(self, subscription, payment) -> RenewalResult:
        return RenewalResult(status=RenewalResult.SUCCEEDED, reference=f"sbx_ren_{secrets.token_hex(10)}")
