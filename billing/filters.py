"""FilterSets shared by the billing API (and the admin's list filters use the same fields)."""

import django_filters

from courseworx.core.filters import IsoDateTimeFilter

from .models import Payment, RefundRequest, Subscription


class PaymentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Payment.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Payment.Kind.choices)
    # The core filter: offsets within ±14:00, converted to UTC (PostgreSQL refuses offsets past ±15:59).
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Payment
        fields = ["status", "kind", "created_after", "created_before"]


class FinancePaymentFilter(PaymentFilter):
    user = django_filters.UUIDFilter(field_name="user_id")
    email = django_filters.CharFilter(field_name="user__email", lookup_expr="iexact")
    course = django_filters.UUIDFilter(field_name="course_id")

    class Meta(PaymentFilter.Meta):
        fields = [*PaymentFilter.Meta.fields, "user", "email", "course"]


class RefundRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RefundRequest.Status.choices)

    class Meta:
        model = RefundRequest
        fields = ["status"]


class SubscriptionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Subscription.Status.choices)

    class Meta:
        model = Subscription
        fields = ["status"]
