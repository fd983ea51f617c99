"""People together.  For now: stored notifications (the bell); discussions, reviews, moderation,
messages, tickets and surveys arrive with the community issue."""

from django.conf import settings
from django.db import models

from courseworx.core.models import TimeStampedModel, UUIDModel


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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.SYSTEM)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Where clicking the notification leads.")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


__all__ = ["Notification", "TimeStampedModel"]
