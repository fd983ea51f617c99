"""Billing in the admin: Finance edits the catalogue of offers and decides refund requests (with a
required note, on an intermediate page); money rows (payments, webhooks, ledger) are read-only and
change only through billing.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from courseworx.core.admin import PrivateFileAdminMixin, ReadOnlyAdmin, ReadOnlyInline
from courseworx.core.currency import currency_choices
from courseworx.core.forms import add_service_errors

from . import conf, permissions, services
from .forms import RefundDecisionForm
from .models import (
    BundleCourse,
    CampaignEnrollment,
    ContentLicensing,
    Coupon,
    CouponRedemption,
    CourseBundle,
    CreditAccount,
    CreditEntry,
    EarningEntry,
    EmployerPartner,
    EmployerRequest,
    MarketingCampaign,
    Payment,
    Payout,
    Plan,
    PlanPrice,
    Referral,
    RefundEvent,
    RefundRequest,
    SeatAssignment,
    Subscription,
    WebhookEvent,
)

# --- Catalogue ------------------------------------------------------------------------------------


def _currency_form_field(current: str) -> forms.ChoiceField:
    """The price-currency choice shared with courses: the active Currency rows (plus the stored value)."""
    choices = dict(currency_choices())
    current = current or conf.currency()
    choices.setdefault(current, current)
    return forms.ChoiceField(choices=list(choices.items()), initial=current, help_text=_("The price's currency."))


class CurrencyChoiceForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "currency" in self.fields:
            self.fields["currency"] = _currency_form_field(getattr(self.instance, "currency", ""))


class PlanPriceInline(admin.TabularInline):
    """Explicit prices in other currencies: visitors showing prices in one of them see and pay that price
    (and renewals of a subscription bought in it charge it again)."""

    model = PlanPrice
    form = CurrencyChoiceForm
    fields = ("currency", "amount")
    extra = 0
    verbose_name = "price in another currency"
    verbose_name_plural = "prices in other currencies"


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = CurrencyChoiceForm
    inlines = [PlanPriceInline]
    list_display = ("name", "interval", "price", "currency", "scope", "trial_days", "is_active", "order")
    list_filter = ("is_active", "interval", "scope")
    list_editable = ("is_active", "order")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("courses",)
    search_fields = ("name",)


class BundleCourseInline(admin.TabularInline):
    model = BundleCourse
    extra = 1
    raw_id_fields = ("course",)


@admin.register(CourseBundle)
class CourseBundleAdmin(admin.ModelAdmin):
    form = CurrencyChoiceForm
    list_display = ("name", "price", "currency", "is_active")
    list_filter = ("is_active",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [BundleCourseInline]
    search_fields = ("name",)


class CouponForm(CurrencyChoiceForm):
    class Meta:
        model = Coupon
        fields = [
            "code",
            "description",
            "kind",
            "value",
            "currency",
            "starts_at",
            "ends_at",
            "max_uses",
            "max_uses_per_user",
            "courses",
            "bundles",
            "plans",
            "campaign",
            "is_active",
        ]

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    form = CouponForm
    list_display = (
        "code",
        "kind",
        "value",
        "uses",
        "max_uses",
        "max_uses_per_user",
        "starts_at",
        "ends_at",
        "is_active",
        "campaign",
    )
    list_filter = ("is_active", "kind")
    search_fields = ("code", "description")
    readonly_fields = ("uses",)
    filter_horizontal = ("courses", "bundles", "plans")
    autocomplete_fields = ("campaign",)
    list_select_related = ("campaign",)


class CampaignEnrollmentInline(ReadOnlyInline):
    model = CampaignEnrollment
    fields = ("created_at", "user", "course", "payment", "revenue", "currency")
    readonly_fields = fields


@admin.register(MarketingCampaign)
class MarketingCampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "utm_source", "starts_at", "ends_at", "is_active", "budget")
    list_filter = ("is_active",)
    search_fields = ("name", "code", "utm_source")
    prepopulated_fields = {"code": ("name",)}
    inlines = [CampaignEnrollmentInline]


# --- Money (read-only) -------------------------------------------------------------------------------


class WebhookEventInline(ReadOnlyInline):
    model = WebhookEvent
    fields = ("created_at", "event_id", "event_type", "deliveries", "processed_at", "error")
    readonly_fields = fields


class RefundRequestInline(ReadOnlyInline):
    model = RefundRequest
    fields = ("created_at", "status", "amount_requested", "amount_refunded", "decided_by", "decision_note")
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(PrivateFileAdminMixin, ReadOnlyAdmin):
    list_display = (
        "created_at", "user", "description", "amount", "currency", "amount_base", "status", "provider", "coupon",
    )  # fmt: skip
    list_filter = ("status", "kind", "provider", "currency")
    search_fields = ("user__email", "description", "provider_reference", "receipt_number", "idempotency_key")
    list_select_related = ("user", "coupon")
    date_hierarchy = "created_at"
    inlines = [WebhookEventInline, RefundRequestInline]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "provider",
        "event_id",
        "event_type",
        "signature_valid",
        "deliveries",
        "processed_at",
        "error",
    )
    list_filter = ("provider", "signature_valid", "event_type")
    search_fields = ("event_id",)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("user", "plan", "status", "current_period_end", "cancel_at_period_end", "grace_until")
    list_filter = ("status", "plan")
    search_fields = ("user__email",)
    list_select_related = ("user", "plan")


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "coupon", "user", "status", "discount")
    list_filter = ("status",)
    list_select_related = ("coupon", "user")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "referrer", "referred", "status", "reward", "credited_at")
    list_filter = ("status",)
    list_select_related = ("referrer", "referred")


class CreditEntryInline(ReadOnlyInline):
    model = CreditEntry
    fields = ("created_at", "kind", "amount", "payment", "note")
    readonly_fields = fields


@admin.register(CreditAccount)
class CreditAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "balance", "currency")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    inlines = [CreditEntryInline]


@admin.register(EarningEntry)
class EarningEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "instructor", "course", "kind", "gross", "share_percent", "amount")
    list_filter = ("kind",)
    search_fields = ("instructor__email", "course__title")
    list_select_related = ("instructor", "course")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("paid_at", "instructor", "amount", "currency", "reference", "created_by")
    list_select_related = ("instructor", "created_by")


# --- Refund requests: decided on an intermediate page with a required note ---------------------------


class RefundEventInline(ReadOnlyInline):
    model = RefundEvent
    fields = ("created_at", "action", "actor", "note")
    readonly_fields = fields


@admin.register(RefundRequest)
class RefundRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "payment_link", "amount_requested", "status", "decided_by", "decide_link")
    list_filter = ("status",)
    search_fields = ("user__email", "payment__description")
    list_select_related = ("user", "payment", "decided_by")
    readonly_fields = (
        "payment",
        "user",
        "reason",
        "amount_requested",
        "status",
        "amount_refunded",
        "decided_by",
        "decided_at",
        "decision_note",
        "provider_reference",
        "decide_link",
    )
    fields = readonly_fields
    inlines = [RefundEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Payment")
    def payment_link(self, obj):
        return format_html("{} — {} {}", obj.payment.description, obj.payment.amount, obj.payment.currency)

    @admin.display(description="Decision")
    def decide_link(self, obj):
        if obj.pk and obj.status == RefundRequest.Status.PENDING:
            url = reverse("admin:billing_refundrequest_decide", args=[obj.pk])
            return format_html('<a class="button" href="{}">Approve or reject…</a>', url)
        return obj.get_status_display() if obj.pk else "—"

    def get_urls(self):
        return [
            path(
                "<uuid:pk>/decide/", self.admin_site.admin_view(self.decide_view), name="billing_refundrequest_decide"
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        refund_request = get_object_or_404(RefundRequest.objects.select_related("payment", "user"), pk=pk)
        if not permissions.can_decide_refund(request.user):
            raise PermissionDenied
        form = RefundDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "approve":
                    services.refund_request_approve(
                        refund_request=refund_request,
                        actor=request.user,
                        note=data["note"],
                        amount=data["amount"],
                        drop_enrolment=data["drop_enrolment"],
                    )
                    self.message_user(request, "Refunded.", messages.SUCCESS)
                else:
                    services.refund_request_reject(refund_request=refund_request, actor=request.user, note=data["note"])
                    self.message_user(request, "Request rejected.", messages.SUCCESS)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("admin:billing_refundrequest_change", refund_request.pk)
        eligibility = services.refund_eligibility(payment=refund_request.payment)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Decide the refund request",
            "refund_request": refund_request,
            "payment": refund_request.payment,
            "eligibility": eligibility,
            "form": form,
        }
        return TemplateResponse(request, "billing/admin/refund_decision.html", context)


# --- Licensing and employer partners ------------------------------------------------------------------


class SeatAssignmentInline(ReadOnlyInline):
    model = SeatAssignment
    fields = ("email", "user", "status", "enrolled_at", "assigned_by")
    readonly_fields = fields


class AssignSeatsForm(forms.Form):
    emails = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), help_text=_("One e-mail address per line."))


@admin.register(ContentLicensing)
class ContentLicensingAdmin(admin.ModelAdmin):
    list_display = ("course", "kind", "revenue_share_percent", "partner", "seats", "starts_on", "ends_on", "fee")
    list_filter = ("kind",)
    search_fields = ("course__title", "partner__name")
    raw_id_fields = ("course",)
    autocomplete_fields = ("partner",)
    list_select_related = ("course", "partner")
    inlines = [SeatAssignmentInline]
    actions = ("assign_seats",)

    @admin.action(description="Assign seats of the selected employer licence…", permissions=["change"])
    def assign_seats(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one employer licence.", messages.WARNING)
            return None
        licence = queryset.first()
        form = AssignSeatsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, failed = 0, []
            for email in {e.strip() for e in form.cleaned_data["emails"].splitlines() if e.strip()}:
                try:
                    services.seat_assign(licence=licence, email=email, actor=request.user)
                    done += 1
                except (ValidationError, PermissionDenied) as exc:
                    failed.append(f"{email}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
            self.message_user(request, f"{done} seat(s) assigned.", messages.SUCCESS)
            for problem in failed:
                self.message_user(request, problem, messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Assign seats",
            "licence": licence,
            "form": form,
            "queryset": queryset,
        }
        return TemplateResponse(request, "billing/admin/assign_seats.html", context)


@admin.register(EmployerPartner)
class EmployerPartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_name", "contact_email", "is_active")
    search_fields = ("name", "contact_email")
    raw_id_fields = ("managers",)


@admin.register(EmployerRequest)
class EmployerRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "partner", "kind", "course", "seats", "status", "handled_by")
    list_filter = ("status", "kind")
    search_fields = ("partner__name", "message")
    list_select_related = ("partner", "course", "handled_by")
    autocomplete_fields = ("partner",)
    raw_id_fields = ("course",)
    readonly_fields = ("status", "handled_by", "handled_at", "licence", "requested_by")
    actions = ("mark_in_review", "approve", "reject", "mark_fulfilled")

    def _move(self, request, queryset, status):
        for employer_request in queryset:
            try:
                services.employer_request_set_status(
                    request=employer_request, actor=request.user, status=status, note=f"Set to {status} in the admin"
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, f"{employer_request}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )
            else:
                self.message_user(request, f"{employer_request}: {status}.", messages.SUCCESS)

    @admin.action(description="Mark in review", permissions=["change"])
    def mark_in_review(self, request, queryset):
        self._move(request, queryset, EmployerRequest.Status.IN_REVIEW)

    @admin.action(description="Approve (seat purchases create the licence)", permissions=["change"])
    def approve(self, request, queryset):
        self._move(request, queryset, EmployerRequest.Status.APPROVED)

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request, queryset):
        self._move(request, queryset, EmployerRequest.Status.REJECTED)

    @admin.action(description="Mark fulfilled", permissions=["change"])
    def mark_fulfilled(self, request, queryset):
        self._move(request, queryset, EmployerRequest.Status.FULFILLED)


@admin.register(SeatAssignment)
class SeatAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("email", "licence", "status", "user", "enrolled_at")
    list_filter = ("status",)
    search_fields = ("email",)
    list_select_related = ("licence__course", "licence__partner", "user")


from . import admin_currency  # noqa: E402,F401  (Currency and ExchangeRate admins, in their own module)
