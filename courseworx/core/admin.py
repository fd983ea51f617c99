import json
from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import csv as safe_csv
from . import services_webhooks
from .forms import add_service_errors, service_error_text
from .models import (
    AuditLog,
    BackupLog,
    ErrorLog,
    JobRun,
    Notification,
    NotificationPreference,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookLog,
)
from .storage import PrivateFileInput, PrivateStorage, private_file_display
from .webhooks import EVENT_TYPE_CHOICES


class ReadOnlyAdminMixin:
    """Rows written only by services: view them here, never add or change them.

    Deleting is refused too unless the admin says `allow_delete = True` (then Django's delete
    permission decides, e.g. for logs that staff may prune).
    """

    allow_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


AUDIT_CSV_HEADER = [
    "time (UTC)", "actor", "action", "target type", "target id", "target", "reason", "changes", "IP address",
    "request id",
]  # fmt: skip


def audit_csv_rows(queryset):
    """The audit CSV's rows (shared by the admin export and the API's)."""
    for row in queryset.select_related("actor").iterator(chunk_size=2000):
        yield [
            row.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            row.actor.email if row.actor else "system",
            row.action,
            row.target_type,
            row.target_id,
            row.target_repr,
            row.reason,
            json.dumps(row.changes, ensure_ascii=False, sort_keys=True, default=str),
            row.ip_address or "",
            row.request_id,
        ]


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """The audit trail is append-only, even for superusers: no add, change or delete (the model and, on
    PostgreSQL, a trigger refuse them too).  Filter by actor, action, target type and date (the
    "created at" filter, or `?created_at__gte=YYYY-MM-DD&created_at__lt=YYYY-MM-DD` for any range);
    "Export CSV" downloads the filtered list."""

    audit_admin = False
    list_display = ("created_at", "who", "action", "target_type", "target_repr", "ip_address", "request_id")
    list_filter = (
        "action",
        "target_type",
        ("created_at", admin.DateFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("target_repr", "target_id", "reason", "actor__email", "request_id")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
    readonly_fields = ("changes_pretty",)
    exclude = ("changes",)
    change_list_template = "admin/core/auditlog/change_list.html"

    @admin.display(description="actor", ordering="actor__email")
    def who(self, obj):
        return obj.actor or "system"

    @admin.display(description="changes")
    def changes_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.changes, indent=2, ensure_ascii=False, sort_keys=True))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("export/", self.admin_site.admin_view(self.export_csv), name=f"{info[0]}_{info[1]}_export"),
            *super().get_urls(),
        ]

    def export_csv(self, request):
        """The change list as CSV, with the filters and search of the page it was asked from."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        response = StreamingHttpResponse(
            safe_csv.stream_lines(audit_csv_rows(queryset), header=AUDIT_CSV_HEADER),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.now():%Y%m%d-%H%M}.csv"'
        return response


@admin.register(ErrorLog)
class ErrorLogAdmin(admin.ModelAdmin):
    """Unhandled exceptions, grouped; staff read them and mark them resolved (nothing else changes)."""

    list_display = ("last_seen", "exception_class", "message", "path", "count", "resolved")
    list_filter = ("resolved", ("last_seen", admin.DateFieldListFilter), "exception_class")
    search_fields = ("exception_class", "message", "path", "request_id", "traceback_hash")
    date_hierarchy = "last_seen"
    list_select_related = ("user",)
    fields = (
        "resolved", "exception_class", "message", "path", "method", "user", "request_id", "count",
        "created_at", "last_seen", "traceback_hash", "traceback_pretty",
    )  # fmt: skip
    readonly_fields = tuple(f for f in fields if f != "resolved")
    actions = ("mark_resolved", "mark_unresolved")

    @admin.display(description="traceback (latest)")
    def traceback_pretty(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Mark selected errors resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        queryset.update(resolved=True)

    @admin.action(description="Mark selected errors unresolved", permissions=["change"])
    def mark_unresolved(self, request, queryset):
        queryset.update(resolved=False)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "category", "title", "read_at", "email_channel", "emailed_at")
    list_filter = ("category", "email_channel")
    search_fields = ("title", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "category", "channel")
    list_filter = ("category", "channel")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)


class PrivateFileAdminMixin:
    """For ModelAdmins of models with private files (courseworx.core.storage): their `.url` raises.

    The admin's file input and its read-only display both link `file.url`.  Here an editable private
    file gets PrivateFileInput (its name, linked to `private_file_link(obj, field_name)` when that
    returns a URL), and a read-only one (in readonly_fields, or for a view-only user) is swapped for
    `<name>_private`, which shows the same without `.url`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.private_file_fields():
            setattr(self, f"{name}_private", self._private_display(name))

    def private_file_fields(self) -> list[str]:
        return [
            f.name
            for f in self.model._meta.fields
            if isinstance(f, models.FileField) and isinstance(f.storage, PrivateStorage)
        ]

    def private_file_link(self, obj, field_name: str) -> str:
        """A permission-checked URL for the object's file, or "" to show its name only."""
        return ""

    def _private_display(self, name: str):
        field = self.model._meta.get_field(name)

        def display(obj):
            file = getattr(obj, name)
            return private_file_display(file, self.private_file_link(obj, name) if file else "")

        display.short_description = field.verbose_name
        display.__name__ = f"{name}_private"
        return display

    def _private_readonly(self, request, obj) -> set[str]:
        names = set(self.private_file_fields())
        if obj is not None and not self.has_change_permission(request, obj):
            return names
        return names & set(super().get_readonly_fields(request, obj))

    def _swap_private(self, names, readonly: set[str]):
        return [
            self._swap_private(n, readonly) if isinstance(n, list | tuple) else (f"{n}_private" if n in readonly else n)
            for n in names
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.private_file_fields():
            kwargs["widget"] = PrivateFileInput(link=lambda obj, name=db_field.name: self.private_file_link(obj, name))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = self._private_readonly(request, obj)
        fields = self._swap_private(super().get_readonly_fields(request, obj), readonly)
        return [*fields, *(f"{n}_private" for n in sorted(readonly) if f"{n}_private" not in fields)]

    def get_exclude(self, request, obj=None):
        excluded = super().get_exclude(request, obj)
        if excluded is None and hasattr(self.form, "_meta") and self.form._meta.exclude:
            excluded = self.form._meta.exclude  # ModelAdmin.get_form uses it only when get_exclude is None
        readonly = self._private_readonly(request, obj)
        return [*(excluded or ()), *readonly] if (excluded or readonly) else None

    def get_fieldsets(self, request, obj=None):
        readonly = self._private_readonly(request, obj)
        return [
            (title, {**options, "fields": self._swap_private(options["fields"], readonly)})
            for title, options in super().get_fieldsets(request, obj)
        ]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "periodic_task_name", "task_name", "outcome", "duration_ms", "error_excerpt")
    list_filter = ("outcome", "periodic_task_name")
    search_fields = ("periodic_task_name", "task_name", "task_id", "error")
    date_hierarchy = "started_at"

    @admin.display(description=_("Error"))
    def error_excerpt(self, obj: JobRun) -> str:
        return obj.error[:120]


