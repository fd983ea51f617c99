"""Field helpers shared by the billing models: money is `DecimalField(12, 3)` plus a currency code (3 places:
KWD has 3 decimals; every amount is rounded to its own currency's decimals by `billing.money.q`)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import models

MONEY = {"max_digits": 12, "decimal_places": 3}
ZERO = Decimal("0.00")


def money_field(**kwargs) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(**MONEY, **kwargs)


def currency_field(**kwargs) -> models.CharField:
    return models.CharField(max_length=3, default="USD", **kwargs)


def new_token() -> str:
    return secrets.token_urlsafe(24)
