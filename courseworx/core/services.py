"""Cross-cutting write helpers shared by every app."""

from typing import Any

from django.db import models

from .models import AuditLog


def audit_log_create(
    *, actor, action: str, target: models.Model | None = None, reason: str = "", changes: dict[str, Any] | None = None
) -> AuditLog:
    """Record a privileged change.  Call inside the service's transaction."""
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        reason=reason,
        changes=changes or {},
    )
