"""Core read paths used by pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditLog, Notification
from .types import AuthUser


def notification_list(*, user: AuthUser, unread: bool = False, category: str = "") -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-created_at")


def audit_log_list() -> QuerySet[AuditLog]:
    """Every audit record, newest first, with its actor."""
    return AuditLog.objects.select_related("actor").order_by("-created_at", "-id")
