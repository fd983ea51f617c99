"""Currencies for every layer: rounding, formatting, conversion and the visitor's display currency.

Rounding and formatting use py-moneyed (with Babel's CLDR data), never hand-written rules: JPY has 0
decimals, KWD 3, most others 2.  The currency *data* (which currencies are active, their exchange rates
and their history) belongs to billing, which registers a `CurrencyProvider` here in its `ready()`;
courses and core only ask this module, so no lower app imports billing.  Without a provider (an app
configuration without billing) the choices are `settings.CURRENCIES` and nothing converts.

Rates are "units of the currency per one unit of the base currency" (`settings.BILLING_CURRENCY`); the
base currency's rate is 1.  `convert(amount, "EUR", "JPY", at=...)` divides by EUR's rate and
multiplies by JPY's rate valid at `at`, then rounds to JPY's decimals (half up).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Protocol

from babel.core import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from moneyed import Money
from moneyed.l10n import format_money

SESSION_KEY = "display_currency"
QUERY_PARAM = "display_currency"
HEADER = "HTTP_X_DISPLAY_CURRENCY"
# Any amount we show or convert stays below this (a price field holds at most 10 digits).
MAX_AMOUNT = Decimal("1e15")


@dataclass(frozen=True)
class CurrencyInfo:
    code: str
    name: str
    symbol: str
    decimals: int
    rate: Decimal | None  # per one unit of the base currency, at the time asked; None: no rate known


class CurrencyProvider(Protocol):
    def currencies(self, *, at: datetime | None = None) -> dict[str, CurrencyInfo]:
        """The active currencies with the rate valid at `at` (now when None), in one query."""
        ...


_provider: CurrencyProvider | None = None


def register_currency_provider(provider: CurrencyProvider | None) -> None:
    """Called by billing's AppConfig.ready (tests may pass None to go back to settings only)."""
    global _provider
    _provider = provider


def base_currency() -> str:
    return str(settings.BILLING_CURRENCY).upper()


def table(*, at: datetime | None = None) -> dict[str, CurrencyInfo]:
    """code -> CurrencyInfo for every active currency (settings.CURRENCIES without a provider)."""
    if _provider is not None:
        return _provider.currencies(at=at)
    base = base_currency()
    return {
        code: CurrencyInfo(code, code, code, decimals(code), Decimal(1) if code == base else None)
        for code in settings.CURRENCIES
    }


CODES_CACHE_KEY = "cw:currency:active-codes"


def active_currencies() -> list[tuple[str, str]]:
    """(code, name) of the active currencies, cached (billing clears the cache when a currency changes): the
    navbar's selector and the display-currency check cost no query on most pages."""
    codes = cache.get(CODES_CACHE_KEY)
    if codes is None:
        codes = [(c.code, c.name) for c in table().values()]
        cache.set(CODES_CACHE_KEY, codes, 300)
    return codes


def active_currencies_changed() -> None:
    cache.delete(CODES_CACHE_KEY)


def currency_choices() -> list[tuple[str, str]]:
    """(code, "code — name") of the active currencies, for price fields' choices."""
    return [(c.code, f"{c.code} — {c.name}" if c.name != c.code else c.code) for c in table().values()]


def normalise_code(value) -> str | None:
    """A syntactically valid ISO 4217 code (three ASCII letters) upper-cased, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip().upper()
    if len(value) == 3 and value.isascii() and value.isalpha():
        return value
    return None


def decimals(code: str, info: dict[str, CurrencyInfo] | None = None) -> int:
    """How many decimals `code` has: the currency table's, else Babel's (CLDR), else 2."""
    if info and code in info:
        return info[code].decimals
    return int(get_currency_precision(code))  # Babel answers 2 for a code it does not know


def round_amount(amount, code: str, info: dict[str, CurrencyInfo] | None = None) -> Decimal:
    """Round half up to the currency's decimals (JPY 12.5 -> 13; KWD 1.2345 -> 1.235)."""
    exponent = Decimal(1).scaleb(-decimals(code, info))
    return _decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def decimals_check(amount, code: str, *, field: str | None = None) -> None:
    """Refuse an amount with more decimals than its currency has (JPY 0, USD 2, KWD 3): a ValidationError
    (code `too_many_decimals`; keyed by `field` when given) naming the currency's decimals."""
    if amount is None or not code:
        return
    value = _decimal(amount)
    if not value.is_finite():
        return  # the field's own validation refuses it
    places = decimals(code.upper())
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        error = ValidationError(
            "%(code)s amounts have at most %(places)s decimal places."
            if places
            else "%(code)s amounts have no decimals.",
            code="too_many_decimals",
            params={"code": code.upper(), "places": places},
        )
        raise ValidationError({field: error}) if field else error


def _decimal(amount) -> Decimal:
    if isinstance(amount, float):
        raise TypeError("Money must not be a float; pass a Decimal or a string.")
    return amount if isinstance(amount, Decimal) else Decimal(str(amount))


