"""Feature flags: django-waffle's flags (model `core.FeatureFlag`) plus the project's roles and a
percentage rollout that is stable per user.

Use them through this module:
- `flag_is_active(request_or_user, name)` in views, services and tasks (a request, a user, or None for
  an anonymous caller); an unknown flag is off.
- `@flag_required(name)` on a page view (404 while the flag is off for the caller, like a page that
  does not exist yet); `FlagRequired(name)` as a DRF permission.
- `{% load waffle_tags %}{% flag "name" %}...{% else %}...{% endflag %}` in templates (needs `request` in
  the context, which every page has).
- `GET /api/v1/flags/` (courseworx/core/api/views.py): the names of the flags active for the caller.

A flag is on for a user when (first rule that decides wins): `everyone` is Yes (No: off for all) →
the user is signed in and `authenticated` is set, or is staff with `staff`, or a superuser with
`superusers`, or has one of `roles` (User.role), or is one of `users`, or belongs to one of `groups`
(the staff-duty groups: Moderators, Support...) → the user's stable bucket is under `percent`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import waffle
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from rest_framework.permissions import BasePermission

from .services import audit_log_create
from .types import AnyUser

SNAPSHOT_FIELDS = (
    "everyone",
    "percent",
    "authenticated",
    "staff",
    "superusers",
    "roles",
    "languages",
    "testing",
    "rollout",
    "note",
)


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


def _as_request(request_or_user: HttpRequest | AnyUser | None) -> HttpRequest:
    if isinstance(request_or_user, HttpRequest):
        if not hasattr(request_or_user, "user"):
            request_or_user.user = AnonymousUser()
        return request_or_user
    # DRF's Request wraps an HttpRequest and exposes the authenticated user.
    inner = getattr(request_or_user, "_request", None)
    if isinstance(inner, HttpRequest):
        inner.user = request_or_user.user  # type: ignore[union-attr]
        return inner
    request = HttpRequest()
    request.user = request_or_user if request_or_user is not None else AnonymousUser()
    return request


def flag_is_active(request_or_user: HttpRequest | AnyUser | None, name: str) -> bool:
    """Is the flag `name` on for this request's user (or this user; None: an anonymous caller)?"""
    return bool(waffle.flag_is_active(_as_request(request_or_user), name, read_only=True))


def flags_active(request_or_user: HttpRequest | AnyUser | None) -> list[str]:
    """The names of every flag that is on for the caller (sorted)."""
    request = _as_request(request_or_user)
    model = waffle.get_waffle_flag_model()
    return sorted(flag.name for flag in model.get_all() if flag.is_active(request, read_only=True))


def flag_required(name: str) -> Callable:
    """View decorator: the page answers 404 while the flag is off for the caller."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not flag_is_active(request, name):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def FlagRequired(name: str) -> type[BasePermission]:
    """DRF permission: `permission_classes = [IsAuthenticated, FlagRequired("new-api")]`."""

    class _FlagRequired(BasePermission):
        message = "This feature is not available."

        def has_permission(self, request, view) -> bool:
            return flag_is_active(request, name)

    _FlagRequired.__name__ = f"FlagRequired_{name}"
    return _FlagRequired


# --- audit (the admin's save/delete hooks call these) ----------------------------------------------
def flag_snapshot(flag) -> dict[str, Any]:
    """The flag's rules as JSON-able values, to compare before and after an edit."""
    data: dict[str, Any] = {}
    for field in SNAPSHOT_FIELDS:
        value = getattr(flag, field)
        data[field] = str(Decimal(value).quantize(Decimal("0.1"))) if isinstance(value, Decimal) else value
    if flag.pk:
        data["users"] = sorted(str(pk) for pk in flag.users.values_list("pk", flat=True))
        data["groups"] = sorted(flag.groups.values_list("name", flat=True))
    else:
        data["users"], data["groups"] = [], []
    return data


def flag_audit(*, actor: AnyUser | None, flag, action: str, before: dict[str, Any] | None) -> None:
    """Write the audit row of a flag created ("flag.created"), changed or deleted: the fields that
    changed as {field: [before, after]} (every field for a creation or deletion)."""
    after = flag_snapshot(flag) if action != "flag.deleted" else {}
    before = before or {}
    keys = sorted(set(before) | set(after))
    changes = {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}
    if action == "flag.changed" and not changes:
        return
    audit_log_create(actor=actor, action=action, target=flag, changes=changes)
