"""Community write paths.  Other apps notify people only through `notification_create`."""

import logging

from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)


def notification_create(
    *, user, category: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Store a notification and, after the surrounding transaction commits, e-mail it.

    Never raises because of e-mail: delivery happens in a Celery task (see community.tasks).
    """
    notification = Notification.objects.create(user=user, category=category, title=title[:200], body=body, url=url)
    if email:
        from .tasks import notification_send_email

        transaction.on_commit(lambda: _enqueue(notification_send_email, notification.pk))
    return notification


def _enqueue(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r", task.name, args)
