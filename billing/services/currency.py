"""Exchange rates: Finance's manual rates, the scheduled import, and a payment's base-currency amount.

Import source (`BILLING_EXCHANGE_RATES_SOURCE`): a file path or an https URL (fetched through
`courseworx.core.outbound`, the SSRF check) holding JSON

    {"base": "USD", "date": "2026-12-01", "rates": {"EUR": "0.92", "JPY": 151.2, "KWD": "0.307"}}

`base` must be the site's base currency (`BILLING_CURRENCY`); `date` (ISO date or date-time; a date
means 00:00 UTC) is when the rates become valid (default: now); each rate is units of that currency per
one unit of the base currency, a number > 0.  Unknown or inactive currency codes are skipped and named
in the result; one bad value refuses the whole file (nothing is written).  Importing the same file twice
changes nothing (one row per currency and moment).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from accounts import services as accounts_services
from courseworx.core import currency as core_currency
from courseworx.core import outbound
from courseworx.core.services import audit_log_create
from courseworx.core.types import AuthUser

from .. import conf
from ..currency import rate_to_base
from ..models import Currency, ExchangeRate

log = logging.getLogger(__name__)
MAX_RATE = Decimal(10**9)
MAX_SOURCE_BYTES = 1_000_000


def _rate(value, code: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValidationError(f"The rate of {code} is not a number.", code="bad_rate")
    try:
        rate = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(f"The rate of {code} is not a number.", code="bad_rate") from exc
    if not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
        raise ValidationError(f"The rate of {code} must be greater than 0 (and sensible).", code="bad_rate")
    rate = rate.quantize(Decimal("1e-10"))
    if rate <= 0:
        raise ValidationError(f"The rate of {code} is too small.", code="bad_rate")
    return rate


@transaction.atomic
def exchange_rate_set(
    *, currency: Currency, rate, actor: AuthUser | None, valid_from: datetime | None = None, source: str = "manual"
) -> ExchangeRate:
    """A new rate for `currency` from `valid_from` (now); earlier rows stay as history."""
    if currency.code == core_currency.base_currency():
        raise ValidationError(_("The base currency's rate is always 1."), code="base_currency")
    value = _rate(rate, currency.code)
    row, _created = ExchangeRate.objects.update_or_create(
        currency=currency,
        valid_from=valid_from or timezone.now(),
        defaults={"rate": value, "source": source, "created_by": actor if getattr(actor, "pk", None) else None},
    )
    if source == ExchangeRate.Source.MANUAL:
        audit_log_create(actor=actor, action="billing.exchange_rate_set", target=row, reason=f"{currency.code} {value}")
    return row


def _read_source(source: str) -> bytes:
    if source.startswith(("https://", "http://")):
        return outbound.fetch(source, max_bytes=MAX_SOURCE_BYTES)
    path = Path(source)
    if not path.is_file():
        raise ValidationError(f"The exchange-rate file {source} does not exist.", code="source_missing")
    with path.open("rb") as fh:
        data = fh.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise ValidationError(_("The exchange-rate file is too large."), code="source_too_large")
    return data


def _valid_from(value) -> datetime:
    if value in (None, ""):
        return timezone.now()
    if not isinstance(value, str):
        raise ValidationError(_("`date` must be an ISO date."), code="bad_date")
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise ValueError(value)
            moment = datetime.combine(day, time.min, tzinfo=UTC)
    except ValueError as exc:
        raise ValidationError(_("`date` must be an ISO date."), code="bad_date") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    if not 1900 <= moment.year <= 2999:
        raise ValidationError(_("`date` is out of range."), code="bad_date")
    return moment


def parse_rates(data: bytes) -> tuple[datetime, dict[str, Decimal]]:
    """The valid-from moment and code -> rate of a source document; ValidationError when malformed."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(_("The exchange-rate source is not JSON."), code="bad_json") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("rates"), dict):
        raise ValidationError(_('The source must be {"base": ..., "date": ..., "rates": {...}}.'), code="bad_format")
    base = core_currency.normalise_code(doc.get("base"))
    if base != core_currency.base_currency():
        raise ValidationError(
            f"The source's base currency ({doc.get('base')!r}) is not the site's ({core_currency.base_currency()}).",
            code="wrong_base",
        )
    rates = {}
    for key, value in doc["rates"].items():
        code = core_currency.normalise_code(key)
        if code is None:
            raise ValidationError(f"{key!r} is not a currency code.", code="bad_code")
        if code != base:
            rates[code] = _rate(value, code)
    return _valid_from(doc.get("date")), rates


