"""Gamification: the points ledger, achievements, leaderboard snapshots and challenges (imported by
`learning.models`).

- `PointsEntry` is append-only: every award or deduction is a row; a balance is a SUM in SQL.  The
  unique (user, reason, source_key) makes an event award at most once.
- `Achievement` rows are data (staff edit them in the admin); `UserAchievement` is unique per (user,
  achievement), so a trigger firing twice awards once.
- Leaderboards are computed from the ledger by a periodic task into `LeaderboardSnapshot` /
  `LeaderboardEntry` rows that the pages read.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import AppendOnlyError, TimeStampedModel, UUIDModel


class PointsReason(models.TextChoices):
    LESSON_COMPLETED = "lesson_completed", _("Lesson completed")
    COURSE_COMPLETED = "course_completed", _("Course completed")
    QUIZ_PASSED = "quiz_passed", _("Quiz passed")
    ACCEPTED_ANSWER = "accepted_answer", _("Answer accepted")
    ACCEPTED_ANSWER_REVOKED = "accepted_answer_revoked", _("Accepted answer withdrawn")
    REVIEW_POSTED = "review_posted", _("Course review posted")
    REVIEW_REMOVED = "review_removed", _("Course review removed")
    ACHIEVEMENT = "achievement", _("Achievement earned")
    CHALLENGE = "challenge", _("Challenge completed")
    ADJUSTMENT = "adjustment", _("Adjustment by staff")


class PointsEntryQuerySet(models.QuerySet):
    """Ledger rows are never changed or deleted through the ORM (a correction is a new row)."""

    def update(self, **kwargs):
        # The one update allowed: Django's on_delete=SET_NULL when a course or an admin account goes.
        if set(kwargs) <= {"course", "course_id", "created_by", "created_by_id"} and all(
            v is None for v in kwargs.values()
        ):
            return super().update(**kwargs)
        raise AppendOnlyError("Points entries cannot be changed; add a correcting entry.")

    def delete(self):
        raise AppendOnlyError("Points entries cannot be deleted; add a correcting entry.")

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class PointsEntry(models.Model):
    """One award (+) or deduction (-) of points.  `source_key` names the event ("lesson:<id>"): with the
    user and reason it is unique, so the same event never awards twice.  A row of 0 records an event whose
    live amount was 0 (achievements such as "first review" count the events)."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries")
    amount = models.IntegerField()
    reason = models.CharField(max_length=32, choices=PointsReason.choices)
    source_key = models.CharField(max_length=120)
    # The course the points were earned in (per-course leaderboards); null for site-wide events.
    course = models.ForeignKey(
        "courses.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="points_entries"
    )
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = [
            models.UniqueConstraint(fields=["user", "reason", "source_key"], name="points_entry_once"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="points_user_created_idx"),
            models.Index(fields=["created_at", "user"], name="points_created_user_idx"),
            models.Index(fields=["course", "created_at"], name="points_course_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.amount:+d} ({self.reason})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Points entries cannot be changed; add a correcting entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Points entries cannot be deleted; add a correcting entry.")


class GamificationProfile(TimeStampedModel):
    """A learner's gamification preferences (created on first change; no row = the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="gamification_profile"
    )
    leaderboard_opt_out = models.BooleanField(
        _("hide me from leaderboards"), default=False, help_text=_("Others never see you on a leaderboard.")
    )
    achievements_public = models.BooleanField(
        _("public achievement pages"),
        default=True,
        help_text=_("Anyone with the link can see the page of an achievement you earned."),
    )

    def __str__(self) -> str:
        return f"{self.user_id} gamification preferences"


def validate_badge_image(image) -> None:
    if image and getattr(image, "size", 0) > 1024 * 1024:
        raise ValidationError(_("A badge image may be at most 1 MB."), code="too_large")


class Achievement(UUIDModel):
    class Kind(models.TextChoices):
        COURSES_COMPLETED = "courses_completed", _("Courses completed")
        LESSONS_COMPLETED = "lessons_completed", _("Lessons completed")
        STREAK_DAYS = "streak_days", _("Learning streak (days)")
        PERFECT_QUIZ = "perfect_quiz", _("Perfect quiz scores")
        FIRST_ACCEPTED_ANSWER = "first_accepted_answer", _("Accepted answers")
        FIRST_REVIEW = "first_review", _("Course reviews")
        POINTS_TOTAL = "points_total", _("Points total")

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    criterion_kind = models.CharField(max_length=32, choices=Kind.choices)
    threshold = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    points_reward = models.PositiveIntegerField(default=0)
    image = models.ImageField(
        upload_to="achievements/%Y/%m/",
        blank=True,
        validators=[validate_badge_image],
        help_text=_("Optional; a built-in badge of the criterion's kind is shown without one."),
    )
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["order", "criterion_kind", "threshold"]
        constraints = [models.CheckConstraint(condition=Q(threshold__gte=1), name="achievement_threshold_positive")]
        indexes = [models.Index(fields=["criterion_kind", "is_active"], name="achievement_kind_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def image_url(self) -> str:
        if self.image:
            return self.image.url
        return static(f"learning/badges/{self.criterion_kind}.svg")


class UserAchievement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="achievements")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="awards")
    awarded_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [models.UniqueConstraint(fields=["user", "achievement"], name="user_achievement_once")]
        indexes = [models.Index(fields=["user", "-awarded_at"], name="user_achievement_recent_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.achievement_id}"

    def get_absolute_url(self) -> str:
        return reverse("learning:achievement_award", kwargs={"award_id": self.pk})


class LeaderboardSnapshot(TimeStampedModel):
    class Period(models.TextChoices):
        WEEK = "week", _("This week")
        MONTH = "month", _("This month")
        ALL = "all", _("All time")

    id = models.BigAutoField(primary_key=True)
    period = models.CharField(max_length=8, choices=Period.choices)
    period_start = models.DateTimeField(null=True, blank=True)  # null: all time
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="leaderboard_snapshots"
    )
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "course"], condition=Q(course__isnull=False), name="leaderboard_one_per_course"
            ),
            models.UniqueConstraint(fields=["period"], condition=Q(course__isnull=True), name="leaderboard_one_site"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.course_id or 'site'} @ {self.computed_at:%Y-%m-%d %H:%M}"


class LeaderboardEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    snapshot = models.ForeignKey(LeaderboardSnapshot, on_delete=models.CASCADE, related_name="entries")
    rank = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField()

    class Meta:
        ordering = ["rank", "id"]
        verbose_name_plural = _("leaderboard entries")
        constraints = [models.UniqueConstraint(fields=["snapshot", "user"], name="leaderboard_entry_once")]
        indexes = [models.Index(fields=["snapshot", "rank"], name="leaderboard_entry_rank_idx")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.user_id} ({self.points})"


class Challenge(UUIDModel):
    class Metric(models.TextChoices):
        LESSONS_COMPLETED = "lessons_completed", _("Lessons completed")
        COURSES_COMPLETED = "courses_completed", _("Courses completed")
        QUIZZES_PASSED = "quizzes_passed", _("Quizzes passed")
        POINTS_EARNED = "points_earned", _("Points earned")

    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    metric = models.CharField(max_length=32, choices=Metric.choices)
    target = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reward_points = models.PositiveIntegerField(default=0)
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="challenges",
        help_text=_("Only activity in this course counts (empty: any course)."),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="challenge_ends_after_start"),
            models.CheckConstraint(condition=Q(target__gte=1), name="challenge_target_positive"),
        ]
        indexes = [models.Index(fields=["is_active", "ends_at", "starts_at"], name="challenge_active_window_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})


class ChallengeParticipation(TimeStampedModel):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenges")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="participations")
    joined_at = models.DateTimeField()
    progress = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-joined_at"]
        constraints = [models.UniqueConstraint(fields=["user", "challenge"], name="challenge_participation_once")]
        indexes = [models.Index(fields=["user", "completed_at"], name="challenge_user_open_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.challenge_id}: {self.progress}"
