"""Money: the catalogue of offers, checkouts and payments, webhooks, subscriptions, coupons,
campaigns, referrals and credit, refunds, licensing and instructor revenue, employer partners.

Every amount is `DecimalField(max_digits=10, decimal_places=2)` plus a currency code.  State changes
go through billing.services (see README.md); models hold data and invariants.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from courseworx.core.models import TimeStampedModel, UUIDModel
from courseworx.core.storage import RandomFileName, private_storage

MONEY = {"max_digits": 10, "decimal_places": 2}
ZERO = Decimal("0.00")


def money_field(**kwargs) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(**MONEY, **kwargs)


def currency_field(**kwargs) -> models.CharField:
    return models.CharField(max_length=3, default="USD", **kwargs)


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- Catalogue -------------------------------------------------------------------------------------


class Plan(UUIDModel):
    """A subscription: every course, or a chosen set, for a monthly or annual price."""

    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Annual"

    class Scope(models.TextChoices):
        ALL = "all", "All courses"
        SELECTED = "selected", "Selected courses"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    interval = models.CharField(max_length=10, choices=Interval.choices, default=Interval.MONTH)
    price = money_field()
    currency = currency_field()
    trial_days = models.PositiveSmallIntegerField(default=0, help_text="Free days before the first charge.")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ALL)
    courses = models.ManyToManyField("courses.Course", blank=True, related_name="plans")
    is_active = models.BooleanField(
        default=True, help_text="Inactive plans are not sold (existing subscribers keep them)."
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


class BundleCourse(TimeStampedModel):
    bundle = models.ForeignKey(CourseBundle, on_delete=models.CASCADE, related_name="items")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["bundle", "course"], name="bundlecourse_unique")]

    def __str__(self) -> str:
        return f"{self.course_id} in {self.bundle_id}"


class MarketingCampaign(UUIDModel):
    """A campaign is recognised by a code (`?campaign=CODE`) or a UTM source (`?utm_source=...`)."""

    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=40, unique=True)
    utm_source = models.CharField(max_length=60, blank=True, db_index=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    budget = money_field(help_text="Spend on the campaign (for the return-on-spend figure).")
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
        PERCENT = "percent", "Percentage"
        FIXED = "fixed", "Fixed amount"

    code = models.CharField(max_length=40, unique=True, help_text="Stored upper-case; buyers type it in any case.")
    description = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(**MONEY, help_text="Percent (1–100) or an amount in the coupon's currency.")
    currency = currency_field()
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
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

    @property
    def uses_left(self) -> int | None:
        return None if self.max_uses is None else max(0, self.max_uses - self.uses)


class CouponRedemption(TimeStampedModel):
    """One use of a coupon by one payment: reserved at checkout, applied on success, released when the
    payment fails or is abandoned, reversed by a refund."""

    class Status(models.TextChoices):
        RESERVED = "reserved", "Reserved"
        APPLIED = "applied", "Applied"
        RELEASED = "released", "Released"
        REVERSED = "reversed", "Reversed by a refund"

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


class ReferralCode(TimeStampedModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_code")
    code = models.CharField(max_length=16, unique=True)

    def __str__(self) -> str:
        return self.code


class Referral(TimeStampedModel):
    """A referred user (once) and the referrer's reward, credited when their first payment succeeds."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a first payment"
        CREDITED = "credited", "Credited"
        REVERSED = "reversed", "Reversed (refund)"

    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made")
    referred = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    payment = models.OneToOneField(
        "Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="referral_reward"
    )
    reward = money_field()
    currency = currency_field()
    credited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(referrer=F("referred")), name="referral_not_self")]
        indexes = [models.Index(fields=["referrer", "status"], name="referral_referrer_idx")]

    def __str__(self) -> str:
        return f"{self.referrer_id} -> {self.referred_id}"


