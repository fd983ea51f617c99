"""The rules of a feature flag for one user (used by the model `FeatureFlag`; read flags through
courseworx/core/flags.py).  No project imports: the model imports this module."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any


def percent_bucket(flag_name: str, user_id: Any) -> Decimal:
    """The user's place in this flag's rollout, 0.0..99.9: the same for the same flag and user on every
    process and every day, independent between flags (so one flag's early group is not every flag's)."""
    digest = hashlib.sha256(f"{flag_name}:{user_id}".encode()).digest()
    return Decimal(int.from_bytes(digest[:8], "big") % 1000) / 10


def in_rollout(flag_name: str, user_id: Any, percent: Decimal | None) -> bool:
    return bool(percent) and percent_bucket(flag_name, user_id) < Decimal(str(percent))


def _user_group_ids(user) -> set[int]:
    """The user's group ids, read once per user object (a page or the API checks many flags)."""
    cached = getattr(user, "_cw_flag_group_ids", None)
    if cached is None:
        cached = set(user.groups.values_list("pk", flat=True))
        user._cw_flag_group_ids = cached
    return cached


def rule_matches_user(flag, user) -> bool | None:
    """FeatureFlag.is_active_for_user: True (on), False (off for everyone) or None (no rule matched)."""
    if flag.everyone is not None:
        return flag.everyone
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if flag.authenticated:
        return True
    if flag.staff and user.is_staff:
        return True
    if flag.superusers and user.is_superuser:
        return True
    if getattr(user, "role", None) in (flag.roles or []):
        return True
    if user.pk in flag._get_user_ids():
        return True
    group_ids = flag._get_group_ids()
    if group_ids and group_ids & _user_group_ids(user):
        return True
    if in_rollout(flag.name, user.pk, flag.percent):
        return True
    return None
