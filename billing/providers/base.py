"""The payment provider interface.  A provider turns a pending Payment into a redirect to its hosted
payment page, verifies and parses its webhooks, refunds and renews.  The sandbox provider ships with
the app; adding Stripe means writing one more subclass and registering it in `providers.REGISTRY`.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from billing.models import Payment, Subscription


class EventType:
    """The provider-neutral event types billing understands (providers map theirs onto these)."""

    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_PENDING = "payment.pending"
    REFUND_SUCCEEDED = "refund.succeeded"

    ALL = (PAYMENT_SUCCEEDED, PAYMENT_FAILED, PAYMENT_PENDING, REFUND_SUCCEEDED)


@dataclass(frozen=True)
class Event:
    """A verified webhook event."""

    id: str
    type: str
    payment_id: str | None
    provider_reference: str = ""
    amount: Decimal | None = None
    currency: str = ""
    failure_reason: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RenewalResult:
    """What a renewal charge did: "succeeded", "failed" or "pending" (the outcome comes by webhook)."""

    status: str
    reference: str = ""
    message: str = ""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PENDING = "pending"


class WebhookVerificationError(Exception):
    """The webhook is not authentic or not acceptable: answered with 400 and nothing changes."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class ProviderError(Exception):
    """The provider refused or failed an operation (refund, renewal)."""


class WebhookRequest(Protocol):
    """What `parse_webhook` reads: a Django HttpRequest has both."""

    body: bytes
    headers: Mapping[str, str]


class PaymentProvider(abc.ABC):
    name: str = ""
    label: str = ""

    @abc.abstractmethod
    def create_checkout(self, payment: Payment) -> str:
        """Register the payment with the provider (set `payment.provider_reference`, not saved) and
        return the URL of the hosted payment page to redirect the buyer to."""

    @abc.abstractmethod
    def parse_webhook(self, request: WebhookRequest) -> Event:
        """Verify the signature and timestamp of a webhook delivery and parse it.
        Raise WebhookVerificationError when it is not authentic, stale or malformed."""

    @abc.abstractmethod
    def refund(self, payment: Payment, amount: Decimal, *, idempotency_key: str) -> str:
        """Refund `amount` of a succeeded payment; return the provider's refund reference.
        Raise ProviderError on refusal.  The same idempotency key never refunds twice."""

    @abc.abstractmethod
    def renew(self, subscription: Subscription, payment: Payment) -> RenewalResult:
        """Charge the subscriber's saved payment method for the renewal `payment`."""
