import datetime as dt
from decimal import Decimal

from django.utils import timezone

from billing.models import ExchangeRate


def rate(code: str, value: str, *, days_ago: float = 0, source="manual") -> ExchangeRate:
    """A rate row for `code` (units per 1 USD) valid from `days_ago` days before now."""
    return ExchangeRate.objects.create(
        currency_id=code,
        rate=Decimal(value),
        valid_from=timezone.now() - dt.timedelta(days=days_ago),
        source=source,
    )
