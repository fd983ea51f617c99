"""Currencies and exchange rates in the API: `/api/v1/currencies/` (read, anyone) and
`/api/v1/exchange-rates/` (read, anyone; POST a new rate: Finance).  Rates are never changed in place:
a POST adds a row valid from `valid_from` (now by default), through `services.exchange_rate_set`."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from courseworx.core import currency as core_currency

from .. import permissions, services
from ..currency import currency_table
from ..models import Currency, ExchangeRate

TAGS = ["billing: currencies"]


class CurrencyOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    symbol = serializers.CharField()
    decimals = serializers.IntegerField()
    rate = serializers.DecimalField(
        max_digits=20, decimal_places=10, allow_null=True, help_text="Units per one unit of the base currency, now."
    )
    is_base = serializers.BooleanField()


class ExchangeRateOutputSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="currency_id")

    class Meta:
        model = ExchangeRate
        fields = ("id", "currency", "rate", "source", "valid_from", "created_at")
        read_only_fields = fields


class ExchangeRateInputSerializer(serializers.Serializer):
    currency = serializers.CharField(max_length=3)
    rate = serializers.DecimalField(max_digits=20, decimal_places=10, min_value=Decimal("0.0000000001"))
    valid_from = serializers.DateTimeField(required=False)

    def validate_currency(self, value: str) -> Currency:
        code = core_currency.normalise_code(value)
        found = Currency.objects.filter(code=code, active=True).first() if code else None
        if found is None:
            raise serializers.ValidationError(_("Unknown or inactive currency code."), code="invalid_currency")
        if found.code == core_currency.base_currency():
            raise serializers.ValidationError(_("The base currency's rate is always 1."), code="base_currency")
        return found


class CurrencyListApi(APIView):
    """The active currencies with their decimals and today's rate against the base currency."""

    permission_classes = [drf_permissions.AllowAny]

    @extend_schema(tags=TAGS, responses=CurrencyOutputSerializer(many=True))
    def get(self, request):
        base = core_currency.base_currency()
        rows = [
            {"code": c.code, "name": c.name, "symbol": c.symbol, "decimals": c.decimals, "rate": c.rate,
             "is_base": c.code == base}
            for c in currency_table().values()
        ]  # fmt: skip
        return Response(CurrencyOutputSerializer(rows, many=True).data)


class ExchangeRateListApi(generics.GenericAPIView):
    """Rate history, newest first (`?currency=EUR`); POST adds a rate (Finance)."""

    permission_classes = [drf_permissions.AllowAny]
    serializer_class = ExchangeRateOutputSerializer

    def get_queryset(self):
        return ExchangeRate.objects.order_by("-valid_from", "currency_id")

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("currency", OpenApiTypes.STR, description="ISO 4217 code")],
        responses=ExchangeRateOutputSerializer(many=True),
    )
    def get(self, request):
        qs = self.get_queryset()
        raw = request.query_params.get("currency")
        if raw:
            code = core_currency.normalise_code(raw)
            if code is None:
                raise serializers.ValidationError({"currency": ["Not a currency code."]})
            qs = qs.filter(currency_id=code)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ExchangeRateOutputSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, request=ExchangeRateInputSerializer, responses={201: ExchangeRateOutputSerializer})
    def post(self, request):
        if not permissions.can_set_exchange_rates(request.user):
            raise PermissionDenied(_("Only Finance can set exchange rates."))
        data = ExchangeRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.exchange_rate_set(
            currency=data.validated_data["currency"],
            rate=data.validated_data["rate"],
            valid_from=data.validated_data.get("valid_from") or timezone.now(),
            actor=request.user,
        )
        return Response(ExchangeRateOutputSerializer(row).data, status=status.HTTP_201_CREATED)
