"""Every admin edit is audited: `AdminAuditMixin`, mixed into each ModelAdmin by the project's admin site.

`accounts.admin_site.CourseWorxAdminSite.register` subclasses every ModelAdmin registered on the site
with this mixin (third-party ones included), so a new ModelAdmin is audited without extra code.  It
writes one `AuditLog` row (through `services.audit_log_create`, which adds the client's address and the
request id) per

- object added (`admin.add`; changes: every field `[None, value]`),
- object changed, from its change form or the list's editable columns (`admin.change`; only the fields
  that changed, `[before, after]`; "before" is read from the database just before the save, "after"
  just after, so services called by `save_model` are seen),
- inline object added, changed or deleted with its parent (same actions, `reason` names the parent),
- object deleted, one by one or with the bulk "delete selected" action (`admin.delete`; every field
  `[value, None]`),
- any other admin action run (`admin.action`, target: the model; changes: the action's name, the selected
  ids and `{id: {field: [before, after]}}` for the objects it changed, up to `ACTION_SNAPSHOT_LIMIT`).

Secrets are never copied: fields whose names look like one (`password`, `secret`, `token`, `hash`,
`key`, `salt`, `otp`...; see `SECRET_FIELD`) and those in a ModelAdmin's `audit_exclude_fields` appear
as "[redacted]" when they changed.  `updated_at` is left out.  A ModelAdmin sets `audit_admin = False`
to opt out (the audit log's own read-only admin does).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import HttpResponseBase

from .services import audit_log_create

REDACTED = "[redacted]"
SECRET_FIELD = re.compile(r"password|secret|token|hash|salt|otp|recovery|(^|_)keys?($|_)", re.IGNORECASE)
IGNORED_FIELDS = frozenset({"updated_at"})
ACTION_SNAPSHOT_LIMIT = 500


def _jsonable(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        return str(value)


def snapshot(obj: models.Model, exclude: tuple[str, ...] | frozenset[str] = ()) -> dict[str, Any]:
    """The object's fields as JSON values (foreign keys as ids, many-to-many as sorted id lists);
    secrets as REDACTED placeholders that still show whether they changed (a digest of the value)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in IGNORED_FIELDS:
            continue
        value = _jsonable(field.value_from_object(obj))
        data[field.name] = _redact(value) if _is_secret(field.name, exclude) else value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            try:
                ids = sorted(str(pk) for pk in (o.pk for o in getattr(obj, field.name).all()))
            except (ValueError, AttributeError):
                continue
            data[field.name] = _redact(ids) if _is_secret(field.name, exclude) else ids
    return data


class _Redacted(str):
    """Placeholder that compares by the hidden value (so a change is detected) and serialises as
    REDACTED."""

    __slots__ = ("hidden",)

    def __new__(cls, hidden: Any):
        self = super().__new__(cls, REDACTED)
        self.hidden = json.dumps(hidden, sort_keys=True, default=str)
        return self

    def __eq__(self, other):
        return isinstance(other, _Redacted) and self.hidden == other.hidden

    def __ne__(self, other):
        return not self == other

    __hash__ = str.__hash__


def _redact(value: Any) -> _Redacted:
    return _Redacted(value)


def _is_secret(name: str, exclude) -> bool:
    return name in exclude or bool(SECRET_FIELD.search(name))


def _plain(value: Any) -> Any:
    return REDACTED if isinstance(value, _Redacted) else value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """`{field: [before, after]}` for the fields that differ (None for a side that has none)."""
    changes = {}
    for name in [*before, *(n for n in after if n not in before)]:
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes


def _fresh(model: type[models.Model], pk: Any) -> models.Model | None:
    if pk is None:
        return None
    return model._base_manager.filter(pk=pk).first()


