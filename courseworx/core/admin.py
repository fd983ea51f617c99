from django.contrib import admin
from django.db import models
from django.template.defaultfilters import filesizeformat

from .models import AuditLog, BackupLog, Notification, NotificationPreference
from .storage import PrivateFileInput, PrivateStorage, private_file_display


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


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """The audit trail is append-only, even for superusers."""

    list_display = ("created_at", "actor", "action", "target_type", "target_repr")
    list_filter = ("action", "target_type")
    search_fields = ("target_repr", "target_id", "reason", "actor__email")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"


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
