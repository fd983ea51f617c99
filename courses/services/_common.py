"""Private helpers shared by the course service modules (never called from outside `courses.services`)."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from ..models import Course

# Orders are moved out of the way by this much first, so that re-numbering never collides with the
# (parent, order) unique constraints (which SQLite checks row by row).
_REORDER_OFFSET = 1_000_000


def _lock_course(course: Course) -> Course:
    """Lock the course row (then re-check its state on the fresh copy)."""
    return Course.objects.select_for_update().get(pk=course.pk)


def _sync(target: Course, source: Course, *fields: str) -> None:
    """Reflect the locked copy's new state on the caller's instance."""
    for field in fields:
        setattr(target, field, getattr(source, field))


def _apply_fields(obj: models.Model, data: dict[str, Any], protected: set[str]) -> list[str]:
    """Set concrete, editable fields from `data`; unknown or protected names are a ValidationError."""
    errors: dict[str, str] = {}
    changed: list[str] = []
    for name, value in data.items():
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            errors[name] = "Unknown field."
            continue
        # (reverse relations and generic foreign keys are not `models.Field`s, nor concrete)
        if not isinstance(field, models.Field) or name in protected or not field.concrete or field.many_to_many:
            errors[name] = "This field cannot be set here."
            continue
        if not field.editable:
            errors[name] = "This field cannot be set here."
            continue
        setattr(obj, name, value)
        changed.append(field.attname if field.is_relation else name)
    if errors:
        raise ValidationError(errors)
    return changed
