"""Every billing setting, read in one place.

The names, their defaults and their meaning live in `courseworx/settings.py` only (section "Billing",
read from the environment; the project README lists them).  Billing code reads them through the
functions below, at call time, so tests can override them with pytest-django's `settings` fixture.
A missing or empty setting is an `ImproperlyConfigured` error naming it, never a silent fallback.

The sandbox provider's webhook secret is never a fixed value: settings takes
`BILLING_SANDBOX_WEBHOOK_SECRET` from the environment or, unset, derives it from `SECRET_KEY` (so every
process of one deployment agrees on it and no two deployments share it); an empty value is refused here.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from courseworx.core.live_settings import LiveSetting, register, setting_value


def get(name: str):
    """The setting `name` (one of the BILLING_* names of courseworx/settings.py)."""
    try:
        return getattr(settings, name)
    except AttributeError:
        raise ImproperlyConfigured(f"{name} is not set: it is defined in courseworx/settings.py.") from None


def _decimal(name: str) -> Decimal:
    value = get(name)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def register_live_settings() -> None:
    """Called by BillingConfig.ready(): the billing settings staff may change without a restart."""
    register(
        LiveSetting(
            "BILLING_REFUND_WINDOW_DAYS",
            _("Refund window (days)"),
            "int",
            _("A purchase may be refunded this many days after payment."),
            min_value=0,
            max_value=365,
        )
    )


def currency() -> str:
    return str(get("BILLING_CURRENCY")).upper()


def tax_rate_percent() -> Decimal:
    return _decimal("BILLING_TAX_RATE_PERCENT")


def refund_window_days() -> int:
    """A live setting (admin: System settings), BILLING_REFUND_WINDOW_DAYS by default."""
    return int(setting_value("BILLING_REFUND_WINDOW_DAYS"))


def refund_max_progress_percent() -> Decimal:
    return _decimal("BILLING_REFUND_MAX_PROGRESS_PERCENT")


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
    secret = str(get("BILLING_SANDBOX_WEBHOOK_SECRET") or "")
    if not secret:
        raise ImproperlyConfigured(
            "BILLING_SANDBOX_WEBHOOK_SECRET is empty: leave it unset (settings derives it from SECRET_KEY) or set a "
            "long random value."
        )
    return secret


def webhook_tolerance_seconds() -> int:
    return int(get("BILLING_WEBHOOK_TOLERANCE_SECONDS"))


def referral_credit_amount() -> Decimal:
    return _decimal("BILLING_REFERRAL_CREDIT_AMOUNT")


def default_revenue_share_percent() -> Decimal:
    return _decimal("BILLING_DEFAULT_REVENUE_SHARE_PERCENT")


def exchange_rates_source() -> str:
    """A file path or https URL of the exchange-rate JSON; empty: the import does nothing."""
    return str(get("BILLING_EXCHANGE_RATES_SOURCE") or "")
