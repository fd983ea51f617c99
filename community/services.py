"""Community write paths.  Other apps notify people only through `notification_create`.

Every function is keyword-only and atomic.  Writes that need a permission split a `_check_...`
step (validation, permission, mutes, rate limit: raises before anything changes) from the change
itself.  Side effects (e-mails) go out through Celery tasks enqueued on commit; enqueuing or
sending never raises into the request that caused it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Notification, NotificationPreference, UserMute

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "community.unsubscribe"


def _setting(name: str, default):
    return getattr(settings, name, default)


def _enqueue(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:  # a broker outage or a failing eager task must never break the request
        logger.exception("Could not enqueue %s%r", getattr(task, "name", task), args)


def _on_commit(task, *args) -> None:
    transaction.on_commit(lambda: _enqueue(task, *args), robust=True)


# =================================================================================================
# Notifications
# =================================================================================================
def notification_channel_get(*, user, category: str) -> str:
    channel = (
        NotificationPreference.objects.filter(user=user, category=category).values_list("channel", flat=True).first()
    )
    return channel or NotificationPreference.Channel.IMMEDIATE


@transaction.atomic
def notification_create(
    *, user, category: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Store a notification (always) and e-mail it according to the user's preference for the
    category: immediately (a task after commit), in the daily digest, or not at all.

    `email=False` keeps it in-app only.  Never raises because of e-mail.
    """
    channel = ""
    if email and getattr(user, "email", ""):
        preference = notification_channel_get(user=user, category=category)
        if preference != NotificationPreference.Channel.OFF:
            channel = preference
    notification = Notification(
        user=user, category=category, title=title[:200], body=body, url=url[:500], email_channel=channel
    )
    notification.full_clean()
    notification.save()
    if channel == Notification.EmailChannel.IMMEDIATE:
        from .tasks import notification_send_email

        _on_commit(notification_send_email, str(notification.pk))
    return notification


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notification_mark_read(*, user, notification_ids: list | None = None) -> int:
    """Mark some (or all, when ids is None) of the user's unread notifications read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user, category: str, channel: str) -> NotificationPreference:
    if category not in Notification.Category.values:
        raise ValidationError({"category": "Unknown notification category."}, code="invalid")
    if channel not in NotificationPreference.Channel.values:
        raise ValidationError({"channel": "Choose immediately, daily digest or off."}, code="invalid")
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, category=category, defaults={"channel": channel}
    )
    if channel == NotificationPreference.Channel.OFF:
        # Nothing still waiting for a digest goes out after opting out.
        Notification.objects.filter(user=user, category=category, emailed_at__isnull=True).exclude(
            email_channel=""
        ).update(email_channel="")
    return preference


def notification_preferences_get(*, user) -> dict[str, str]:
    """{category: channel} for every category (defaults filled in)."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("category", "channel"))
    return {c: stored.get(c, NotificationPreference.Channel.IMMEDIATE) for c in Notification.Category.values}


def unsubscribe_token_make(*, user, category: str) -> str:
    return signing.dumps({"u": str(user.pk), "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[str, str]:
    """(user id, category); raises ValidationError for a forged or unreadable token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return str(data["u"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise ValidationError("This unsubscribe link is not valid.", code="bad_token") from exc


@transaction.atomic
def notification_unsubscribe(*, token: str) -> NotificationPreference:
    """One click: the token's category is no longer e-mailed to its user.  No login needed."""
    from accounts.models import User

    user_id, category = unsubscribe_token_read(token)
    user = User.objects.filter(pk=user_id).first()
    if user is None or category not in Notification.Category.values:
        raise ValidationError("This unsubscribe link is not valid.", code="bad_token")
    return notification_preference_set(user=user, category=category, channel=NotificationPreference.Channel.OFF)


# =================================================================================================
# Posting guards: mutes and the per-user rate limit
# =================================================================================================
def user_mute_active(*, user) -> UserMute | None:
    return UserMute.objects.filter(user_id=user.pk, until__gt=timezone.now()).order_by("-until").first()


def _check_can_post(*, user) -> None:
    """Every posting service calls this first: muted users and fast posters are refused."""
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied("Sign in to post.")
    mute = user_mute_active(user=user)
    if mute is not None:
        raise PermissionDenied(
            f"You cannot post until {timezone.localtime(mute.until):%d %b %Y %H:%M} (muted by a moderator)."
        )
    limit = int(_setting("COMMUNITY_POST_RATE_LIMIT", 6))
    window = int(_setting("COMMUNITY_POST_RATE_WINDOW", 60))
    if limit <= 0:
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
            "You are posting too fast: at most %(limit)s posts per %(window)s seconds. Try again in a minute.",
            code="rate_limited",
            params={"limit": limit, "window": window},
        )


def user_mute_create(*, user, until, reason: str, by) -> UserMute:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the user is muted."})
    mute = UserMute(user=user, until=until, reason=reason.strip(), muted_by=by)
    mute.full_clean()
    mute.save()
    return mute


def mute_until(days: int):
    return timezone.now() + timedelta(days=days)
