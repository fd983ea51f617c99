"""Notifications, used by every app: store one, e-mail it per the user's preference, mark read,
preferences and one-click unsubscribe tokens.

`notification_create` always stores; e-mail goes out immediately (the `core.notification_send_email`
task, on commit), in the daily digest (`core.notification_send_daily_digests`) or not at all.  The
pages (list, bell, preferences, unsubscribe) are community's; e-mails link to them by URL name.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .bulk import bulk_loading_active
from .enqueue import enqueue_on_commit
from .models import Notification, NotificationPreference
from .types import AuthUser

UNSUBSCRIBE_SALT = "community.unsubscribe"  # unchanged when notifications moved here: old links stay valid


def notification_channel_get(*, user: AuthUser, category: str) -> str:
    channel = (
        NotificationPreference.objects.filter(user=user, category=category).values_list("channel", flat=True).first()
    )
    return channel or NotificationPreference.Channel.IMMEDIATE


@transaction.atomic
def notification_create(
    *, user: AuthUser, category: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Store a notification (always) and e-mail it according to the user's preference for the
    category: immediately (a task after commit), in the daily digest, or not at all.

    `email=False` keeps it in-app only.  Never raises because of e-mail.
    """
    channel = ""
    if email and user.email and not bulk_loading_active():
        preference = notification_channel_get(user=user, category=category)
        if preference != NotificationPreference.Channel.OFF:
            channel = preference
    notification = Notification(
        user=user, category=category, title=title[:200], body=body, url=url[:500], email_channel=channel
    )
    notification.full_clean()
    notification.save()
    if channel == Notification.EmailChannel.IMMEDIATE:
        enqueue_on_commit("core.notification_send_email", str(notification.pk))
    return notification


def notification_unread_count(*, user: AuthUser) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notification_mark_read(*, user: AuthUser, notification_ids: list | None = None) -> int:
    """Mark some (or all, when ids is None) of the user's unread notifications read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user: AuthUser, category: str, channel: str) -> NotificationPreference:
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


def notification_preferences_get(*, user: AuthUser) -> dict[str, str]:
    """{category: channel} for every category (defaults filled in)."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("category", "channel"))
    return {c: stored.get(c, NotificationPreference.Channel.IMMEDIATE) for c in Notification.Category.values}


def unsubscribe_token_make(*, user: AuthUser, category: str) -> str:
    return signing.dumps({"u": str(user.pk), "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[str, str]:
    """(user id, category); raises ValidationError for a forged or unreadable token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return str(data["u"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token") from exc


@transaction.atomic
def notification_unsubscribe(*, token: str) -> NotificationPreference:
    """One click: the token's category is no longer e-mailed to its user.  No login needed."""
    user_id, category = unsubscribe_token_read(token)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or category not in Notification.Category.values:
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token")
    return notification_preference_set(user=user, category=category, channel=NotificationPreference.Channel.OFF)


def notification_delete_for_user(*, user: AuthUser) -> int:
    """Account deletion: the person's notifications go (they name courses, people and amounts)."""
    deleted, _ = Notification.objects.filter(user=user).delete()
    return deleted
