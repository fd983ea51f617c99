"""Live settings: values staff change in the admin ("System settings") that take effect at once,
without a restart, with the Django setting of the same name as the default.

- Each live setting is declared once with `register(LiveSetting(...))`: core declares the site's
  (below); an app declares its own in its AppConfig.ready() (billing: the refund window; community:
  the moderation threshold).
- Code reads them through the one accessor `setting_value(key)`.  A stored value (a SystemSetting row
  with a non-null value) wins; otherwise `getattr(django.conf.settings, key)` at call time, so the
  environment and tests' `settings` fixture still set the default.
- Values are cached in the shared cache (one entry holding every stored value, for
  `LIVE_SETTINGS_CACHE_SECONDS`); `setting_set` / `setting_reset` (the admin's save) validate, write,
  audit ("setting.changed") and drop that entry (again once the transaction commits), so every process
  sees the new value on its next read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .types import AnyUser

CACHE_KEY = "core:live-settings:v1"

KINDS = ("str", "email", "int", "decimal", "bool")


@dataclass(frozen=True)
class LiveSetting:
    key: str  # also the name of the Django setting that holds the default
    label: Any
    kind: str = "str"
    help_text: Any = ""
    min_value: int | Decimal | None = None
    max_value: int | Decimal | None = None
    max_length: int = 200
    validators: tuple[Callable[[Any], None], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: kind must be one of {KINDS}")

    def formfield(self, **kwargs) -> forms.Field:
        """The typed form field that validates a new value (admin)."""
        common: dict[str, Any] = {"label": self.label, "help_text": self.help_text, **kwargs}
        common.setdefault("validators", list(self.validators))
        if self.kind == "int":
            return forms.IntegerField(
                min_value=None if self.min_value is None else int(self.min_value),
                max_value=None if self.max_value is None else int(self.max_value),
                **common,
            )
        if self.kind == "decimal":
            return forms.DecimalField(
                min_value=self.min_value, max_value=self.max_value, max_digits=12, decimal_places=2, **common
            )
        if self.kind == "bool":
            return forms.BooleanField(required=False, **common)
        if self.kind == "email":
            return forms.EmailField(max_length=self.max_length, **common)
        return forms.CharField(max_length=self.max_length, **common)

    def clean(self, value: Any) -> Any:
        """The value in its Python type, or a ValidationError with the field's message."""
        if self.kind == "bool" and not isinstance(value, bool):
            raise ValidationError(_("Enter true or false."), code="invalid")
        return self.formfield(required=self.kind != "bool").clean(value)

    def to_json(self, value: Any) -> Any:
        return str(value) if isinstance(value, Decimal) else value

    def from_json(self, value: Any) -> Any:
        if self.kind == "decimal":
            return Decimal(str(value))
        if self.kind == "int":
            return int(value)
        return value

    def default(self) -> Any:
        try:
            return getattr(settings, self.key)
        except AttributeError:
            raise ImproperlyConfigured(f"{self.key} is not set: it is defined in courseworx/settings.py.") from None


_REGISTRY: dict[str, LiveSetting] = {}


def register(definition: LiveSetting) -> LiveSetting:
    """Declare a live setting (idempotent for the same declaration; apps call it in ready())."""
    existing = _REGISTRY.get(definition.key)
    if existing is not None and existing != definition:
        raise ImproperlyConfigured(f"live setting {definition.key} is declared twice, differently")
    _REGISTRY[definition.key] = definition
    return definition


def definitions() -> list[LiveSetting]:
    return sorted(_REGISTRY.values(), key=lambda d: d.key)


def definition(key: str) -> LiveSetting:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise ImproperlyConfigured(f"{key} is not a declared live setting (courseworx/core/live_settings.py)") from None


def _stored_values() -> dict[str, Any]:
    values = cache.get(CACHE_KEY)
    if values is None:
        from .models import SystemSetting  # noqa: PLC0415 - apps import this module before models load

        values = dict(SystemSetting.objects.filter(value__isnull=False).values_list("key", "value"))
        cache.set(CACHE_KEY, values, getattr(settings, "LIVE_SETTINGS_CACHE_SECONDS", 300))
    return values


def prime_empty() -> None:
    """For an empty SystemSetting table (a fresh test database): cache "nothing stored" without a query."""
    cache.set(CACHE_KEY, {}, getattr(settings, "LIVE_SETTINGS_CACHE_SECONDS", 300))


def invalidate() -> None:
    cache.delete(CACHE_KEY)


def setting_value(key: str) -> Any:
    """The live value of `key`: the value stored in the admin, else the Django setting."""
    definition_ = definition(key)
    stored = _stored_values()
    if key in stored:
        try:
            return definition_.from_json(stored[key])
        except (TypeError, ValueError, ArithmeticError):
            pass  # a value damaged outside the app: the default rather than a crash
    return definition_.default()


def is_overridden(key: str) -> bool:
    return key in _stored_values()


def _save(*, actor: AnyUser | None, key: str, value: Any) -> None:
    from .models import SystemSetting  # noqa: PLC0415 - apps import this module before models load
    from .services import audit_log_create  # noqa: PLC0415

    definition_ = definition(key)
    with transaction.atomic():
        row, _created = SystemSetting.objects.select_for_update().get_or_create(key=key)
        before = row.value
        after = definition_.to_json(value) if value is not None else None
        if before == after and not _created:
            return
        row.value = after
        row.updated_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
        row.save()
        audit_log_create(
            actor=actor,
            action="setting.changed",
            target=row,
            changes={"value": [before, after], "default": [None, definition_.to_json(_default_or_none(definition_))]},
        )
        invalidate()
        transaction.on_commit(invalidate)


def _default_or_none(definition_: LiveSetting) -> Any:
    try:
        return definition_.default()
    except ImproperlyConfigured:
        return None


def setting_set(*, actor: AnyUser | None, key: str, value: Any) -> Any:
    """Store a new live value (validated: ValidationError {"value": [...]} when refused)."""
    definition_ = definition(key)
    try:
        cleaned = definition_.clean(value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from None
    _save(actor=actor, key=key, value=cleaned)
    return cleaned


def setting_reset(*, actor: AnyUser | None, key: str) -> None:
    """Back to the Django setting (the stored value is cleared, the row and its history stay)."""
    _save(actor=actor, key=key, value=None)


def rows_ensure() -> None:
    """One SystemSetting row per declared setting, so the admin lists them all (idempotent)."""
    from .models import SystemSetting  # noqa: PLC0415

    SystemSetting.objects.bulk_create(
        [SystemSetting(key=d.key) for d in definitions()], ignore_conflicts=True, batch_size=100
    )


# --- the site's own live settings (apps register theirs in their AppConfig.ready()) ---------------
register(
    LiveSetting(
        "SITE_NAME",
        _("Site name"),
        "str",
        _("Shown in the page titles, the header and the e-mails."),
        max_length=80,
    )
)
register(
    LiveSetting(
        "SUPPORT_EMAIL",
        _("Support e-mail"),
        "email",
        _("Where people are told to write for help (footer, error pages)."),
        max_length=254,
    )
)
