"""The catalogue of offers: subscription plans and course bundles."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.currency import decimals_check
from courseworx.core.models import TimeStampedModel, UUIDModel

from .base import currency_field, money_field


class Plan(UUIDModel):
    """A subscription: every course, or a chosen set, for a monthly or annual price."""

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Annual")

    class Scope(models.TextChoices):
        ALL = "all", _("All courses")
        SELECTED = "selected", _("Selected courses")

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    interval = models.CharField(max_length=10, choices=Interval.choices, default=Interval.MONTH)
    price = money_field()
    currency = currency_field()
    trial_days = models.PositiveSmallIntegerField(default=0, help_text=_("Free days before the first charge."))
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ALL)
    courses = models.ManyToManyField("courses.Course", blank=True, related_name="plans")
    is_active = models.BooleanField(
        default=True, help_text=_("Inactive plans are not sold (existing subscribers keep them).")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "price"]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="plan_price_positive")]
        indexes = [models.Index(fields=["is_active", "order"], name="plan_active_order_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_interval_display().lower()})"

    def covers(self, course) -> bool:
        if self.scope == self.Scope.ALL:
            return True
        return self.courses.filter(pk=course.pk).exists()

    def clean(self) -> None:
        super().clean()
        if self.price is not None and self.currency:
            decimals_check(self.price, self.currency, field="price")

    def explicit_price(self, code: str | None) -> PlanPrice | None:
        """The plan's own price in `code`, None when it lists none (reads prefetched `prices`)."""
        if not code or code.upper() == self.currency:
            return None
        cache = getattr(self, "_prefetched_objects_cache", {})
        rows = cache["prices"] if "prices" in cache else self.prices.all()
        return next((row for row in rows if row.currency == code.upper()), None)


class PlanPrice(TimeStampedModel):
    """An explicit price of a plan in another currency: shown (not approximate) to visitors whose display
    currency it is, and charged in that currency at checkout and at each renewal of that subscription."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, help_text="ISO 4217 code of an active currency.")
    amount = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text="The price in this currency (at most the currency's decimals: JPY 0, USD 2, KWD 3).",
    )

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "currency"], name="planprice_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="planprice_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def clean(self) -> None:
        super().clean()
        self.currency = (self.currency or "").strip().upper()
        if self.plan_id and self.currency and self.currency == self.plan.currency:
            raise ValidationError(
                {"currency": ValidationError("This is the plan's own currency.", code="own_currency")}
            )
        if self.amount is not None and self.currency:
            decimals_check(self.amount, self.currency, field="amount")


class CourseBundle(UUIDModel):
    """Several courses sold together at one price."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    price = money_field()
    currency = currency_field()
    courses = models.ManyToManyField("courses.Course", through="BundleCourse", related_name="bundles")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="bundle_price_positive")]
        indexes = [models.Index(fields=["is_active", "name"], name="bundle_active_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.price is not None and self.currency:
            decimals_check(self.price, self.currency, field="price")


class BundleCourse(TimeStampedModel):
    bundle = models.ForeignKey(CourseBundle, on_delete=models.CASCADE, related_name="items")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["bundle", "course"], name="bundlecourse_unique")]

    def __str__(self) -> str:
        return f"{self.course_id} in {self.bundle_id}"
