import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(
    name="community.notification_send_email",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notification_send_email(self, notification_id: str) -> bool:
    """E-mail one stored notification; idempotent (emailed_at is set once)."""
    from .models import Notification

    n = Notification.objects.select_related("user").filter(pk=notification_id, emailed_at__isnull=True).first()
    if n is None or not n.user.is_active:
        return False
    link = f"{settings.SITE_URL}{n.url}" if n.url.startswith("/") else n.url
    body = f"{n.body}\n\n{link}".strip() if link else n.body
    try:
        send_mail(f"[CourseWorx] {n.title}", body or n.title, None, [n.user.email])
    except OSError:
        raise
    except Exception:
        logger.exception("E-mail for notification %s failed", notification_id)
        return False
    Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True
