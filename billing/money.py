"""Money arithmetic: Decimal only, two places, ROUND_HALF_UP, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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


def q(value) -> Decimal:
    """Quantize to cents, half up."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return q(to_decimal(amount) * to_decimal(percent) / HUNDRED)


def split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `weights`; the last share takes the rounding remainder so the
    parts always add up to the total exactly."""
    total = q(total)
    if not weights:
        return []
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        weights = [Decimal(1)] * len(weights)
        weight_sum = Decimal(len(weights))
    parts = [q(total * w / weight_sum) for w in weights[:-1]]
    parts.append(total - sum(parts, ZERO))
    return parts
