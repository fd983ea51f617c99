"""Small helpers shared by every app."""

import uuid


def parse_uuid(value) -> uuid.UUID | None:
    """A UUID from a query-string value, or None when it is missing or malformed (never an exception)."""
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return None
