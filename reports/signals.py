"""Cross-app capture without coupling: a log-in becomes an ActivityLog row (one INSERT)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import ActivityLog
from .services import activity_log


@receiver(user_logged_in, dispatch_uid="reports_activity_login")
def record_login(sender, request, user, **kwargs) -> None:
    activity_log(user=user, event=ActivityLog.Event.LOGIN)
