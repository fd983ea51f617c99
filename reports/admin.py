"""Reports in the admin: logs and pipeline runs are read-only; transcripts and accessibility issues are
edited here; personal-data requests are visible to staff (read-only: they change only through tasks)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import roles
from courses.models import Course, VoiceTranscript
from courseworx.core.admin import PrivateFileAdminMixin, ReadOnlyAdmin

from . import services
from .accessibility import accessibility_report_create, accessibility_report_description_check
from .models import (
    AccessibilityReport,
    ActivityLog,
    ContentAnalytics,
    DataExportRequest,
    DataPipelineRun,
    MobileAppLog,
    ReportExport,
    ReportSubscription,
)


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyAdmin):
    allow_delete = True  # staff with the delete permission may prune these rows
    list_display = ("created_at", "event", "user", "course", "content")
    list_filter = ("event",)
    list_select_related = ("user", "course", "content")
    raw_id_fields = ("user", "course", "content")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(ContentAnalytics)
class ContentAnalyticsAdmin(ReadOnlyAdmin):
    allow_delete = True  # staff with the delete permission may prune these rows
    list_display = ("content", "course", "views", "learners", "completion_rate", "drop_off_rate", "refreshed_at")
    list_select_related = ("content", "course")
    search_fields = ("content__title", "course__title")


@admin.register(DataPipelineRun)
class DataPipelineRunAdmin(ReadOnlyAdmin):
    allow_delete = True  # staff with the delete permission may prune these rows
    list_display = ("name", "status", "started_at", "finished_at", "rows")
    list_filter = ("name", "status")


@admin.register(ReportExport)
class ReportExportAdmin(PrivateFileAdminMixin, ReadOnlyAdmin):
    allow_delete = True  # staff with the delete permission may prune these rows
    list_display = ("created_at", "user", "report", "format", "status", "progress", "row_count")
    list_filter = ("report", "format", "status")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "report", "frequency", "format", "is_active", "last_sent_at")
    list_filter = ("report", "frequency", "is_active")
    list_select_related = ("user",)
    raw_id_fields = ("user",)

    def delete_model(self, request, obj):
        services.report_subscription_delete(subscription=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for subscription in queryset.select_related("user"):
                services.report_subscription_delete(subscription=subscription, user=request.user)


@admin.register(MobileAppLog)
class MobileAppLogAdmin(ReadOnlyAdmin):
    allow_delete = True  # staff with the delete permission may prune these rows
    list_display = ("occurred_at", "platform", "app_version", "level", "event", "user")
    list_filter = ("platform", "level")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    show_full_result_count = False


class CourseScopedAdmin(admin.ModelAdmin):
    """Instructors see and edit only rows of the courses they own or co-author; staff with a duty see all."""

    course_path = "content__course"

    def _sees_all(self, request) -> bool:
        user = request.user
        return user.is_superuser or user.in_group(roles.REVIEWERS) or user.in_group(roles.SUPPORT)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self._sees_all(request):
            return qs
        return qs.filter(**{f"{self.course_path}__in": Course.objects.editable_by(request.user).values("pk")})

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if self._sees_all(request) or "content" not in form.base_fields:
            return form
        user = request.user

        class ScopedForm(form):
            def clean_content(self):
                content = self.cleaned_data["content"]
                if content and not Course.objects.editable_by(user).filter(pk=content.course_id).exists():
                    raise forms.ValidationError(_("Choose a lesson of one of your courses."))
                return content

        return ScopedForm


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(CourseScopedAdmin):
    course_path = "course"
    list_display = ("content", "course", "issue", "source", "status", "created_at")
    list_filter = ("status", "source", "issue")
    list_select_related = ("content", "course")
    raw_id_fields = ("content",)
    readonly_fields = ("course", "source", "reported_by", "resolved_at")
    search_fields = ("content__title", "course__title", "description")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class DescriptionCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                adding = self.instance._state.adding
                source = AccessibilityReport.Source.MANUAL if adding else self.instance.source
                if source == AccessibilityReport.Source.MANUAL and "issue" in cleaned:
                    try:
                        accessibility_report_description_check(
                            issue=cleaned["issue"], description=cleaned.get("description")
                        )
                    except ValidationError as exc:
                        self.add_error(None, exc)
                return cleaned

        return DescriptionCheckedForm

    # Writes go through the services (audited status changes); the form checks what they check.

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in services.ACCESSIBILITY_EDITABLE if name in form.changed_data}
            saved = services.accessibility_report_update(report=obj, user=request.user, data=fields)
        else:
            saved = accessibility_report_create(
                user=request.user, content=data["content"], issue=data["issue"], description=data["description"]
            )
            if data.get("status", AccessibilityReport.Status.OPEN) != AccessibilityReport.Status.OPEN:
                saved = services.accessibility_report_update(
                    report=saved, user=request.user, data={"status": data["status"]}
                )
        obj.__dict__.update(saved.__dict__)

    actions = ("mark_resolved", "mark_dismissed")

    def _close(self, request, queryset, status: str, verb: str) -> None:
        try:
            closed = services.accessibility_report_resolve(user=request.user, reports=queryset, status=status)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"{closed} issue(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Mark as resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._close(request, queryset, "resolved", "resolved")

    @admin.action(description="Dismiss", permissions=["change"])
    def mark_dismissed(self, request, queryset):
        self._close(request, queryset, "dismissed", "dismissed")


@admin.register(VoiceTranscript)
class VoiceTranscriptAdmin(CourseScopedAdmin):
    list_display = ("content", "language", "is_published", "updated_at")
    list_filter = ("language", "is_published")
    list_select_related = ("content",)
    raw_id_fields = ("content",)
    search_fields = ("content__title", "text")


@admin.register(DataExportRequest)
class DataExportRequestAdmin(PrivateFileAdminMixin, ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "status", "finished_at", "expires_at")
    list_filter = ("kind", "status")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    exclude = ("token",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
