"""Shared base models, the platform-wide audit trail and notifications."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Every model carries created_at/updated_at."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UUIDModel(TimeStampedModel):
    """Public objects (users, courses, enrolments, certificates...) use UUID primary keys."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class AuditLog(TimeStampedModel):
    """Who did what to which object, and why: written by services for privileged changes."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"


# =================================================================================================
# Notifications
# =================================================================================================
class Notification(UUIDModel):
    class Category(models.TextChoices):
        ENROLLMENT = "enrollment", _("Enrolments")
        COURSE_REVIEW = "course_review", _("Course review decisions")
        DISCUSSION = "discussion", _("Discussion replies")
        GRADING = "grading", _("Grades and feedback")
        CERTIFICATE = "certificate", _("Certificates")
        SUPPORT = "support", _("Support tickets")
        MODERATION = "moderation", _("Moderation outcomes")
        BILLING = "billing", _("Payments and receipts")
        MESSAGE = "message", _("Messages")
        SYSTEM = "system", _("Announcements")

    class EmailChannel(models.TextChoices):
        NONE = "", "No e-mail"
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.SYSTEM)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text=_("Where clicking the notification leads."))
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # How this notification is (to be) e-mailed, decided from the preference when it was created.
    email_channel = models.CharField(max_length=10, choices=EmailChannel.choices, default="", blank=True)

    class Meta:
        db_table = "community_notification"  # created by the community app, which owned it first
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread_idx"),
            # The digest task: pending daily e-mails.
            models.Index(
                fields=["email_channel", "user"],
                name="notification_digest_idx",
                condition=Q(emailed_at__isnull=True) & ~Q(email_channel=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(TimeStampedModel):
    """How a user wants one category e-mailed.  No row means `immediate`."""

    class Channel(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        OFF = "off", _("Off (in-app only)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(max_length=20, choices=Notification.Category.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IMMEDIATE)

    class Meta:
        db_table = "community_notificationpreference"
        ordering = ["category"]
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="notification_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category}: {self.channel}"
