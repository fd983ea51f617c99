"""Approval requests, versions and the review queue."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel

from .course import Course


class CourseApprovalRequest(TimeStampedModel):
    """One submission for review and its decision (who, when, note)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="approval_requests")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submission_note = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING, db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    # What was submitted (courses.selectors.course_snapshot): the next review compares with it.
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    # Set once the instructor has been told of the decision (keeps the notify task idempotent).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one open request per course.
            models.UniqueConstraint(
                fields=["course"], condition=Q(decision="pending"), name="approval_one_pending_per_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} — {self.get_decision_display()}"


class CourseVersion(TimeStampedModel):
    """An immutable snapshot of the whole course structure, taken at each approval."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    approval = models.OneToOneField(
        CourseApprovalRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="version"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["course", "-number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="course_version_unique")]

    def __str__(self) -> str:
        return f"{self.course} v{self.number}"


class CourseReviewQueue(Course):
    """The admin's review queue: courses in review, oldest submission first (courses.admin)."""

    class Meta:
        proxy = True
        verbose_name = "course awaiting review"
        verbose_name_plural = "courses awaiting review"
