"""Write paths of the reports app: activity capture, report exports, subscriptions, accessibility
reports and personal-data requests.  Keyword-only, atomic where they write several rows, tasks
enqueued on commit."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ActivityLog

logger = logging.getLogger(__name__)

EVENTS = frozenset(ActivityLog.Event.values)


def _pk(value) -> Any:
    """An id from a model instance, an id, or None."""
    if value is None:
        return None
    return getattr(value, "pk", value)


def activity_log(
    *,
    user,
    event: str,
    course_id: uuid.UUID | str | None = None,
    content_id: uuid.UUID | str | None = None,
    data: dict | None = None,
) -> ActivityLog | None:
    """Record one event: exactly one INSERT, no reads (ids are stored as given).

    Outside a transaction a failed insert is logged and dropped (analytics must not break a lesson page).
    No savepoint is taken inside a caller's transaction (that would be two more statements); the
    foreign keys are deferred on PostgreSQL, so they are checked at the caller's commit, like its own rows.
    """
    if event not in EVENTS:
        raise ValueError(f"Unknown activity event {event!r}.")
    user_id = _pk(user) if getattr(user, "is_authenticated", True) else None
    row = ActivityLog(
        user_id=user_id,
        event=event,
        course_id=_pk(course_id),
        content_id=_pk(content_id),
        data=data or {},
        created_at=timezone.now(),
    )
    if transaction.get_connection().in_atomic_block:
        row.save(force_insert=True)
        return row
    try:
        row.save(force_insert=True)
    except (IntegrityError, ValueError):
        logger.warning("Activity event %s for user %s not recorded", event, user_id, exc_info=True)
        return None
    return row


def activity_log_many(rows: list[dict]) -> int:
    """Batch capture (one multi-row INSERT): each dict has the keyword arguments of activity_log."""
    now = timezone.now()
    objs = [
        ActivityLog(
            user_id=_pk(r.get("user")),
            event=r["event"],
            course_id=_pk(r.get("course_id")),
            content_id=_pk(r.get("content_id")),
            data=r.get("data") or {},
            created_at=r.get("created_at") or now,
        )
        for r in rows
        if r.get("event") in EVENTS
    ]
    ActivityLog.objects.bulk_create(objs, batch_size=1000)
    return len(objs)