def exchange_rates_import(*, source: str | None = None) -> dict:
    """Import the rates of `source` (default: the setting).  Returns {"status", "imported", "skipped",
    "message"}; status is "no_source" when nothing is configured (and nothing happens)."""
    source = (source if source is not None else conf.exchange_rates_source()).strip()
    if not source:
        message = "No exchange-rate source configured (BILLING_EXCHANGE_RATES_SOURCE is empty): nothing imported."
        log.info(message)
        return {"status": "no_source", "imported": 0, "skipped": [], "message": message}
    try:
        valid_from, rates = parse_rates(_read_source(source))
    except outbound.UnsafeURLError as exc:
        raise ValidationError(f"Exchange-rate source refused: {exc}", code="unsafe_url") from exc
    except outbound.OutboundError as exc:
        raise ValidationError(f"Exchange-rate source unavailable: {exc}", code="source_unavailable") from exc
    known = set(Currency.objects.filter(code__in=rates, active=True).values_list("code", flat=True))
    skipped = sorted(set(rates) - known)
    imported = 0
    with transaction.atomic():
        for code in sorted(known):
            _rate, created = ExchangeRate.objects.get_or_create(
                currency_id=code,
                valid_from=valid_from,
                defaults={"rate": rates[code], "source": ExchangeRate.Source.IMPORT, "source_detail": source[:200]},
            )
            imported += int(created)
    message = f"Imported {imported} rate(s) valid from {valid_from:%Y-%m-%d %H:%M} UTC."
    if skipped:
        message += f" Skipped unknown or inactive currencies: {', '.join(skipped)}."
    log.info(message)
    return {"status": "imported", "imported": imported, "skipped": skipped, "message": message}


def payment_base_amounts(*, currency: str, amount: Decimal, at: datetime | None = None) -> dict:
    """The base-currency fields of a payment of `amount` `currency` made at `at`: base_currency,
    exchange_rate (base units per unit) and amount_base (rounded to the base currency)."""
    base = core_currency.base_currency()
    rate = rate_to_base(code=currency, at=at)
    if rate is None:
        raise ValidationError(
            _("Prices in %(c)s cannot be paid yet: there is no exchange rate for it. Please try again later."),
            code="no_exchange_rate",
            params={"c": currency},
        )
    rate = rate.quantize(Decimal("1e-10"))
    return {
        "base_currency": base,
        "exchange_rate": rate,
        "amount_base": core_currency.round_amount(amount * rate, base),
    }


def preferred_currency_set(*, user, code: str) -> str:
    """Remember `code` as `user`'s display currency (their profile's `preferred_currency`; "" forgets it).
    It must be an active currency (ValidationError `invalid_currency`).  Returns the stored code."""
    code = (code or "").strip()
    if code:
        normalised = core_currency.normalise_code(code)
        if normalised is None or normalised not in dict(core_currency.active_currencies()):
            raise ValidationError(
                {"currency": ValidationError("Unknown or inactive currency code.", code="invalid_currency")}
            )
        code = normalised
    if getattr(user, "pk", None) and user.preferred_currency != code:
        accounts_services.user_preferred_currency_set(user=user, code=code)
    return code


def preferred_currency_restore(*, request, user) -> None:
    """At sign-in: the profile's display currency goes into the session (when still an active currency); a
    choice made before signing in, with none on the profile, is remembered on the profile."""
    session = getattr(request, "session", None)
    if session is None:
        return
    stored = user.preferred_currency or ""
    if stored and stored in dict(core_currency.active_currencies()):
        session[core_currency.SESSION_KEY] = stored
    elif not stored and session.get(core_currency.SESSION_KEY):
        try:
            preferred_currency_set(user=user, code=session[core_currency.SESSION_KEY])
        except ValidationError:
            session.pop(core_currency.SESSION_KEY, None)
