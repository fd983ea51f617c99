"""Currencies and exchange rates (with history).

A rate is "units of the currency per one unit of the base currency" (`BILLING_CURRENCY`), valid from a
moment until the next row of the same currency; rows are never overwritten by a later rate, so a payment
made last month still finds the rate of its day.  Finance edits them in the admin; the
`billing.exchange_rates_import` task adds them from `BILLING_EXCHANGE_RATES_SOURCE`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.currency import active_currencies_changed
from courseworx.core.models import TimeStampedModel

ISO_CODE = RegexValidator(r"^[A-Z]{3}$", "Three capital letters (ISO 4217), e.g. EUR.")


class Currency(TimeStampedModel):
    code = models.CharField(max_length=3, primary_key=True, validators=[ISO_CODE], help_text=_("ISO 4217, e.g. EUR."))
    name = models.CharField(max_length=60)
    symbol = models.CharField(max_length=8, blank=True)
    decimals = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(4)], help_text=_("Minor units: JPY 0, USD 2, KWD 3.")
    )
    active = models.BooleanField(default=True, help_text=_("Offered for prices and as a display currency."))

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "currencies"
        constraints = [models.CheckConstraint(condition=Q(decimals__lte=4), name="currency_decimals_at_most_4")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        active_currencies_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        active_currencies_changed()
        return result


class ExchangeRate(TimeStampedModel):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by Finance")
        IMPORT = "import", _("Imported")
        DEMO = "demo", _("Demo data")

    currency = models.ForeignKey(Currency, on_delete=models.CASCADE, related_name="rates")
    rate = models.DecimalField(
        max_digits=20,
        decimal_places=10,
        validators=[MinValueValidator(0.0000000001), MaxValueValidator(10**9)],
        help_text=_("Units of this currency for one unit of the base currency."),
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    source_detail = models.CharField(max_length=200, blank=True, help_text=_("The file or URL of an import."))
    valid_from = models.DateTimeField(help_text=_("The rate applies from this moment until the next rate."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["currency_id", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.UniqueConstraint(fields=["currency", "valid_from"], name="exchange_rate_unique_moment"),
        ]
        indexes = [models.Index(fields=["currency", "-valid_from"], name="exchange_rate_valid_idx")]

    def __str__(self) -> str:
        return f"1 base = {self.rate} {self.currency_id} from {self.valid_from:%Y-%m-%d %H:%M}"
