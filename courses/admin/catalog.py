"""Catalog lookups in the admin: categories, tags and certificate templates."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.html import escape, format_html, format_html_join

from courseworx.core.forms import service_error_text as _error_text

from .. import permissions, services
from ..models import (
    Category,
    CertificateTemplate,
    Course,
    Tag,
)
from ._common import _is_reviewer


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "order")
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    """Instructors: their own templates (and site templates, read-only); editable while no course in review,
    published or archived uses them (courses.permissions).  Reviewers: all, read-only.  Saving goes through
    `services.certificate_template_save` (checks on the stored row, under lock); validation is the model's."""

    author_home = True  # on instructors' admin home (accounts.admin_site)
    list_display = ("name", "owner", "orientation", "is_default", "used_by")
    list_select_related = ("owner",)
    search_fields = ("name",)
    readonly_fields = ("owner", "lock_status")
    actions = ["make_copy"]
    fieldsets = (
        (None, {"fields": ("name", "owner", "lock_status", "orientation", "is_default")}),
        (
            "Layout",
            {
                "fields": ("html", "css"),
                # Shown as HTML by the admin: escaped.
                "description": escape(
                    "Allowed: text placeholders such as {{ student_name }}, {% if %}…{% endif %}, common "
                    "HTML tags and CSS properties; images from /static/ or this template's own images "
                    "({{ background_image }}, {{ signature_image }}, {{ verification_qr }}). Not allowed: scripts, "
                    "<link>, <style>, "
                    "<iframe>/<object>/<embed>, @import, @font-face, and URLs to other files or sites."
                ),
            },
        ),
        (
            "Images and signature",
            {"fields": ("background_image", "signature_image", "signature_name", "signature_title")},
        ),
    )

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                course_total=Count("courses", distinct=True),
                locked_total=Count(
                    "courses", filter=Q(courses__status__in=CertificateTemplate.LOCKING_STATUSES), distinct=True
                ),
            )
        )
        if request.user.is_superuser or _is_reviewer(request):
            return qs
        return qs.filter(CertificateTemplate.pickable_by(request.user))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj) or _is_reviewer(request)
        if obj is None or not allowed:
            return allowed
        return permissions.can_view_certificate_template(request.user, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.can_edit_certificate_template(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.can_edit_certificate_template(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_default")  # which template courses without one use: a site decision
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)  # per-object checks: delete from the template's page
        if not permissions.can_create_certificate_template(request.user):
            actions.pop("make_copy", None)
        return actions

    def save_model(self, request, obj, form, change):
        services.certificate_template_save(template=obj, user=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        template = self.get_object(request, unquote(object_id))
        if template is not None and request.method == "GET":
            reason = permissions.certificate_template_lock_reason(request.user, template)
            if reason and permissions.can_view_certificate_template(request.user, template):
                messages.warning(request, reason)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Used by")
    def used_by(self, obj):
        total = getattr(obj, "course_total", 0)
        if not total:
            return "—"
        locked = getattr(obj, "locked_total", 0)
        label = f"{total} course{'s' if total != 1 else ''}"
        return f"{label} ({locked} in review/published: locked)" if locked else label

    @admin.display(description="Status")
    def lock_status(self, obj):
        if obj is None or obj.pk is None:
            return "New template"
        courses = list(obj.courses.order_by("title").values_list("title", "status"))
        status = dict(Course.Status.choices)
        used = format_html_join(", ", "“{}” ({})", ((title, status[s].lower()) for title, s in courses))
        if obj.is_locked():
            return format_html("Locked: used by {}. Changes go through the course's review.", used)
        return format_html("Editable; used by {}.", used) if courses else "Editable; not used by any course yet."

    @admin.action(description="Make an editable copy")
    def make_copy(self, request, queryset):
        made = 0
        for template in queryset:
            try:
                services.certificate_template_copy(template=template, user=request.user)
                made += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{template}: {_error_text(exc)}", messages.ERROR)
        if made:
            self.message_user(request, f"{made} editable cop{'ies' if made != 1 else 'y'} made.", messages.SUCCESS)
