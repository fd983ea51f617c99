"""Money in API answers: amounts as strings with exactly their currency's decimals.

Money columns hold 3 decimal places (KWD has 3), so a plain `DecimalField(decimal_places=3)` would answer
"49.000" for USD.  `MoneyOutputMixin` rewrites every money field of an answer with the decimals of the
row's currency (JPY "1500", USD "49.00", KWD "12.345"), through `courseworx.core.currency.round_amount`
(py-moneyed/Babel); fields listed in `base_amount_fields` use the base currency.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rest_framework import serializers

from courseworx.core import currency as core_currency


class MoneyOutputMixin:
    currency_source = "currency"  # the attribute (or answer key) naming the row's currency
    base_amount_fields: tuple[str, ...] = ()
    money_decimal_places = 3  # DecimalFields with these places are money

    def to_representation(self, instance):
        data = super().to_representation(instance)  # type: ignore[misc]
        code = data.get(self.currency_source) if isinstance(data, dict) else None
        if not code:
            code = instance
            for part in self.currency_source.split("."):
                code = code.get(part) if isinstance(code, dict) else getattr(code, part, None)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if not isinstance(field, serializers.DecimalField) or field.decimal_places != self.money_decimal_places:
                continue
            value = data.get(name)
            target = core_currency.base_currency() if name in self.base_amount_fields else code
            if value is None or not target:
                continue
            try:
                data[name] = str(core_currency.round_amount(Decimal(str(value)), str(target)))
            except (InvalidOperation, ValueError, TypeError):
                continue
        return data
