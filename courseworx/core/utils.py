"""Small helpers shared by every app."""

import uuid

from django.db import models


def parse_uuid(value) -> uuid.UUID | None:
    """A UUID from a query-string value, or None when it is missing or malformed (never an exception)."""
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return None


def concrete_field(model: type[models.Model] | models.Model, name: str) -> models.Field:
    """`model._meta.get_field(name)` for a field that is a real column or many-to-many (not a reverse
    relation or a generic foreign key): what snapshot/restore code reads `attname`, `null` and `to_python` of."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a concrete field of {model._meta.label}")
    return field
