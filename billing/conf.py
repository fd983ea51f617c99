"""Every billing setting, read in one place with its default.

The project settings may define any of these names (from the environment); billing code reads them
only through the functions below so tests can override them with pytest-django's `settings` fixture.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # Three-letter code of the site's currency (plans, bundles, credits).
    "BILLING_CURRENCY": "USD",
    # Sales tax / VAT applied to every checkout, as a percentage of the taxable amount.
    "BILLING_TAX_RATE_PERCENT": Decimal("0.00"),
    # Refund policy: a purchase may be refunded at most this many days after payment ...
    "BILLING_REFUND_WINDOW_DAYS": 14,
    # ... and only while the buyer's progress in the course is at most this percentage.
    "BILLING_REFUND_MAX_PROGRESS_PERCENT": Decimal("30"),
    # Whether an approved refund gives the coupon use back / takes the referral credit back.
    "BILLING_REFUND_RESTORES_COUPON": True,
    "BILLING_REFUND_REVERSES_REFERRAL_CREDIT": True,
    # A subscription whose renewal failed keeps access this many days before it expires.
    "BILLING_SUBSCRIPTION_GRACE_DAYS": 7,
    # A pending checkout older than this is marked failed and its coupon reservation released.
    "BILLING_PENDING_PAYMENT_TTL_HOURS": 24,
    # Name of the provider new checkouts use ("sandbox" ships with the app).
    "BILLING_DEFAULT_PROVIDER": "sandbox",
    # The sandbox lets buyers mark their own payments as paid: only for development and demos.
    "BILLING_SANDBOX_ENABLED": False,
    # HMAC-SHA256 secret of the sandbox provider's webhooks.
    "BILLING_SANDBOX_WEBHOOK_SECRET": "sandbox-dev-webhook-secret",
    # Webhooks whose timestamp is further than this from now are refused (replay protection).
    "BILLING_WEBHOOK_TOLERANCE_SECONDS": 300,
    # What a referrer earns (as checkout credit) when the referred user's first payment succeeds.
    "BILLING_REFERRAL_CREDIT_AMOUNT": Decimal("10.00"),
    # Instructors' share of a course's net revenue when the course has no ContentLicensing row.
    "BILLING_DEFAULT_REVENUE_SHARE_PERCENT": Decimal("70.00"),
}


def get(name: str):
    value = getattr(settings, name, DEFAULTS[name])
    default = DEFAULTS[name]
    if isinstance(default, Decimal) and not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value


def currency() -> str:
    return str(get("BILLING_CURRENCY")).upper()


def tax_rate_percent() -> Decimal:
    return get("BILLING_TAX_RATE_PERCENT")


def refund_window_days() -> int:
    return int(get("BILLING_REFUND_WINDOW_DAYS"))


def refund_max_progress_percent() -> Decimal:
    return get("BILLING_REFUND_MAX_PROGRESS_PERCENT")


def refund_restores_coupon() -> bool:
    return bool(get("BILLING_REFUND_RESTORES_COUPON"))


def refund_reverses_referral_credit() -> bool:
    return bool(get("BILLING_REFUND_REVERSES_REFERRAL_CREDIT"))


def grace_days() -> int:
    return int(get("BILLING_SUBSCRIPTION_GRACE_DAYS"))


def pending_ttl_hours() -> int:
    return int(get("BILLING_PENDING_PAYMENT_TTL_HOURS"))


def default_provider() -> str:
    return str(get("BILLING_DEFAULT_PROVIDER"))


def sandbox_enabled() -> bool:
    return bool(get("BILLING_SANDBOX_ENABLED"))


def sandbox_webhook_secret() -> str:
    return str(get("BILLING_SANDBOX_WEBHOOK_SECRET"))


def webhook_tolerance_seconds() -> int:
    return int(get("BILLING_WEBHOOK_TOLERANCE_SECONDS"))


def referral_credit_amount() -> Decimal:
    return get("BILLING_REFERRAL_CREDIT_AMOUNT")


def default_revenue_share_percent() -> Decimal:
    return get("BILLING_DEFAULT_REVENUE_SHARE_PERCENT")
