"""Helpers shared by the community service modules.  Internal: only `community.services.*` imports it."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def setting(name: str, default: Any) -> Any:
    """A community setting, read at call time (tests and live settings may change it)."""
    return getattr(settings, name, default)
