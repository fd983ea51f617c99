"""Marketing: campaigns and their attributions, coupons and their redemptions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courseworx.core.currency import decimals_check
from courseworx.core.models import TimeStampedModel, UUIDModel

from .base import MONEY, currency_field, money_field
from .catalogue import CourseBundle, Plan


class MarketingCampaign(UUIDModel):
    """A campaign is recognised by a code (`?campaign=CODE`) or a UTM source (`?utm_source=...`)."""

    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=40, unique=True)
    utm_source = models.CharField(max_length=60, blank=True, db_index=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    budget = money_field(help_text=_("Spend on the campaign (for the return-on-spend figure)."))
    currency = currency_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_active
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or now < self.ends_at)
        )


class CampaignEnrollment(TimeStampedModel):
    """An attribution: a payment (and its buyer) that came through a campaign."""

    campaign = models.ForeignKey(MarketingCampaign, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    payment = models.OneToOneField("Payment", on_delete=models.CASCADE, related_name="campaign_enrollment")
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revenue = money_field()
    currency = currency_field()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="campaign_enrollment_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.payment_id}"


class Coupon(UUIDModel):
    """A discount code.  `uses` counts reserved and applied redemptions; it only changes through a
    conditional UPDATE (`uses < max_uses`), so parallel checkouts cannot exceed the limit."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage")
        FIXED = "fixed", _("Fixed amount")

    code = models.CharField(max_length=40, unique=True, help_text=_("Stored upper-case; buyers type it in any case."))
    description = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(**MONEY, help_text=_("Percent (1–100) or an amount in the coupon's currency."))
    currency = currency_field()
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text=_("Empty: unlimited."))
    max_uses_per_user = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    uses = models.PositiveIntegerField(default=0, editable=False)
    courses = models.ManyToManyField("courses.Course", blank=True, related_name="coupons")
    bundles = models.ManyToManyField(CourseBundle, blank=True, related_name="coupons")
    plans = models.ManyToManyField(Plan, blank=True, related_name="coupons")
    campaign = models.ForeignKey(
        MarketingCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="coupons"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="coupon_value_positive"),
            models.CheckConstraint(condition=~Q(kind="percent") | Q(value__lte=100), name="coupon_percent_max_100"),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")), name="coupon_uses_within_limit"
            ),
        ]
        indexes = [models.Index(fields=["is_active", "ends_at"], name="coupon_active_idx")]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        self.code = (self.code or "").strip().upper()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must be after the start."})
        if self.kind == self.Kind.PERCENT and self.value is not None and self.value > 100:
            raise ValidationError({"value": "A percentage cannot exceed 100."})
        if self.kind == self.Kind.FIXED and self.value is not None and self.currency:
            decimals_check(self.value, self.currency, field="value")

    @property
    def uses_left(self) -> int | None:
        return None if self.max_uses is None else max(0, self.max_uses - self.uses)


class CouponRedemption(TimeStampedModel):
    """One use of a coupon by one payment: reserved at checkout, applied on success, released when the
    payment fails or is abandoned, reversed by a refund."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("Reserved")
        APPLIED = "applied", _("Applied")
        RELEASED = "released", _("Released")
        REVERSED = "reversed", _("Reversed by a refund")

    HOLDING = (Status.RESERVED, Status.APPLIED)

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coupon_redemptions")
    payment = models.OneToOneField("Payment", on_delete=models.CASCADE, related_name="coupon_redemption")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RESERVED)
    discount = money_field()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["coupon", "user", "status"], name="redemption_coupon_user_idx")]

    def __str__(self) -> str:
        return f"{self.coupon_id} for {self.payment_id} ({self.status})"
