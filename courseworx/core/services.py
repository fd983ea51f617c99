"""Cross-cutting write helpers shared by every app."""

from __future__ import annotations

from typing import Any, cast

from django.db import models

from .models import AuditLog
from .types import AnyUser, AuthUser


def audit_log_create(
    *,
    actor: AnyUser | None,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    """Record a privileged change.  Call inside the service's transaction.  `actor` None (or anonymous):
    the system did it (a task, a deletion request)."""
    # No actor or an anonymous one (no pk): the row says "system".
    user = cast("AuthUser | None", actor if getattr(actor, "pk", None) else None)
    return AuditLog.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        reason=reason,
        changes=changes or {},
    )
