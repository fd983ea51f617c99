"""Admin of the platform's switches: feature flags, live system settings, job runs and the periodic
jobs' last outcome.  Every flag and setting change writes an audit row (courseworx/core/flags.py,
courseworx/core/live_settings.py); only users with the models' change permission may edit them."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin as BeatPeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from . import live_settings
from .flags import flag_audit, flag_snapshot
from .models import FeatureFlag, JobRun, SystemSetting


# --- feature flags --------------------------------------------------------------------------------
def _role_choices():
    return get_user_model()._meta.get_field("role").choices


class FeatureFlagForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=_role_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Roles"),
        help_text=_("On for every user of these roles."),
    )

    class Meta:
        model = FeatureFlag
        fields = (
            "name",
            "note",
            "everyone",
            "roles",
            "groups",
            "users",
            "percent",
            "authenticated",
            "staff",
            "superusers",
            "languages",
            "testing",
            "rollout",
        )


@admin.register(FeatureFlag)
class FeatureFlagAdmin(admin.ModelAdmin):
    # Its own audit rows (flag_audit / setting.changed) say more than the generic admin.change.
    audit_admin = False
    form = FeatureFlagForm
    list_display = ("name", "everyone", "percent", "roles_display", "staff", "authenticated", "note", "updated_at")
    list_filter = ("everyone", "staff", "authenticated")
    search_fields = ("name", "note")
    filter_horizontal = ("groups",)
    raw_id_fields = ("users",)
    fieldsets = (
        (None, {"fields": ("name", "note", "everyone")}),
        (
            _("Who sees it (when Everyone is unknown)"),
            {"fields": ("roles", "groups", "users", "percent", "authenticated", "staff", "superusers", "languages")},
        ),
        (_("Testing"), {"fields": ("testing", "rollout"), "classes": ("collapse",)}),
    )

    @admin.display(description=_("Roles"))
    def roles_display(self, obj: FeatureFlag) -> str:
        return ", ".join(obj.roles or []) or "—"

    def save_model(self, request, obj, form, change):
        request._cw_flag_before = flag_snapshot(FeatureFlag.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # users and groups are saved here
        flag_audit(
            actor=request.user,
            flag=form.instance,
            action="flag.changed" if change else "flag.created",
            before=getattr(request, "_cw_flag_before", None),
        )

    def delete_model(self, request, obj):
        flag_audit(actor=request.user, flag=obj, action="flag.deleted", before=flag_snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for flag in queryset:
            self.delete_model(request, flag)  # one audit row and one cache flush per flag


# --- live settings --------------------------------------------------------------------------------
def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


@admin.register(SystemSetting)
class SystemSettingAdmin(admin.ModelAdmin):
    """One row per declared live setting; saving goes through live_settings.setting_set/_reset."""

    # Its own audit rows (flag_audit / setting.changed) say more than the generic admin.change.
    audit_admin = False

    list_display = ("key", "label", "current_value", "default_value", "is_overridden", "updated_by", "updated_at")
    list_select_related = ("updated_by",)
    search_fields = ("key",)
    readonly_fields = ("key", "label", "default_value", "updated_by", "updated_at")

    def has_add_permission(self, request):
        return False  # the rows are the declared settings (live_settings.rows_ensure)

    def has_delete_permission(self, request, obj=None):
        return False  # "Use the default" instead; the history stays in the audit trail

    def changelist_view(self, request, extra_context=None):
        live_settings.rows_ensure()
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        keys = [d.key for d in live_settings.definitions()]
        return super().get_queryset(request).filter(key__in=keys)

    def _definition(self, obj):
        try:
            return live_settings.definition(obj.key)
        except ImproperlyConfigured:
            return None

    @admin.display(description=_("Description"))
    def label(self, obj):
        definition = self._definition(obj)
        return definition.label if definition else obj.key

    @admin.display(description=_("Current value"))
    def current_value(self, obj):
        return _display(live_settings.setting_value(obj.key))

    @admin.display(description=_("Default (Django setting)"))
    def default_value(self, obj):
        definition = self._definition(obj)
        return _display(definition.default()) if definition else "—"

    @admin.display(description=_("Changed here"), boolean=True)
    def is_overridden(self, obj):
        return obj.value is not None

    def get_form(self, request, obj=None, change=False, **kwargs):
        definition = self._definition(obj) if obj is not None else None
        if definition is None:
            return super().get_form(request, obj, change=change, **kwargs)
        value_field = definition.formfield(required=False, initial=live_settings.setting_value(obj.key))

        class SettingForm(forms.ModelForm):
            value = value_field
            use_default = forms.BooleanField(
                required=False,
                label=_("Use the default"),
                help_text=_(
                    "Forget the value changed here and use the Django setting (the environment's value) again."
                ),
            )

            class Meta:
                model = SystemSetting
                fields: list[str] = []

            def clean(self):
                cleaned = super().clean()
                if cleaned.get("use_default"):
                    self._errors.pop("value", None)  # the value is not used
                elif "value" not in self._errors:
                    try:
                        cleaned["value"] = definition.clean(cleaned.get("value"))
                    except ValidationError as exc:
                        self.add_error("value", exc)
                return cleaned

        return SettingForm

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("use_default"):
            live_settings.setting_reset(actor=request.user, key=obj.key)
        else:
            live_settings.setting_set(actor=request.user, key=obj.key, value=form.cleaned_data["value"])
        obj.refresh_from_db()


# --- scheduled jobs (the runs' read-only admin is in admin.py) -----------------------------------
admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(BeatPeriodicTaskAdmin):
    """django-celery-beat's admin plus each job's last recorded run (core.JobRun)."""

    list_display = (*BeatPeriodicTaskAdmin.list_display, "last_job_run", "last_job_outcome")

    def get_queryset(self, request):
        last = JobRun.objects.filter(periodic_task_name=OuterRef("name")).order_by("-started_at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                cw_last_started=Subquery(last.values("started_at")[:1]),
                cw_last_outcome=Subquery(last.values("outcome")[:1]),
            )
        )

    @admin.display(description=_("Last run"), ordering="cw_last_started")
    def last_job_run(self, obj):
        return obj.cw_last_started or "—"

    @admin.display(description=_("Last outcome"))
    def last_job_outcome(self, obj):
        return JobRun.Outcome(obj.cw_last_outcome).label if obj.cw_last_outcome else "—"
