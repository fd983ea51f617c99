"""Course recommendations: each user's top courses (computed nightly), the courses learners take together
(item-to-item, for course pages), "not interested" dismissals and the log of every computation run.

Written only by `learning.services.recommendations` (the run) and `recommendation_dismiss`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel


class AIModelTrainingLog(TimeStampedModel):
    """One run of the recommendation computation: what it covered and how well it predicts.

    The row is written before the work starts (status running) and finished whatever happens: a run
    that fails keeps its row with status failed and the error."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nightly schedule")
        COMMAND = "command", _("Management command")
        ADMIN = "admin", _("Admin action")
        DEMO = "demo", _("Demo data")

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True, help_text=_("Wall-clock time of the run."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING, db_index=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.SCHEDULE)
    users_covered = models.PositiveIntegerField(default=0, help_text=_("Active users given at least one course."))
    users_processed = models.PositiveIntegerField(default=0)
    recommendations_created = models.PositiveIntegerField(default=0)
    catalog_size = models.PositiveIntegerField(default=0, help_text=_("Courses that could be recommended."))
    catalog_coverage = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True,
        help_text=_("Share of the purchasable courses recommended to at least one user (0–1)."),
    )  # fmt: skip
    hit_rate_at_10 = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True,
        help_text=_("Share of held-out recent enrolments found in the top 10 computed without them (0–1)."),
    )  # fmt: skip
    evaluated_users = models.PositiveIntegerField(default=0, help_text=_("Users in the held-out slice."))
    parameters = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("recommendation training log")
        verbose_name_plural = _("recommendation training logs")
        permissions = [("run_recommendations", _("Can run the recommendation computation now"))]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class RecommendationReason(models.TextChoices):
    CO_ENROLMENT = "co_enrolment", _("Co-enrolment")
    SIMILAR_CONTENT = "similar_content", _("Similar content")
    POPULAR = "popular", _("Popularity")


class AIRecommendation(models.Model):
    """One course recommended to one user, with its score and why (the reason shown to the user)."""

    Reason = RecommendationReason

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reason = models.CharField(max_length=20, choices=RecommendationReason.choices)
    # "Because you took X" / "Similar to X": the user's course X; null for popularity.
    reason_course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Values of the reason's text, e.g. {"category": "Web development"} for popularity.
    reason_params = models.JSONField(default=dict, blank=True)
    rank = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()
    run = models.ForeignKey(AIModelTrainingLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["user", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="airecommendation_user_course_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="airecommendation_rank_positive"),
        ]
        indexes = [models.Index(fields=["user", "rank"], name="airecommendation_user_rank_idx")]
        verbose_name = _("course recommendation")

    def __str__(self) -> str:
        return f"{self.user_id} #{self.rank} {self.course_id}"


class CourseRelation(models.Model):
    """Courses related to a course: learners who took it also took (co_enrolment), or similar content.
    Ranked per (course, kind); replaced as a whole by every run.  Shown on course pages."""

    class Kind(models.TextChoices):
        CO_ENROLMENT = "co_enrolment", _("Learners also took")
        SIMILAR_CONTENT = "similar_content", _("Similar content")

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    related = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    score = models.FloatField()
    shared_learners = models.PositiveIntegerField(default=0)
    rank = models.PositiveSmallIntegerField()
    run = models.ForeignKey(AIModelTrainingLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["course", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["course", "kind", "related"], name="courserelation_unique"),
            models.CheckConstraint(condition=~Q(course=models.F("related")), name="courserelation_not_self"),
        ]
        indexes = [models.Index(fields=["course", "kind", "rank"], name="courserelation_course_rank_idx")]

    def __str__(self) -> str:
        return f"{self.course_id} -> {self.related_id} ({self.kind})"


class RecommendationDismissal(TimeStampedModel):
    """ "Not interested": the course is never recommended to this user again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="recommendation_dismissal_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} not interested in {self.course_id}"
