"""Input and output serializers, one pair per endpoint.  Money is serialised as strings (DRF's
DecimalField), never floats."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from rest_framework import serializers

from billing.models import (
    ContentLicensing,
    CourseBundle,
    EmployerRequest,
    Payment,
    Payout,
    Plan,
    RefundRequest,
    SeatAssignment,
    Subscription,
)
from courseworx.core import currency as core_currency
from courseworx.core.api.money import MoneyOutputMixin

# Amounts in a row's own currency: 3 places in the schema, answered with the currency's decimals
# (MoneyOutputMixin: JPY "1500", USD "49.00", KWD "12.345").  BASE_MONEY: sums in the base currency.
MONEY = {"max_digits": 15, "decimal_places": 3}
BASE_MONEY = {"max_digits": 15, "decimal_places": 2}


class _CourseRefOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class PlanOutputSerializer(MoneyOutputMixin, serializers.ModelSerializer):
    courses = _CourseRefOutputSerializer(many=True)

    class Meta:
        model = Plan
        fields = (
            "id",
            "slug",
            "name",
            "description",
            "interval",
            "price",
            "currency",
            "trial_days",
            "scope",
            "courses",
        )
        read_only_fields = fields


class BundleOutputSerializer(MoneyOutputMixin, serializers.ModelSerializer):
    courses = _CourseRefOutputSerializer(many=True)
    list_total = serializers.DecimalField(**MONEY)

    class Meta:
        model = CourseBundle
        fields = ("id", "slug", "name", "description", "price", "currency", "list_total", "courses")
        read_only_fields = fields


class CheckoutQuoteInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["course", "bundle", "plan"])
    product = serializers.SlugField(help_text="The course, bundle or plan slug.")
    coupon_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    currency = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        default="",
        help_text="Pay in this currency when the course or plan lists an explicit price in it (else its own "
        "price and currency); empty: the display currency (?display_currency=, X-Display-Currency, the session).",
    )
    use_credit = serializers.BooleanField(required=False, default=False)

    def validate_currency(self, value: str) -> str:
        if not value:
            return ""
        code = core_currency.normalise_code(value)
        if code is None or code not in dict(core_currency.active_currencies()):
            raise serializers.ValidationError("Unknown or inactive currency code.", code="invalid_currency")
        return code


class CheckoutQuoteOutputSerializer(MoneyOutputMixin, serializers.Serializer):
    description = serializers.CharField()
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(**MONEY)
    discount = serializers.DecimalField(**MONEY)
    taxable = serializers.DecimalField(**MONEY)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    tax = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    coupon = serializers.CharField(source="coupon.code", allow_null=True, default=None)
    coupon_error = serializers.CharField(allow_blank=True)
    credit_available = serializers.DecimalField(**MONEY)


class _TextUUIDField(serializers.UUIDField):
    """A UUID sent as text only: DRF's UUIDField reads a number (and so `false`, `true`) as UUID(int=...),
    which then answered 404 for a wrongly typed field instead of a 400 naming it (issue 19 §5)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class CheckoutInputSerializer(CheckoutQuoteInputSerializer):
    idempotency_key = serializers.CharField(max_length=64, help_text="One per checkout attempt (e.g. a UUID).")
    subscription = _TextUUIDField(
        required=False, allow_null=True, default=None, help_text="Restart this ended subscription (plans only)."
    )


class PaymentOutputSerializer(MoneyOutputMixin, serializers.ModelSerializer):
    course = _CourseRefOutputSerializer(allow_null=True)
    coupon = serializers.CharField(source="coupon.code", allow_null=True, default=None)
    receipt_url = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = (
            "id",
            "kind",
            "description",
            "status",
            "currency",
            "subtotal",
            "discount",
            "credit_applied",
            "tax_rate",
            "tax",
            "amount",
            "amount_refunded",
            "coupon",
            "course",
            "bundle",
            "plan",
            "subscription",
            "provider",
            "provider_reference",
            "receipt_number",
            "receipt_url",
            "created_at",
            "succeeded_at",
            "failed_at",
            "failure_reason",
            "refunded_at",
        )
        read_only_fields = fields

    def get_receipt_url(self, obj) -> str | None:
        return reverse("billing:receipt", args=[obj.pk]) if obj.receipt_pdf else None


class FinancePaymentOutputSerializer(PaymentOutputSerializer):
    base_amount_fields = ("amount_base",)
    user = serializers.EmailField(source="user.email")

    class Meta(PaymentOutputSerializer.Meta):
        fields = (
            "user", *PaymentOutputSerializer.Meta.fields, "base_currency", "exchange_rate", "amount_base",
            "idempotency_key",
        )  # fmt: skip
        read_only_fields = fields


class CheckoutOutputSerializer(serializers.Serializer):
    payment = PaymentOutputSerializer()
    redirect_url = serializers.CharField()


class RefundRequestInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True, min_value=Decimal("0.001")
    )


class RefundEligibilityOutputSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    max_amount = serializers.DecimalField(**BASE_MONEY)


class RefundRequestOutputSerializer(MoneyOutputMixin, serializers.ModelSerializer):
    currency_source = "payment.currency"
    payment = serializers.UUIDField(source="payment_id")

    class Meta:
        model = RefundRequest
        fields = (
            "id",
            "payment",
            "reason",
            "amount_requested",
            "status",
            "amount_refunded",
            "decided_at",
            "decision_note",
            "created_at",
        )
        read_only_fields = fields


class FinanceRefundRequestOutputSerializer(RefundRequestOutputSerializer):
    user = serializers.EmailField(source="user.email")
    payment_amount = serializers.DecimalField(source="payment.amount", **MONEY)
    provider_reference = serializers.CharField()

    class Meta(RefundRequestOutputSerializer.Meta):
        fields = ("user", "payment_amount", "provider_reference", *RefundRequestOutputSerializer.Meta.fields)
        read_only_fields = fields


class RefundDecisionInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True, min_value=Decimal("0.00")
    )
    drop_enrolment = serializers.BooleanField(required=False, allow_null=True, default=None)


class BillingSubscriptionOutputSerializer(serializers.ModelSerializer):
    plan = serializers.SlugField(source="plan.slug")
    plan_name = serializers.CharField(source="plan.name")

    class Meta:
        model = Subscription
        fields = (
            "id",
            "plan",
            "plan_name",
            "status",
            "current_period_start",
            "current_period_end",
            "cancel_at_period_end",
            "canceled_at",
            "grace_until",
            "ended_at",
        )
        read_only_fields = fields


class CreditBalanceOutputSerializer(MoneyOutputMixin, serializers.Serializer):
    currency = serializers.CharField()
    balance = serializers.DecimalField(**MONEY)


class CreditOutputSerializer(MoneyOutputMixin, serializers.Serializer):
    balance = serializers.DecimalField(**MONEY, help_text="In the base currency (`currency`).")
    currency = serializers.CharField()
    balances = CreditBalanceOutputSerializer(many=True, help_text="Every currency you hold credit in.")
    referral_code = serializers.CharField()


class EarningsSummaryOutputSerializer(serializers.Serializer):
    sales = serializers.DecimalField(**BASE_MONEY)
    refunds = serializers.DecimalField(**BASE_MONEY)
    gross = serializers.DecimalField(**BASE_MONEY)
    earned = serializers.DecimalField(**BASE_MONEY)
    paid_out = serializers.DecimalField(**BASE_MONEY)
    balance = serializers.DecimalField(**BASE_MONEY)


class EarningsCourseOutputSerializer(serializers.Serializer):
    course_id = serializers.UUIDField()
    course__title = serializers.CharField()
    sales_count = serializers.IntegerField()
    gross = serializers.DecimalField(**BASE_MONEY)
    refunds = serializers.DecimalField(**BASE_MONEY)
    earned = serializers.DecimalField(**BASE_MONEY)


class EarningsOutputSerializer(serializers.Serializer):
    summary = EarningsSummaryOutputSerializer()
    by_course = EarningsCourseOutputSerializer(many=True)


class PayoutBalanceOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    name = serializers.CharField(source="get_full_name")
    sales = serializers.DecimalField(**BASE_MONEY)
    earned = serializers.DecimalField(**BASE_MONEY)
    paid_out = serializers.DecimalField(**BASE_MONEY)
    balance = serializers.DecimalField(**BASE_MONEY)


class PayoutInputSerializer(serializers.Serializer):
    instructor = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PayoutOutputSerializer(MoneyOutputMixin, serializers.ModelSerializer):
    instructor = serializers.UUIDField(source="instructor_id")

    class Meta:
        model = Payout
        fields = ("id", "instructor", "amount", "currency", "status", "reference", "note", "paid_at")
        read_only_fields = fields


class LicenceOutputSerializer(serializers.ModelSerializer):
    course = _CourseRefOutputSerializer()
    partner = serializers.CharField(source="partner.name")
    seats_used = serializers.IntegerField()

    class Meta:
        model = ContentLicensing
        fields = ("id", "course", "partner", "seats", "seats_used", "starts_on", "ends_on")
        read_only_fields = fields


class SeatAssignInputSerializer(serializers.Serializer):
    email = serializers.EmailField()


class SeatOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = SeatAssignment
        fields = ("id", "email", "status", "enrolled_at", "created_at")
        read_only_fields = fields


class EmployerRequestInputSerializer(serializers.Serializer):
    partner = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=EmployerRequest.Kind.choices)
    course = serializers.UUIDField(required=False, allow_null=True, default=None)
    seats = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class EmployerRequestOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmployerRequest
        fields = ("id", "partner", "kind", "course", "seats", "message", "status", "staff_note", "created_at")
        read_only_fields = fields
