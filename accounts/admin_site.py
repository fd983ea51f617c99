"""The project's admin site: the default `admin.site`, with a quiet home page for instructors.

Instructors author in the admin (courses, their outlines, certificate templates, assignments).  They
hold view or change permissions on other models too (transcripts, attendance, surveys, accessibility
reports, enrolments...), which other pages of the site present better; listing all of them made their
admin home noisy.  For a user whose only admin duty is authoring (role instructor, not a superuser, in
no staff group: `is_author_only`), the home page and the app pages list only the models whose
ModelAdmin sets `author_home = True`.  Nothing else changes: every URL still answers according to the
ModelAdmin's permissions, and staff (superusers, reviewers, moderators, support, finance) keep the full
list.

Every ModelAdmin registered here is audited: `register` puts `courseworx.core.auditing.AdminAuditMixin`
in front of it, so each add, change, delete and action in the admin writes an AuditLog row with the
before/after values (see courseworx/core/README.md).

Installed as `accounts.admin_site.CourseWorxAdminConfig` in INSTALLED_APPS, in place of
"django.contrib.admin" (Django's documented way to replace the default site).
"""

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.apps import AdminConfig

from .roles import STAFF_GROUPS


def is_author_only(user) -> bool:
    """An instructor with no staff duty: their admin is for authoring only."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser or getattr(user, "role", "") != "instructor":
        return False
    return not any(user.in_group(name) for name in STAFF_GROUPS)


class CourseWorxAdminSite(AdminSite):
    site_header = "CourseWorx administration"
    site_title = "CourseWorx admin"
    index_title = "Manage the platform"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every ModelAdmin, ours or a library's, gets the audit mixin (no code needed in the apps)."""
        from courseworx.core.auditing import audited_admin_class  # noqa: PLC0415 — app loading: uses the models

        return super().register(model_or_iterable, audited_admin_class(admin_class or ModelAdmin), **options)

    def has_permission(self, request):
        """Active staff, and past the second factor when they must pass one (accounts/otp.py): the
        middleware already sends such a session to the code page; this keeps the admin closed without it."""
        from . import otp  # noqa: PLC0415 — uses models: not importable while the app registry loads this module

        return super().has_permission(request) and not otp.second_factor_pending(request)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if not is_author_only(request.user):
            return apps
        quiet = []
        for app in apps:
            models = [m for m in app["models"] if getattr(self._registry.get(m.get("model")), "author_home", False)]
            if models:
                quiet.append({**app, "models": models})
        return quiet

    def each_context(self, request):
        context = super().each_context(request)
        if is_author_only(request.user):
            context["site_header"] = "CourseWorx authoring"
        return context

    def index(self, request, extra_context=None):
        if is_author_only(request.user):
            extra_context = {"title": "Your courses and teaching material", **(extra_context or {})}
        return super().index(request, extra_context)


class CourseWorxAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.CourseWorxAdminSite"
