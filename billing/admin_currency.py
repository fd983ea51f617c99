"""Currencies and exchange rates in the admin (Finance: add/change/view through the group permissions of
migration 0005).  A rate is never edited in place: saving a changed rate adds a new row from now (or the
chosen moment), so payments keep the rate of their day; every manual rate goes through
`services.exchange_rate_set` (validated > 0, audited)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Currency, ExchangeRate


class ExchangeRateInline(admin.TabularInline):
    model = ExchangeRate
    fields = ("valid_from", "rate", "source", "source_detail", "created_by")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-valid_from",)
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "symbol", "decimals", "active")
    list_filter = ("active",)
    list_editable = ("active",)
    search_fields = ("code", "name")
    inlines = [ExchangeRateInline]

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # prices and payments name currencies: deactivate instead


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ("currency", "rate", "valid_from")

    def clean_rate(self):
        rate = self.cleaned_data["rate"]
        if rate is None or rate <= 0:
            raise forms.ValidationError(_("The rate must be greater than 0."))
        return rate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateForm
    list_display = ("currency", "rate", "valid_from", "source", "created_by")
    list_filter = ("source", "currency")
    date_hierarchy = "valid_from"
    list_select_related = ("currency", "created_by")
    autocomplete_fields = ("currency",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "valid_from" in form.base_fields:
            form.base_fields["valid_from"].initial = timezone.now
        return form

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # history is kept

    def save_model(self, request, obj, form, change):
        saved = services.exchange_rate_set(
            currency=obj.currency, rate=obj.rate, valid_from=obj.valid_from, actor=request.user
        )
        obj.pk = saved.pk
