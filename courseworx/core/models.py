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


# =================================================================================================
# Outbound webhooks (courseworx/core/webhooks.py: catalogue and signatures; services_webhooks.py: writes)
# =================================================================================================
class WebhookEndpoint(UUIDModel):
    """A URL that receives signed POSTs for the event types it subscribes to.

    Its owner decides which events it may see (services_webhooks.endpoint_scope): platform staff (admins,
    Finance) every event, instructors the events of the courses they teach.  The secret signs every
    delivery; after a rotation the previous one also signs until `previous_secret_expires_at`.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.CharField(
        "URL", max_length=2000, help_text="https; public hosts only (checked when saved and when sent)."
    )
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="Event types from the catalogue (core/webhooks.py).")
    is_active = models.BooleanField(default=True, db_index=True)
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="webhook_endpoint_owner_idx")]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookEvent(UUIDModel):
    """The outbox: one row per event, written in the transaction of the change that caused it.
    `dispatched_at` is set once deliveries were created for the matching endpoints."""

    event_type = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField(default=dict)
    course_id = models.UUIDField(null=True, blank=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="webhook_event_pending_idx", condition=Q(dispatched_at=None)),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.pk}"


class WebhookDelivery(UUIDModel):
    """One event for one endpoint (unique: delivered once per endpoint), with its retry state."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once_per_endpoint"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due_idx", condition=Q(status="pending")),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}: {self.status}"


class WebhookLog(TimeStampedModel):
    """Every delivery attempt (the seed's WebhookLogs): append-only."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="logs")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="logs")
    attempt = models.PositiveIntegerField()
    url = models.CharField(max_length=2000)
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["delivery", "attempt"], name="webhook_log_delivery_idx")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.attempt}: {self.status_code or self.error}"
