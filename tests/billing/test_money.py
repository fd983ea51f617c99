"""billing.money: Decimal only, half-up rounding, exact splits."""

from decimal import Decimal

import pytest

from billing.money import q, split, to_decimal


def test_money_helpers_refuse_floats_and_split_exactly():
    with pytest.raises(TypeError):
        to_decimal(0.1)
    assert q("2.675") == Decimal("2.68")  # half up, not banker's rounding
    parts = split(Decimal("10.00"), [Decimal(1), Decimal(1), Decimal(1)])
    assert parts == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")] and sum(parts) == Decimal("10.00")
