"""Shared base models, the platform-wide audit trail and notifications."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


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


class AppendOnlyError(RuntimeError):
    """Raised on an attempt to change or delete an audit record."""


class AuditLogQuerySet(models.QuerySet):
    """Audit rows are never updated or deleted through the ORM.

    The one update allowed is the one Django makes when an actor's account is deleted
    (`on_delete=SET_NULL`): `actor` set to None, nothing else.  The PostgreSQL trigger of migration
    0003 applies the same rule to any SQL.
    """

    def update(self, **kwargs):
        if set(kwargs) <= {"actor", "actor_id"} and all(v is None for v in kwargs.values()):
            return super().update(**kwargs)
        raise AppendOnlyError("Audit records cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit records cannot be deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditLog(TimeStampedModel):
    """Who did what to which object, and why: written by services for privileged changes and by the
    admin site for every add/change/delete (`courseworx.core.auditing`).  Append-only."""

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
    request_id = models.CharField(max_length=64, blank=True, db_index=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit records cannot be deleted.")


class ErrorLog(TimeStampedModel):
    """Unhandled exceptions, one row per traceback hash (the same bug counted, not repeated).

    `created_at` is when it was first seen; request id, user, path, message and traceback are the
    latest occurrence's.  Written by `services.error_log_record`, which never raises.
    """

    traceback_hash = models.CharField(max_length=64, unique=True)
    exception_class = models.CharField(max_length=200)
    message = models.CharField(max_length=500, blank=True)
    traceback = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    path = models.CharField(max_length=500, blank=True)
    method = models.CharField(max_length=10, blank=True)
    count = models.PositiveIntegerField(default=1)
    last_seen = models.DateTimeField(db_index=True)
    resolved = models.BooleanField(default=False, help_text="Fixed; a new occurrence reopens it.")

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.exception_class}: {self.message[:80]}"

    @property
    def first_seen(self):
        return self.created_at


# =================================================================================================
# Notifications
# =================================================================================================
class Notification(UUIDModel):
    class Category(models.TextChoices):
        ENROLLMENT = "enrollment", "Enrolments"
        COURSE_REVIEW = "course_review", "Course review decisions"
        DISCUSSION = "discussion", "Discussion replies"
        GRADING = "grading", "Grades and feedback"
        CERTIFICATE = "certificate", "Certificates"
        SUPPORT = "support", "Support tickets"
        MODERATION = "moderation", "Moderation outcomes"
        BILLING = "billing", "Payments and receipts"
        MESSAGE = "message", "Messages"
        SYSTEM = "system", "Announcements"

    class EmailChannel(models.TextChoices):
        NONE = "", "No e-mail"
        IMMEDIATE = "immediate", "Immediately"
        DAILY = "daily", "Daily digest"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.SYSTEM)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Where clicking the notification leads.")
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
        IMMEDIATE = "immediate", "Immediately"
        DAILY = "daily", "Daily digest"
        OFF = "off", "Off (in-app only)"

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
