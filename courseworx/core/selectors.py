"""Core read paths used by pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification
from .types import AuthUser


def notification_list(*, user: AuthUser, unread: bool = False, category: str = "") -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-created_at")
