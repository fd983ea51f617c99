"""Seed the common currencies (decimals from Babel's CLDR data through py-moneyed), give Finance the rights
to edit currencies and rates, and fill the base-currency amounts of existing payments and earnings (before
multi-currency every payment was taken at rate 1 in its own currency)."""

from babel.numbers import get_currency_name, get_currency_precision, get_currency_symbol
from django.db import migrations
from django.db.models import F

from accounts import roles

SEED = ["USD", "EUR", "GBP", "JPY", "KWD", "CAD", "AUD", "CHF", "INR", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN",
        "ZAR", "EGP", "SAR", "AED", "CNY", "SGD", "NZD"]  # fmt: skip
FINANCE = [f"billing.{op}_{model}" for model in ("currency", "exchangerate") for op in ("add", "change", "view")]


def seed(apps, schema_editor):
    Currency = apps.get_model("billing", "Currency")
    for code in SEED:
        Currency.objects.get_or_create(
            code=code,
            defaults={
                "name": get_currency_name(code, locale="en"),
                "symbol": get_currency_symbol(code, locale="en"),
                "decimals": int(get_currency_precision(code)),
            },
        )
    roles.grant_permissions(apps, roles.FINANCE, FINANCE)
    Payment = apps.get_model("billing", "Payment")
    Payment.objects.filter(amount_base=0).update(amount_base=F("amount"), base_currency=F("currency"))
    EarningEntry = apps.get_model("billing", "EarningEntry")
    EarningEntry.objects.filter(amount_base=0).update(amount_base=F("amount"))


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_currencies_rates_base_amounts"), ("accounts", "0002_staff_groups")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
