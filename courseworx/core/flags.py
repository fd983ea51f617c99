"""Feature flags: django-waffle's flags (model `core.FeatureFlag`) plus the project's roles and a
percentage rollout that is stable per user.

Use them through this module:
- `flag_is_active(request_or_user, name)` in views, services and tasks (a request, a user, or None for
  an anonymous caller); an unknown flag is off.
- `@flag_required(name)` on a page view (404 while the flag is off for the caller, like a page that
  does not exist yet); `FlagRequired(name)` as a DRF permission.
- `{% load waffle_tags %}{% flag "name" %}...{% else %}...{% endflag %}` in templates (needs `request` in
  the context, which every page has).
- `GET /api/v1/feature-flags/` (courseworx/core/api/views.py): the names of the flags active for the caller.

A flag is on for a user when (first rule that decides wins): `everyone` is Yes (No: off for all) →
the user is signed in and `authenticated` is set, or is staff with `staff`, or a superuser with
`superusers`, or has one of `roles` (User.role), or is one of `users`, or belongs to one of `groups`
(the staff-duty groups: Moderators, Support...) → the user's stable bucket is under `percent`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import waffle
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from rest_framework.permissions import BasePermission

from .flag_rules import in_rollout, percent_bucket, rule_matches_user
from .services import audit_log_create
from .types import AnyUser

__all__ = [
    "FlagRequired",
    "flag_audit",
    "flag_is_active",
    "flag_required",
    "flag_snapshot",
    "flags_active",
    "in_rollout",
    "percent_bucket",
    "rule_matches_user",
]

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
    request.user = request_or_user if request_or_user is not None else AnonymousUser()  # type: ignore[assignment]
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
