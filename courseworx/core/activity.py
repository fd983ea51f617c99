"""Activity capture, used by every app: `activity_record(user=, event=, course_id=, content_id=, data=)`.

Core owns the entry point, not the table: the reports app stores the events (`ActivityLog`) and
registers its `reports.services.activity_log` as the handler when Django has loaded every app
(`ReportsConfig.ready`).  Apps record events while handling requests and tasks, after start-up,
so the handler is always there; recording with none registered is a configuration error and
raises rather than dropping the event silently.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from .types import AnyUser

_handler: Callable[..., Any] | None = None


def activity_handler_register(handler: Callable[..., Any]) -> None:
    """Set the one function that stores events (called again, e.g. by a second `ready()`, it replaces it)."""
    global _handler
    _handler = handler


def activity_record(
    *,
    user: AnyUser | uuid.UUID | str | None,
    event: str,
    course_id: uuid.UUID | str | None = None,
    content_id: uuid.UUID | str | None = None,
    data: dict | None = None,
) -> Any:
    """Record one event through the registered handler (reports: one INSERT, no reads; an unknown
    event is a ValueError).  `user` is a user, their id, or anonymous/None (no one signed in).
    Returns what the handler returns (reports: the row, or None)."""
    if _handler is None:
        raise RuntimeError("No activity handler is registered: is the 'reports' app installed?")
    return _handler(user=user, event=event, course_id=course_id, content_id=content_id, data=data)
