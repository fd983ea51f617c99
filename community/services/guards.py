"""Posting guards: mutes and the per-user rate limit.

`user_check_can_post` is the check step every posting service (reviews, threads, replies, tickets,
messages) calls before it changes anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.bulk import bulk_loading_active

from ..models import UserMute
from ..selectors import user_mute_active
from ._common import setting


def user_check_can_post(*, user: User) -> None:
    """Muted users (403) and fast posters (400 `rate_limited`) are refused; nothing is written but the
    rate-limit counter in the cache."""
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to post."))
    mute = user_mute_active(user=user)
    if mute is not None:
        raise PermissionDenied(
            f"You cannot post until {timezone.localtime(mute.until):%d %b %Y %H:%M} (muted by a moderator)."
        )
    limit = int(setting("COMMUNITY_POST_RATE_LIMIT", 6))
    window = int(setting("COMMUNITY_POST_RATE_WINDOW", 60))
    if limit <= 0 or bulk_loading_active():
        return
    bucket = int(timezone.now().timestamp() // window)
    key = f"community:posts:{user.pk}:{bucket}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count > limit:
        raise ValidationError(
            _("You are posting too fast: at most %(limit)s posts per %(window)s seconds. Try again in a minute."),
            code="rate_limited",
            params={"limit": limit, "window": window},
        )


def user_mute_create(*, user: User, until: datetime, reason: str, by: User | None) -> UserMute:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the user is muted."})
    mute = UserMute(user=user, until=until, reason=reason.strip(), muted_by=by)
    mute.full_clean()
    mute.save()
    return mute


def mute_until(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)
