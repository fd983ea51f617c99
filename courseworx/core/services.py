"""Cross-cutting write helpers shared by every app."""

from __future__ import annotations

import hashlib
import logging
import traceback as tb
from typing import Any, cast

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .models import AuditLog, ErrorLog
from .requestid import get_client_ip, get_request_id
from .types import AnyUser, AuthUser

logger = logging.getLogger(__name__)

_UNSET: Any = object()


def audit_log_create(
    *,
    actor: AnyUser | None,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    ip_address: str | None = _UNSET,
    request_id: str | None = _UNSET,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
) -> AuditLog:
    """Record a privileged change.  Call inside the service's transaction.  `actor` None (or anonymous):
    the system did it (a task, a deletion request).

    The client's address and the request id come from the current request (`requestid`) unless given;
    `target_type`/`target_id`/`target_repr` describe a target that is not a model instance (or is gone).
    """
    # No actor or an anonymous one (no pk): the row says "system".
    user = cast("AuthUser | None", actor if getattr(actor, "pk", None) else None)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)
    return AuditLog.objects.create(
        actor=user,
        action=action,
        target_type=target_type[:100],
        target_id=str(target_id)[:64],
        target_repr=str(target_repr)[:255],
        reason=reason,
        changes=changes or {},
        ip_address=get_client_ip() if ip_address is _UNSET else ip_address,
        request_id=((get_request_id() if request_id is _UNSET else request_id) or "")[:64],
    )


# --- error log --------------------------------------------------------------------------------------


def traceback_hash(exc: BaseException) -> str:
    """Groups occurrences of one bug: the exception class and the frames (file, function, source
    line; not line numbers or the message, which vary)."""
    parts = [f"{type(exc).__module__}.{type(exc).__qualname__}"]
    for frame in tb.extract_tb(exc.__traceback__):
        parts.append(f"{frame.filename}:{frame.name}:{(frame.line or '').strip()}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def error_log_record(exc: BaseException, *, request=None) -> ErrorLog | None:
    """Store an unhandled exception (grouped by traceback hash, count incremented).  Never raises:
    when the database cannot take it (down, broken transaction) the failure is only logged."""
    try:
        digest = traceback_hash(exc)
        text = "".join(tb.format_exception(type(exc), exc, exc.__traceback__))[-20000:]
        user = getattr(request, "user", None) if request is not None else None
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        values = {
            "exception_class": f"{type(exc).__module__}.{type(exc).__qualname__}"[:200],
            "message": str(exc)[:500],
            "traceback": text,
            "request_id": (getattr(request, "request_id", None) or get_request_id() or "")[:64],
            "user_id": user_id,
            "path": (request.path if request is not None else "")[:500],
            "method": (getattr(request, "method", "") or "")[:10],
            "last_seen": timezone.now(),
            "resolved": False,
        }
        with transaction.atomic():
            updated = ErrorLog.objects.filter(traceback_hash=digest).update(count=F("count") + 1, **values)
            if not updated:
                try:
                    with transaction.atomic():
                        return ErrorLog.objects.create(traceback_hash=digest, **values)
                except Exception:  # noqa: BLE001 - created meanwhile by another process: count it
                    ErrorLog.objects.filter(traceback_hash=digest).update(count=F("count") + 1, **values)
        return ErrorLog.objects.filter(traceback_hash=digest).first()
    except Exception:  # recording an error must never raise
        logger.warning("Could not record the error in the error log", exc_info=True)
        return None
