"""Rounding per currency and conversion with the rate valid at a moment (courseworx.core.currency, fed by
billing's Currency/ExchangeRate tables)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from billing.currency import BillingCurrencyProvider, currency_table
from billing.models import Currency
from courseworx.core import currency
from tests.billing.currency.helpers import rate

pytestmark = pytest.mark.django_db


def test_seeded_currencies_have_their_iso_decimals():
    decimals = dict(Currency.objects.filter(code__in=["USD", "EUR", "JPY", "KWD"]).values_list("code", "decimals"))
    assert decimals == {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}


@pytest.mark.parametrize(
    ("amount", "code", "expected"),
    [
        ("12.5", "JPY", Decimal("13")),
        ("1.2345", "KWD", Decimal("1.235")),
        ("1.005", "USD", Decimal("1.01")),
        ("0.004", "USD", Decimal("0.00")),
    ],
)
def test_rounding_per_currency_is_half_up_to_its_decimals(amount, code, expected):
    rounded = currency.round_amount(Decimal(amount), code)
    assert rounded == expected and rounded.as_tuple().exponent == expected.as_tuple().exponent


def test_converted_prices_round_per_currency():
    rate("JPY", "151.2345")
    rate("KWD", "0.30749")
    rate("EUR", "0.92")
    assert currency.convert(Decimal("49.99"), "USD", "JPY") == Decimal("7560")  # 7560.2126...
    assert currency.convert(Decimal("49.99"), "USD", "KWD") == Decimal("15.371")  # 15.3714...
    assert currency.convert(Decimal("100.00"), "EUR", "USD") == Decimal("108.70")  # 108.6956...
    assert currency.convert(Decimal("9800"), "JPY", "EUR") == Decimal("59.62")  # 9800 / 151.2345 * 0.92


def test_conversion_uses_the_rate_valid_at_the_moment_asked():
    rate("EUR", "0.80", days_ago=30)
    rate("EUR", "0.90", days_ago=10)
    rate("EUR", "1.00", days_ago=0)
    now = timezone.now()
    assert currency.convert(Decimal("10"), "USD", "EUR", at=now - dt.timedelta(days=20)) == Decimal("8.00")
    assert currency.convert(Decimal("10"), "USD", "EUR", at=now - dt.timedelta(days=5)) == Decimal("9.00")
    assert currency.convert(Decimal("10"), "USD", "EUR") == Decimal("10.00")
    assert currency.convert(Decimal("10"), "USD", "EUR", at=now - dt.timedelta(days=40)) is None  # no rate yet


def test_a_currency_without_a_rate_does_not_convert_and_inactive_ones_are_not_offered():
    assert currency.convert(Decimal("10"), "USD", "GBP") is None
    Currency.objects.filter(code="GBP").update(active=False)
    assert "GBP" not in currency_table()
    assert "GBP" not in dict(currency.currency_choices())


def test_formatting_uses_the_currency_decimals_and_the_language():
    with translation.override("en"):
        assert currency.format_amount(Decimal("1234.5"), "JPY") == "¥1,235"
        assert currency.format_amount(Decimal("1.2345"), "KWD") == "KWD1.235"
        assert currency.format_amount(Decimal("49.5"), "USD") == "$49.50"
    with translation.override("de"):
        assert currency.format_amount(Decimal("1234.5"), "EUR") == "1.234,50\xa0€"


def test_without_a_provider_the_choices_come_from_settings(settings):
    settings.CURRENCIES = ["USD", "EUR"]
    currency.register_currency_provider(None)
    try:
        assert [c for c, _ in currency.currency_choices()] == ["USD", "EUR"]
        assert currency.convert(Decimal("1"), "USD", "EUR") is None
    finally:
        currency.register_currency_provider(BillingCurrencyProvider())
