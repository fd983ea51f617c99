"""Payments (one checkout or renewal of one product) and the webhook deliveries about them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel, UUIDModel
from courseworx.core.storage import RandomFileName, private_storage

from .base import ZERO, currency_field, money_field
from .catalogue import CourseBundle, Plan
from .marketing import Coupon, MarketingCampaign


class PaymentQuerySet(models.QuerySet):
    def succeeded(self):
        """Money received (including partly or fully refunded payments)."""
        return self.filter(status__in=Payment.PAID_STATUSES)


class Payment(UUIDModel):
    """One checkout (or one renewal) of one product.  The breakdown is stored: subtotal - discount
    - credit + tax = amount.  Status: pending -> succeeded | failed; succeeded -> partially_refunded
    -> refunded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")

    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        BUNDLE = "bundle", _("Bundle")
        PLAN = "plan", _("Subscription")
        RENEWAL = "renewal", _("Subscription renewal")

    PAID_STATUSES = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED)
    REFUNDABLE_STATUSES = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    bundle = models.ForeignKey(CourseBundle, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    subscription = models.ForeignKey(
        "Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    currency = currency_field()
    subtotal = money_field()
    discount = money_field()
    credit_applied = money_field()
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    tax = money_field()
    amount = money_field(help_text=_("What the buyer pays: subtotal - discount - credit + tax."))
    amount_refunded = money_field()
    base_currency = currency_field(help_text=_("The site's base currency when the payment was made."))
    exchange_rate = models.DecimalField(
        max_digits=20,
        decimal_places=10,
        default=Decimal(1),
        help_text=_("Units of the base currency for one unit of the payment's currency, on the payment's day."),
    )
    amount_base = money_field(help_text=_("`amount` in the base currency at `exchange_rate` (what revenue sums)."))
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    campaign = models.ForeignKey(
        MarketingCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    provider = models.CharField(max_length=20, default="sandbox")
    provider_reference = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, help_text=_("One checkout form = one payment."))
    succeeded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    receipt_number = models.CharField(max_length=24, null=True, blank=True, unique=True)
    receipt_pdf = models.FileField(upload_to=RandomFileName("receipts"), storage=private_storage, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount")),
                name="payment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=(Q(kind="course") & Q(course__isnull=False))
                | (Q(kind="bundle") & Q(bundle__isnull=False))
                | (Q(kind__in=["plan", "renewal"]) & Q(plan__isnull=False)),
                name="payment_product_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="payment_user_recent_idx"),
            models.Index(fields=["status", "-created_at"], name="payment_status_idx"),
            models.Index(fields=["course", "status"], name="payment_course_status_idx"),
            models.Index(fields=["kind", "status"], name="payment_kind_status_idx"),
        ]
        permissions = [("view_all_payments", "Can see every payment (Finance)")]

    def __str__(self) -> str:
        return f"{self.description} — {self.amount} {self.currency} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("billing:payment_detail", kwargs={"payment_id": self.pk})

    @property
    def is_paid(self) -> bool:
        return self.status in self.PAID_STATUSES

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.amount_refunded

    @property
    def net_amount(self) -> Decimal:
        """Revenue before tax and credit (shared with instructors)."""
        return self.subtotal - self.discount


class WebhookEvent(TimeStampedModel):
    """Every webhook delivery, verified or not.  A verified event id is unique per provider, so a
    replayed delivery cannot be processed twice (see billing.services.webhooks.webhook_process)."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=60, blank=True)
    payload = models.JSONField(default=dict)
    signature_valid = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_events"
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], condition=Q(signature_valid=True), name="webhook_event_unique"
            )
        ]
        indexes = [models.Index(fields=["provider", "signature_valid", "-created_at"], name="webhook_provider_idx")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id} {self.event_type}"