@admin.register(BackupLog)
class BackupLogAdmin(ReadOnlyAdmin):
    """Every backup and restore run (manage.py backup / restore, the nightly task); read-only."""

    list_display = ("started_at", "kind", "trigger", "outcome", "finished_at", "size", "path")
    list_filter = ("kind", "outcome", "trigger")
    search_fields = ("path", "error")
    date_hierarchy = "started_at"

    @admin.display(description="size", ordering="size_bytes")
    def size(self, obj):
        return filesizeformat(obj.size_bytes) if obj.size_bytes is not None else "—"


# =================================================================================================
# Outbound webhooks: endpoints through the services (the secret is shown once, in a message); the
# outbox, deliveries and attempt logs are read-only; deliveries can be sent again.
# =================================================================================================
class WebhookEndpointForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        choices=EVENT_TYPE_CHOICES, widget=forms.CheckboxSelectMultiple, label=_("Event types")
    )
    url = forms.CharField(max_length=2000, label=_("URL"), help_text=_("https; public hosts only."))

    class Meta:
        model = WebhookEndpoint
        fields = ["owner", "url", "description", "event_types", "is_active"]

    def clean(self):
        data = super().clean()
        owner = data.get("owner") or getattr(self.instance, "owner", None)
        if owner is not None and services_webhooks.endpoint_scope(owner) is None:
            self.add_error("owner", _("Only instructors and platform staff can receive webhooks."))
        if data.get("url") and (self.instance._state.adding or data["url"] != self.instance.url):
            try:
                data["url"] = services_webhooks.webhook_url_check(data["url"])
            except ValidationError as exc:
                add_service_errors(self, exc)
        return data