class CreditAccount(TimeStampedModel):
    """A user's checkout credit.  `balance` only moves through conditional UPDATEs (never below 0);
    every move is a CreditEntry row, so balance == sum(entries)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_account")
    balance = money_field()
    currency = currency_field()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_not_negative")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance} {self.currency}"


class CreditEntry(TimeStampedModel):
    class Kind(models.TextChoices):
        REFERRAL = "referral", "Referral reward"
        REFERRAL_REVERSED = "referral_reversed", "Referral reward reversed"
        SPENT = "spent", "Used at checkout"
        RELEASED = "released", "Returned (payment not completed)"
        REFUNDED = "refunded", "Returned by a refund"
        ADJUSTMENT = "adjustment", "Adjustment by staff"

    account = models.ForeignKey(CreditAccount, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(**MONEY, help_text="Positive adds credit, negative uses it.")
    payment = models.ForeignKey("Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "-created_at"], name="creditentry_account_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


# --- Payments ----------------------------------------------------------------------------------------


class PaymentQuerySet(models.QuerySet):
    def succeeded(self):
        """Money received (including partly or fully refunded payments)."""
        return self.filter(status__in=Payment.PAID_STATUSES)


class Payment(UUIDModel):
    """One checkout (or one renewal) of one product.  The breakdown is stored: subtotal - discount
    - credit + tax = amount.  Status: pending -> succeeded | failed; succeeded -> partially_refunded
    -> refunded."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"

    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        BUNDLE = "bundle", "Bundle"
        PLAN = "plan", "Subscription"
        RENEWAL = "renewal", "Subscription renewal"

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
    amount = money_field(help_text="What the buyer pays: subtotal - discount - credit + tax.")
    amount_refunded = money_field()
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    campaign = models.ForeignKey(
        MarketingCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    provider = models.CharField(max_length=20, default="sandbox")
    provider_reference = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, help_text="One checkout form = one payment.")
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
    replayed delivery cannot be processed twice (see services.webhook_process)."""

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


# --- Subscriptions -------------------------------------------------------------------------------------


class SubscriptionQuerySet(models.QuerySet):
    def live(self):
        """Subscriptions that give access (past_due is inside its grace period)."""
        return self.filter(status__in=Subscription.LIVE_STATUSES)


class Subscription(UUIDModel):
    class Status(models.TextChoices):
        TRIALING = "trialing", "Trial"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Payment overdue"
        CANCELED = "canceled", "Canceled"
        EXPIRED = "expired", "Expired"

    LIVE_STATUSES = (Status.TRIALING, Status.ACTIVE, Status.PAST_DUE)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
    canceled_at = models.DateTimeField(null=True, blank=True)
    grace_until = models.DateTimeField(null=True, blank=True, help_text="Past due: access ends after this.")
    ended_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=20, default="sandbox")
    provider_reference = models.CharField(max_length=100, blank=True)
    renewal_attempts = models.PositiveSmallIntegerField(default=0)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "plan"],
                condition=Q(status__in=["trialing", "active", "past_due"]),
                name="subscription_one_live_per_plan",
            ),
            models.CheckConstraint(
                condition=Q(current_period_end__gt=F("current_period_start")), name="subscription_period_order"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "current_period_end"], name="subscription_due_idx"),
            models.Index(fields=["status", "grace_until"], name="subscription_grace_idx"),
            models.Index(fields=["user", "status"], name="subscription_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} for {self.user_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


# --- Refunds -------------------------------------------------------------------------------------------


class RefundRequest(UUIDModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for Finance"
        REJECTED = "rejected", "Rejected"
        REFUNDED = "refunded", "Refunded"
        FAILED = "failed", "Refund failed at the provider"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refund_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="refund_requests")
    reason = models.TextField(max_length=2000)
    amount_requested = models.DecimalField(**MONEY, null=True, blank=True, help_text="Empty: the full amount.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    amount_refunded = money_field()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["payment"], condition=Q(status="pending"), name="refund_one_pending"),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="refund_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="refund_status_idx"),
            models.Index(fields=["user", "-created_at"], name="refund_user_idx"),
        ]
        permissions = [("decide_refundrequest", "Can approve or reject refund requests")]

    def __str__(self) -> str:
        return f"Refund of {self.payment_id} ({self.status})"


class RefundEvent(TimeStampedModel):
    """The log of a refund request: requested, approved, refunded at the provider, enrolment
    dropped, coupon and referral reversed, rejected, failed."""

    refund_request = models.ForeignKey(RefundRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} ({self.refund_request_id})"


# --- Employer partners, licensing, revenue -----------------------------------------------------------


class EmployerPartner(UUIDModel):
    name = models.CharField(max_length=150, unique=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    email_domain = models.CharField(max_length=100, blank=True, help_text="e.g. acme.com (informational).")
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="employer_partners")
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmployerRequest(UUIDModel):
    class Kind(models.TextChoices):
        SEATS = "seats", "Seat purchase"
        CUSTOM_TRAINING = "custom_training", "Custom training"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        FULFILLED = "fulfilled", "Fulfilled"
        REJECTED = "rejected", "Rejected"

    partner = models.ForeignKey(EmployerPartner, on_delete=models.CASCADE, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    staff_note = models.TextField(blank=True)
    licence = models.OneToOneField(
        "ContentLicensing", null=True, blank=True, on_delete=models.SET_NULL, related_name="employer_request"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="seats") | (Q(course__isnull=False) & Q(seats__gt=0)),
                name="employer_seats_need_course",
            )
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="employer_request_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.partner}"


class ContentLicensing(UUIDModel):
    """Either the instructor's revenue share of a course (no partner), or a licence of the course to
    an employer partner with a number of seats and a term."""

    class Kind(models.TextChoices):
        REVENUE_SHARE = "revenue_share", "Instructor revenue share"
        EMPLOYER = "employer", "Employer licence"

    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="licences")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REVENUE_SHARE)
    revenue_share_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("70.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The instructor's share of the course's net revenue.",
    )
    partner = models.ForeignKey(
        EmployerPartner, null=True, blank=True, on_delete=models.PROTECT, related_name="licences"
    )
    seats = models.PositiveIntegerField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    fee = money_field(help_text="What the partner pays for the licence.")
    currency = currency_field()

    class Meta:
        ordering = ["course__title", "kind"]
        verbose_name = "content licensing"
        verbose_name_plural = "content licensing"
        constraints = [
            models.UniqueConstraint(fields=["course"], condition=Q(kind="revenue_share"), name="licensing_one_share"),
            models.CheckConstraint(
                condition=Q(revenue_share_percent__gte=0) & Q(revenue_share_percent__lte=100),
                name="licensing_share_0_100",
            ),
            models.CheckConstraint(
                condition=Q(kind="revenue_share")
                | (Q(partner__isnull=False) & Q(seats__gt=0) & Q(starts_on__isnull=False) & Q(ends_on__isnull=False)),
                name="licensing_employer_complete",
            ),
        ]
        indexes = [models.Index(fields=["partner", "ends_on"], name="licensing_partner_idx")]

    def __str__(self) -> str:
        if self.kind == self.Kind.EMPLOYER:
            return f"{self.course} for {self.partner} ({self.seats} seats)"
        return f"{self.course}: {self.revenue_share_percent}% to the instructor"

    def clean(self) -> None:
        if self.kind == self.Kind.EMPLOYER:
            errors = {}
            if not self.partner_id:
                errors["partner"] = "An employer licence needs a partner."
            if not self.seats:
                errors["seats"] = "Give the number of seats."
            if not (self.starts_on and self.ends_on):
                errors["ends_on"] = "Give the licence term."
            elif self.ends_on < self.starts_on:
                errors["ends_on"] = "The term ends before it starts."
            if errors:
                raise ValidationError(errors)

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(self.starts_on and self.ends_on and self.starts_on <= today <= self.ends_on)


class SeatAssignment(UUIDModel):
    """A seat of an employer licence given to an employee's e-mail: enrols an existing user at once,
    otherwise waits for them to accept the invitation (token link) after signing up."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ENROLLED = "enrolled", "Enrolled"
        REVOKED = "revoked", "Revoked"

    licence = models.ForeignKey(ContentLicensing, on_delete=models.CASCADE, related_name="seat_assignments")
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["licence", "email"], name="seat_licence_email_unique")]
        indexes = [models.Index(fields=["email", "status"], name="seat_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"


class EarningEntry(TimeStampedModel):
    """The instructor earnings ledger: one row per (payment, course) on success, a negative row per
    refund.  Balances and reports are SQL aggregates over this table."""

    class Kind(models.TextChoices):
        SALE = "sale", "Sale"
        REFUND = "refund", "Refund"

    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="earnings")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="earnings")
    refund_request = models.ForeignKey(
        RefundRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="earnings"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    gross = models.DecimalField(**MONEY, help_text="The course's part of the payment's net revenue.")
    share_percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(**MONEY, help_text="The instructor's part (negative for refunds).")
    currency = currency_field()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "course"], condition=Q(kind="sale"), name="earning_one_sale_per_course"
            ),
            models.UniqueConstraint(
                fields=["refund_request", "course"], condition=Q(kind="refund"), name="earning_one_refund_per_course"
            ),
        ]
        indexes = [
            models.Index(fields=["instructor", "-created_at"], name="earning_instructor_idx"),
            models.Index(fields=["course", "kind"], name="earning_course_idx"),
        ]
        permissions = [("view_all_earnings", "Can see every instructor's earnings and payouts (Finance)")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} for {self.instructor_id}"


class Payout(UUIDModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Scheduled"
        PAID = "paid", "Paid"

    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(**MONEY)
    currency = currency_field()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PAID)
    reference = models.CharField(max_length=100, blank=True, help_text="Bank transfer reference.")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]
        indexes = [models.Index(fields=["instructor", "-created_at"], name="payout_instructor_idx")]
        permissions = [("manage_payout", "Can record instructor payouts")]

    def __str__(self) -> str:
        return f"Payout {self.amount} {self.currency} to {self.instructor_id}"