class AdminAuditMixin:
    """See the module docstring.  Mixed in by the admin site; works on any ModelAdmin."""

    audit_admin = True
    audit_exclude_fields: tuple[str, ...] = ()

    # --- helpers ---------------------------------------------------------------------------------
    def _audit_on(self) -> bool:
        return bool(getattr(self, "audit_admin", True))

    def _audit_snapshot(self, obj: models.Model | None) -> dict[str, Any]:
        return snapshot(obj, tuple(self.audit_exclude_fields)) if obj is not None else {}

    def _audit_write(self, request, action: str, obj: models.Model, changes: dict, reason: str = "") -> None:
        audit_log_create(actor=request.user, action=action, target=obj, changes=changes, reason=reason)

    # --- add / change (change form, list_editable) ------------------------------------------------
    def save_model(self, request, obj, form, change):
        if self._audit_on() and change:
            obj._cw_audit_before = self._audit_snapshot(_fresh(type(obj), obj.pk))
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if self._audit_on():
            after = self._audit_snapshot(_fresh(type(obj), obj.pk) or obj)
            self._audit_write(request, "admin.add", obj, diff({}, after))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if self._audit_on():
            before = obj.__dict__.pop("_cw_audit_before", None)
            after = self._audit_snapshot(_fresh(type(obj), obj.pk) or obj)
            if before is None:
                # Changed outside save_model (the user admin's password form): no "before" was taken.
                text = entry.get_change_message() if entry is not None else ""
                self._audit_write(request, "admin.change", obj, {}, reason=text)
            else:
                changes = diff(before, after)
                if changes:
                    self._audit_write(request, "admin.change", obj, changes)
        return entry

    # --- inlines ---------------------------------------------------------------------------------
    def save_formset(self, request, form, formset, change):
        if not self._audit_on():
            return super().save_formset(request, form, formset, change)
        model = formset.model
        pks = [f.instance.pk for f in getattr(formset, "initial_forms", []) if f.instance.pk is not None]
        before = {o.pk: snapshot(o) for o in model._base_manager.filter(pk__in=pks)} if pks else {}
        result = super().save_formset(request, form, formset, change)
        parent = f"inline of {form.instance._meta.verbose_name} {form.instance}"[:500]
        for obj in getattr(formset, "new_objects", []):
            self._audit_write(request, "admin.add", obj, diff({}, snapshot(obj)), reason=parent)
        for obj, _fields in getattr(formset, "changed_objects", []):
            changes = diff(before.get(obj.pk, {}), snapshot(_fresh(model, obj.pk) or obj))
            if changes:
                self._audit_write(request, "admin.change", obj, changes, reason=parent)
        for obj in getattr(formset, "deleted_objects", []):
            old = before.get(obj.pk) or snapshot(obj)
            self._audit_write(request, "admin.delete", obj, diff(old, {}), reason=parent)
        return result

    # --- deletions (one object, or the "delete selected" action) ----------------------------------
    def log_deletions(self, request, queryset):
        if self._audit_on():
            for obj in queryset:
                self._audit_write(request, "admin.delete", obj, diff(self._audit_snapshot(obj), {}))
        return super().log_deletions(request, queryset)

    # --- other actions ---------------------------------------------------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self._audit_on():
            return actions
        return {
            name: (func if name == "delete_selected" else self._audited_action(func, name), name, description)
            for name, (func, _name, description) in actions.items()
        }

    def _audited_action(self, func, name: str):
        def audited(modeladmin, request, queryset):
            model = queryset.model
            m2m = [f.name for f in model._meta.many_to_many]
            selected = list(queryset.prefetch_related(*m2m)[:ACTION_SNAPSHOT_LIMIT])
            before = {str(o.pk): modeladmin._audit_snapshot(o) for o in selected}
            response = func(modeladmin, request, queryset)
            after_objs = model._base_manager.filter(pk__in=[o.pk for o in selected]).prefetch_related(*m2m)
            after = {str(o.pk): modeladmin._audit_snapshot(o) for o in after_objs}
            changed = {pk: d for pk in before if (d := diff(before[pk], after.get(pk, {})))}
            audit_log_create(
                actor=request.user,
                action="admin.action",
                target_type=model._meta.label_lower,
                target_repr=f"{name} on {len(before)} {model._meta.verbose_name_plural}"[:255],
                changes={
                    "action": name,
                    "selected": list(before),
                    "objects": changed,
                    "answered_with_page": isinstance(response, HttpResponseBase),
                },
            )
            return response

        audited.__name__ = getattr(func, "__name__", name)
        for attr in ("short_description", "allowed_permissions"):
            if hasattr(func, attr):
                setattr(audited, attr, getattr(func, attr))
        return audited


def audited_admin_class(admin_class: type) -> type:
    """`admin_class` with AdminAuditMixin in front (the class itself when it already has it)."""
    if issubclass(admin_class, AdminAuditMixin):
        return admin_class
    return type(admin_class.__name__, (AdminAuditMixin, admin_class), {"__module__": admin_class.__module__})