class WebhookDeliveryInline(ReadOnlyInline):
    model = WebhookDelivery
    fields = ("created_at", "event", "status", "attempts", "last_status_code", "last_error", "next_attempt_at")
    readonly_fields = fields
    ordering = ("-created_at",)
    max_num = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "owner", "description", "is_active", "consecutive_failures", "disabled_at", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description", "owner__email")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("consecutive_failures", "disabled_at", "disabled_reason", "previous_secret_expires_at")
    actions = ["rotate_secret"]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "owner") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {k: data[k] for k in ("url", "description", "event_types", "is_active") if k in data}
            services_webhooks.webhook_endpoint_update(endpoint=obj, actor=request.user, data=fields)
            obj.refresh_from_db()
            return
        endpoint, secret = services_webhooks.webhook_endpoint_create(
            owner=data["owner"], url=data["url"], event_types=data["event_types"], description=data["description"]
        )
        if not data.get("is_active", True):
            services_webhooks.webhook_endpoint_update(endpoint=endpoint, actor=request.user, data={"is_active": False})
        obj.pk, obj._state.adding = endpoint.pk, False
        obj.refresh_from_db()
        self.message_user(
            request, _("The endpoint's signing secret (shown only now): %(s)s") % {"s": secret}, messages.WARNING
        )

    def delete_model(self, request, obj):
        services_webhooks.webhook_endpoint_delete(endpoint=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services_webhooks.webhook_endpoint_delete(endpoint=obj, actor=request.user)

    @admin.action(description=_("Rotate the signing secret (the old one signs for WEBHOOKS_SECRET_OVERLAP_HOURS)"))
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            try:
                endpoint, secret = services_webhooks.webhook_endpoint_rotate_secret(
                    endpoint=endpoint, actor=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, service_error_text(exc), messages.ERROR)
                continue
            self.message_user(
                request,
                _("New secret of %(e)s (shown only now): %(s)s") % {"e": endpoint.url, "s": secret},
                messages.WARNING,
            )


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    """The outbox (read-only)."""

    list_display = ("created_at", "event_type", "course_id", "dispatched_at")
    list_filter = ("event_type",)
    search_fields = ("=id", "=course_id")
    date_hierarchy = "created_at"
    inlines = [WebhookDeliveryInline]


class WebhookLogInline(ReadOnlyInline):
    model = WebhookLog
    fields = ("created_at", "attempt", "succeeded", "status_code", "latency_ms", "error", "response_excerpt")
    readonly_fields = fields
    ordering = ("-created_at",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """Deliveries (read-only) with their attempts; "Redeliver" sends the selected ones again."""

    list_display = ("created_at", "event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at")
    list_filter = ("status", "event__event_type")
    search_fields = ("=id", "endpoint__url")
    list_select_related = ("event", "endpoint")
    inlines = [WebhookLogInline]
    actions = ["redeliver"]

    @admin.action(description=_("Redeliver the selected deliveries"))
    def redeliver(self, request, queryset):
        done = 0
        for delivery in queryset.select_related("endpoint"):
            try:
                services_webhooks.webhook_delivery_redeliver(delivery=delivery, actor=request.user)
            except PermissionDenied as exc:
                self.message_user(request, service_error_text(exc), messages.ERROR)
                continue
            done += 1
        self.message_user(request, _("%(n)d deliveries queued again.") % {"n": done}, messages.SUCCESS)


@admin.register(WebhookLog)
class WebhookLogAdmin(ReadOnlyAdmin):
    """Every delivery attempt (the seed's WebhookLogs): read-only."""

    list_display = ("created_at", "endpoint", "attempt", "succeeded", "status_code", "latency_ms", "error")
    list_filter = ("succeeded",)
    search_fields = ("endpoint__url", "=delivery__id")
    list_select_related = ("endpoint",)
    date_hierarchy = "created_at"


from . import admin_platform  # noqa: E402, F401 - flags, live settings, the periodic tasks' last run
