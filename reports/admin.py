"""Reports in the admin: logs and pipeline runs are read-only; transcripts and accessibility issues are
edited here; personal-data requests are visible to staff (read-only: they change only through tasks)."""

from django import forms
from django.contrib import admin
from django.utils import timezone

from accounts import roles
from courses.models import Course, VoiceTranscript
from courseworx.core.admin import PrivateFileAdminMixin, ReadOnlyAdmin

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
                    raise forms.ValidationError("Choose a lesson of one of your courses.")
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

    def save_model(self, request, obj, form, change):
        obj.course_id = obj.content.course_id
        if not change:
            obj.source = AccessibilityReport.Source.MANUAL
            obj.reported_by = request.user
        if obj.status != AccessibilityReport.Status.OPEN and obj.resolved_at is None:
            obj.resolved_at = timezone.now()
        super().save_model(request, obj, form, change)

    actions = ("mark_resolved", "mark_dismissed")

    @admin.action(description="Mark as resolved")
    def mark_resolved(self, request, queryset):
        queryset.filter(status="open").update(status="resolved", resolved_at=timezone.now(), updated_at=timezone.now())

    @admin.action(description="Dismiss")
    def mark_dismissed(self, request, queryset):
        queryset.filter(status="open").update(status="dismissed", resolved_at=timezone.now(), updated_at=timezone.now())


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