def _locale() -> str:
    lang = (translation.get_language() or settings.LANGUAGE_CODE or "en").replace("-", "_")
    try:
        return str(Locale.parse(lang))
    except (UnknownLocaleError, ValueError):
        return "en_US"


def format_amount(amount, code: str, *, locale: str | None = None) -> str:
    """Localised money text with the currency's own decimals: "$1,234.50", "¥1,235", "KWD 1.235"."""
    if amount is None:
        return ""
    code = (code or base_currency()).upper()
    try:
        value = round_amount(amount, code)
        return format_money(Money(value, code), locale=locale or _locale(), decimal_quantization=False)
    except (InvalidOperation, ValueError, TypeError, KeyError):
        return f"{amount} {code}"


def convert(
    amount, from_code: str, to_code: str, *, at: datetime | None = None, info: dict[str, CurrencyInfo] | None = None
) -> Decimal | None:
    """`amount` in `from_code` expressed in `to_code` with the rates valid at `at` (now when None), rounded
    to `to_code`'s decimals; None when a rate is missing.  Pass `info` (from `table(at=...)`) to convert many
    amounts with one query."""
    value = _decimal(amount)
    if from_code == to_code:
        return round_amount(value, to_code, info)
    info = info if info is not None else table(at=at)
    rate = rate_between(from_code, to_code, info)
    if rate is None:
        return None
    return round_amount(value * rate, to_code, info)


def rate_between(from_code: str, to_code: str, info: dict[str, CurrencyInfo]) -> Decimal | None:
    """How many `to_code` one `from_code` buys, from a table (None when either rate is missing)."""
    base = base_currency()
    src = Decimal(1) if from_code == base else (info[from_code].rate if from_code in info else None)
    dst = Decimal(1) if to_code == base else (info[to_code].rate if to_code in info else None)
    if not src or not dst:
        return None
    return dst / src


# --- the visitor's display currency -------------------------------------------------------------------


def display_currency(request) -> str | None:
    """The currency the visitor asked prices to be shown in: `?display_currency=`, the X-Display-Currency
    header, the session; None when none was chosen (or it is not an active currency)."""
    if request is None:
        return None
    cached = getattr(request, "_cw_display_currency", False)
    if cached is not False:
        return cached
    for candidate in (
        request.GET.get(QUERY_PARAM) if hasattr(request, "GET") else None,
        request.META.get(HEADER) if hasattr(request, "META") else None,
        request.session.get(SESSION_KEY) if hasattr(request, "session") else None,
    ):
        code = normalise_code(candidate)
        if code and code in dict(active_currencies()):
            request._cw_display_currency = code
            return code
    request._cw_display_currency = None
    return None


def request_table(request) -> dict[str, CurrencyInfo]:
    """The currency table, read once per request (one query however many prices a page shows)."""
    info = getattr(request, "_cw_currency_table", None)
    if info is None:
        info = table()
        with contextlib.suppress(AttributeError):  # a request-like object without attributes
            request._cw_currency_table = info
    return info


def display_price(request, amount, code: str) -> tuple[Decimal, str] | None:
    """(converted amount, display code) for a price when the visitor chose another currency, else None."""
    target = display_currency(request)
    if not target or amount is None or not code or target == code.upper():
        return None
    info = request_table(request)
    converted = convert(amount, code.upper(), target, info=info)
    return (converted, target) if converted is not None else None


def requested_display_currency(request) -> str | None:
    """For the API: the display currency asked by `?display_currency=` or the `X-Display-Currency` header
    (else the session's); a code that is not an active currency is a ValidationError (400), never ignored."""
    for raw in (request.GET.get(QUERY_PARAM), request.META.get(HEADER)):
        if raw is None or raw == "":
            continue
        code = normalise_code(raw)
        if code is None or code not in dict(active_currencies()):
            raise ValidationError(
                {QUERY_PARAM: ValidationError(_("Unknown or inactive currency code."), code="invalid_currency")}
            )
    return display_currency(request)


def display_price_data(request, amount, code: str, item=None) -> dict | None:
    """The API's `display_price`: {"amount", "currency", "formatted", "approximate"} in the requested display
    currency, or None when none was requested (or no rate is known).  When `item` (a course or plan) lists an
    explicit price in that currency (`item.explicit_price(code)`), that price, not approximate: it is what
    checkout charges."""
    target = display_currency(request)
    if not target or amount is None or not code:
        return None
    finder = getattr(item, "explicit_price", None)
    row = finder(target) if finder is not None and amount else None
    if row is not None:
        value = round_amount(row.amount, target)
        return {
            "amount": str(value),
            "currency": target,
            "formatted": format_amount(value, target),
            "approximate": False,
        }
    if target == code.upper():
        value: Decimal | None = round_amount(amount, target)
    else:
        value = convert(amount, code.upper(), target, info=request_table(request))
    if value is None:
        return None
    return {
        "amount": str(value),
        "currency": target,
        "formatted": format_amount(value, target),
        "approximate": target != code.upper(),
    }
