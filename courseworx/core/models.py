"""Shared base models, the platform-wide audit trail and notifications."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from waffle.models import AbstractUserFlag

from .flag_rules import rule_matches_user


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


# =================================================================================================
# Feature flags, live settings, scheduled job runs
# =================================================================================================
class FeatureFlag(TimeStampedModel, AbstractUserFlag):
    """A django-waffle flag (WAFFLE_FLAG_MODEL) that also knows the project's roles.

    waffle decides in this order: everyone (on/off for all), testing, languages, then the user rules
    (authenticated, staff, superusers, users, groups; here also `roles`), then the percentage.  The
    percentage is stable per signed-in user (a hash of the flag's name and the user's id, so the same
    people stay in as it grows) instead of waffle's random cookie; anonymous visitors are never in it.
    See courseworx/core/flags.py.
    """

    roles = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("Roles"),
        help_text=_("Activate this flag for every user of these roles (student, instructor, admin)."),
    )

    class Meta(AbstractUserFlag.Meta):
        verbose_name = _("feature flag")
        verbose_name_plural = _("feature flags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_active_for_user(self, user):  # type: ignore[override]
        return rule_matches_user(self, user)

    def _is_active_for_percent(self, request, read_only):  # type: ignore[override]
        # Already decided by is_active_for_user (stable per user); never waffle's random cookie.
        return None


class SystemSetting(TimeStampedModel):
    """A live value of one setting declared in courseworx/core/live_settings.py; a null value means
    "the Django setting of the same name" (the default).  Written only by `live_settings.setting_set`."""

    key = models.CharField(max_length=100, unique=True, verbose_name=_("Setting"))
    value = models.JSONField(null=True, blank=True, verbose_name=_("Value"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("system setting")
        verbose_name_plural = _("system settings")

    def __str__(self) -> str:
        return self.key


class JobRun(TimeStampedModel):
    """One run of a periodic job (a task named in settings.CELERY_BEAT_SCHEDULE), recorded by
    courseworx/core/jobs.py from Celery's task signals, whoever started it (beat, a person, a test)."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        RETRY = "retry", _("Retry")

    task_name = models.CharField(max_length=200, db_index=True, verbose_name=_("Task"))
    periodic_task_name = models.CharField(max_length=200, db_index=True, verbose_name=_("Job"))
    task_id = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(db_index=True, verbose_name=_("Started"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Finished"))
    duration_ms = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("Duration (ms)"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING, db_index=True)
    error = models.TextField(blank=True, verbose_name=_("Error"))

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [models.Index(fields=["periodic_task_name", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.periodic_task_name} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


# =================================================================================================
# Backups
# =================================================================================================
class BackupLog(TimeStampedModel):
    """One run of `manage.py backup` / `manage.py restore` (or the nightly task): courseworx/core/backups.py."""

    class Kind(models.TextChoices):
        BACKUP = "backup", "Backup"
        RESTORE = "restore", "Restore"

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    trigger = models.CharField(max_length=20, blank=True, help_text="command, schedule...")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    database_engine = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING, db_index=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"


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
