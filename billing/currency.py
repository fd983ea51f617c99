"""Reads of the currency table for everyone (registered with `courseworx.core.currency` in
BillingConfig.ready): the active currencies with the rate valid at a moment, in one query."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from courseworx.core import currency as core_currency
from courseworx.core.currency import CurrencyInfo

from .models import Currency, ExchangeRate


def currency_table(*, at: datetime | None = None, active_only: bool = True) -> dict[str, CurrencyInfo]:
    """code -> CurrencyInfo with the latest rate whose valid_from <= at (now when None).  One query."""
    at = at or timezone.now()
    latest = ExchangeRate.objects.filter(currency=OuterRef("pk"), valid_from__lte=at).order_by("-valid_from")
    rows = Currency.objects.annotate(current_rate=Subquery(latest.values("rate")[:1]))
    if active_only:
        rows = rows.filter(active=True)
    base = core_currency.base_currency()
    table = {}
    for c in rows.order_by("code"):
        rate = Decimal(1) if c.code == base else c.current_rate
        table[c.code] = CurrencyInfo(c.code, c.name, c.symbol or c.code, c.decimals, rate)
    return table


def rate_to_base(*, code: str, at: datetime | None = None) -> Decimal | None:
    """How many units of the base currency one unit of `code` was worth at `at` (None: no rate known)."""
    base = core_currency.base_currency()
    if code == base:
        return Decimal(1)
    rate = (
        ExchangeRate.objects.filter(currency_id=code, valid_from__lte=at or timezone.now())
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    return (Decimal(1) / rate) if rate else None


class BillingCurrencyProvider:
    def currencies(self, *, at: datetime | None = None) -> dict[str, CurrencyInfo]:
        return currency_table(at=at)
