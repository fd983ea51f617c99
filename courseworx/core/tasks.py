"""Core's Celery tasks: health pings and the notification e-mails (take ids, safe to run twice).

E-mail never breaks anything: a connection error is retried (bounded, with backoff); any other
failure is logged and the notification stays stored (and visible in the bell).
"""

import logging
from html import unescape

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from . import backups, jobs, pending_uploads, services_webhooks
from .models import Notification
from .notifications import unsubscribe_token_make

logger = logging.getLogger(__name__)


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    """A trivial task: used by the health check and by the worker round-trip test."""
    return value


@shared_task(name="core.add")
def add(x: int, y: int) -> int:
    return x + y


@shared_task(name="core.pending_uploads_purge", acks_late=True)
def pending_uploads_purge() -> int:
    """Periodic (settings.CELERY_BEAT_SCHEDULE): delete uploads kept for forms nobody sent again."""
    return pending_uploads.pending_uploads_purge()


@shared_task(name="core.job_runs_purge", acks_late=True)
def job_runs_purge() -> int:
    """Periodic (settings.CELERY_BEAT_SCHEDULE): delete job runs older than JOB_RUNS_RETENTION_DAYS."""
    return jobs.job_runs_purge()


@shared_task(name="core.backup_run", acks_late=False, time_limit=6 * 3600, soft_time_limit=6 * 3600 - 60)
def backup_run() -> int:
    """Nightly (settings.CELERY_BEAT_SCHEDULE `core-backup-nightly`): back up the database and media, prune old
    backups.  Not acked late: a worker lost mid-backup must not start another one; the run's BackupLog row says
    how it ended.  Returns the BackupLog id."""
    return backups.backup_create(trigger="schedule").pk


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _unsubscribe_url(user, category: str) -> str:
    token = unsubscribe_token_make(user=user, category=category)
    return _absolute(reverse("community:unsubscribe", kwargs={"token": token}))


def _send(*, user, subject: str, body: str, unsubscribe_url: str) -> None:
    message = EmailMessage(
        subject=f"[CourseWorx] {subject}",
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


@shared_task(
    name="core.notification_send_email",
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notification_send_email(self, notification_id: str) -> bool:
    """E-mail one stored notification; idempotent (emailed_at is set once)."""
    n = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, emailed_at__isnull=True, email_channel=Notification.EmailChannel.IMMEDIATE)
        .first()
    )
    if n is None or not n.user.is_active or not n.user.email:
        return False
    unsubscribe = _unsubscribe_url(n.user, n.category)
    body = render_to_string(
        "core/email/notification.txt",
        {"n": n, "link": _absolute(n.url) if n.url else "", "unsubscribe_url": unsubscribe, "user": n.user},
    )
    try:
        _send(user=n.user, subject=n.title, body=unescape(body), unsubscribe_url=unsubscribe)
    except OSError:
        raise  # connection problems: retried with backoff
    except Exception:
        logger.exception("E-mail for notification %s failed", notification_id)
        return False
    Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


@shared_task(
    name="core.notification_send_digest",
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=3,
)
def notification_send_digest(self, user_id: str) -> int:
    """ONE e-mail with every pending daily-digest notification of a user; marks them e-mailed.

    Idempotent: only the notifications read here are marked, and only if still unsent.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return 0
    pending = list(
        Notification.objects.filter(
            user=user, email_channel=Notification.EmailChannel.DAILY, emailed_at__isnull=True
        ).order_by("category", "created_at")
    )
    if not pending:
        return 0
    sections: dict[str, list] = {}
    for n in pending:
        sections.setdefault(n.get_category_display(), []).append({"n": n, "link": _absolute(n.url) if n.url else ""})
    preferences_url = _absolute(reverse("community:notification_preferences"))
    body = render_to_string(
        "core/email/digest.txt",
        {"user": user, "sections": sections, "count": len(pending), "preferences_url": preferences_url},
    )
    subject = ngettext(
        "Your daily summary: %(count)d update", "Your daily summary: %(count)d updates", len(pending)
    ) % {"count": len(pending)}
    try:
        _send(user=user, subject=subject, body=unescape(body), unsubscribe_url=preferences_url)
    except OSError:
        raise
    except Exception:
        logger.exception("Digest e-mail for user %s failed", user_id)
        return 0
    return Notification.objects.filter(pk__in=[n.pk for n in pending], emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


@shared_task(name="core.notification_send_daily_digests", acks_late=True)
def notification_send_daily_digests() -> int:
    """Periodic (entry "community-daily-digest" of settings.CELERY_BEAT_SCHEDULE): one digest task per user
    with pending daily notifications."""
    user_ids = (
        Notification.objects.filter(email_channel=Notification.EmailChannel.DAILY, emailed_at__isnull=True)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    count = 0
    for user_id in user_ids:
        try:
            notification_send_digest.delay(str(user_id))
        except Exception:
            logger.exception("Could not enqueue the digest of %s", user_id)
        count += 1
    return count


# --- Outbound webhooks (courseworx/core/services_webhooks.py) ----------------------------------------------
def _delay(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r (the sweep will pick it up)", task.name, args)


@shared_task(name="core.webhook_dispatch", acks_late=True)
def webhook_dispatch(event_id: str) -> int:
    """Fan one outbox event out to its endpoints, then one delivery task each (idempotent)."""
    delivery_ids = services_webhooks.webhook_event_dispatch(event_id=event_id)
    for delivery_id in delivery_ids:
        _delay(webhook_deliver, delivery_id)
    return len(delivery_ids)


@shared_task(name="core.webhook_deliver", acks_late=True)
def webhook_deliver(delivery_id: str) -> str | None:
    """One attempt of a due delivery (nothing if another worker holds it or it is done); retries are
    scheduled by the service with backoff and picked up by the sweep."""
    return services_webhooks.webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="core.webhook_sweep", acks_late=True)
def webhook_sweep() -> dict:
    """Periodic (beat entry core-webhooks-sweep, every minute): events written while the broker was down
    and due retries."""
    return services_webhooks.webhook_sweep(deliver=lambda pk: _delay(webhook_deliver, pk))


@shared_task(name="core.webhook_events_purge", acks_late=True)
def webhook_events_purge() -> int:
    """Periodic (beat entry core-webhooks-purge): finished events older than WEBHOOKS_RETENTION_DAYS."""
    return services_webhooks.webhook_events_purge(days=int(getattr(settings, "WEBHOOKS_RETENTION_DAYS", 30)))
