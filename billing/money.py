"""Money arithmetic: Decimal only, ROUND_HALF_UP, never float.

Amounts round to their currency's decimals (JPY 0, USD 2, KWD 3: `courseworx.core.currency.round_amount`,
py-moneyed/Babel) when the currency is given, else to cents.  Stored money columns have 3 decimal places,
so every currency's amounts fit exactly."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from courseworx.core.currency import round_amount

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def to_decimal(value) -> Decimal:
    """Accept Decimal, int or str (never float: a float has already lost the cents)."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal or a string.")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def q(value, currency: str | None = None) -> Decimal:
    """Round half up to `currency`'s decimals (JPY 0, KWD 3), or to cents when no currency is given."""
    if currency:
        return round_amount(to_decimal(value), currency)
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal, currency: str | None = None) -> Decimal:
    return q(to_decimal(amount) * to_decimal(percent) / HUNDRED, currency)


def split(total: Decimal, weights: list[Decimal], currency: str | None = None) -> list[Decimal]:
    """Split `total` in proportion to `weights`; the last share takes the rounding remainder so the
    parts always add up to the total exactly."""
    total = q(total, currency)
    if not weights:
        return []
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        weights = [Decimal(1)] * len(weights)
        weight_sum = Decimal(len(weights))
    parts = [q(total * w / weight_sum, currency) for w in weights[:-1]]
    parts.append(total - sum(parts, ZERO))
    return parts
