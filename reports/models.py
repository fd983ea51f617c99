"""Numbers: activity and content analytics, pipeline runs, report exports and subscriptions, mobile
logs, accessibility issues and personal-data requests (see README.md).

The six reports themselves are queries (reports/reports/*.py), not tables.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel, UUIDModel
from courseworx.core.storage import RandomFileName, private_storage

from .fields import DayRangesField, IntArrayField

USER = settings.AUTH_USER_MODEL


class ActivityLog(models.Model):
    """One event of a user (append-only, one INSERT per event).

    Deliberately without `updated_at` (rows never change) and without single-column FK indexes: the
    three composite indexes serve every query (reports filter by event/user/course and a date range),
    and fewer indexes keep the INSERT cheap.
    """

    class Event(models.TextChoices):
        LOGIN = "login", _("Log-in")
        LESSON_VIEW = "lesson_view", _("Lesson viewed")
        LESSON_COMPLETE = "lesson_complete", _("Lesson completed")
        QUIZ_SUBMIT = "quiz_submit", _("Quiz submitted")
        PURCHASE = "purchase", _("Purchase")

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    event = models.CharField(max_length=20, choices=Event.choices)
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    content = models.ForeignKey(
        "courses.CourseContent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["event", "created_at"], name="activity_event_created_idx"),
            models.Index(fields=["user", "created_at"], name="activity_user_created_idx"),
            # Covering (PostgreSQL INCLUDE; plain index elsewhere): the engagement report counts distinct
            # users per course in the period from the index alone (EXPLAIN: Index Only Scan).
            models.Index(fields=["course", "created_at"], include=["event", "user"], name="activity_course_cov_idx"),
            models.Index(fields=["content", "event"], name="activity_content_event_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_id} {self.event}"


class Grain(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class CoursePeriodStats(models.Model):
    """Rollup (reports.rollups): additive figures per course and day/month; `course` NULL = the whole site.

    - enrolments made in the period and, of those, now dropped / completed / with a valid certificate,
      and the sum of their times to complete (the completion report's cohort);
    - time recorded on lesson records last updated in the period (the engagement report).
    Rebuilt from the source tables by the `report_rollups` pipeline; never written elsewhere.
    """

    id = models.BigAutoField(primary_key=True)
    course = models.ForeignKey(
        "courses.Course", null=True, on_delete=models.CASCADE, related_name="period_stats", db_index=False
    )
    grain = models.CharField(max_length=5, choices=Grain.choices)
    period = models.DateField(help_text=_("First day of the day or month."))
    enrolments = models.PositiveIntegerField(default=0)
    dropped = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    certificates = models.PositiveIntegerField(default=0)
    completion_time = models.DurationField(default=dt.timedelta, help_text=_("Sum of completed_at - enrolled_at."))
    time_spent_seconds = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["course", "grain", "period"], name="course_period_stats_idx")]

    def __str__(self) -> str:
        return f"{self.course_id or 'site'} {self.grain} {self.period}"


class SiteResultStats(models.Model):
    """Rollup: the whole site's learning results per day/month (the top-students report's summary)."""

    id = models.BigAutoField(primary_key=True)
    grain = models.CharField(max_length=5, choices=Grain.choices)
    period = models.DateField()
    lessons_completed = models.PositiveIntegerField(default=0)
    courses_completed = models.PositiveIntegerField(default=0)
    quizzes = models.PositiveIntegerField(default=0)
    quizzes_scored = models.PositiveIntegerField(default=0, help_text=_("Attempts with a score (percent)."))
    quiz_percent_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    certificates = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["grain", "period"], name="site_result_stats_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.period}"


class StudentYearTotals(models.Model):
    """Rollup: a student's running totals through one calendar year (the top-students report's rows).

    `days` lists, ascending, the days (reports.fields.day_number) on which the student had a result that
    year; each other array holds, at the same position, the total from 1 January to the end of that day.
    A range's figure is then total(last day) - total(day before the first day), each found by a binary
    search (reports.fields.RunningTotal): one row per student and year, whatever the range's length.
    """

    key = models.BigAutoField(primary_key=True)  # the report's rows, grouped by student, name the student `id`
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="year_totals", db_index=False)
    year = models.PositiveSmallIntegerField()
    days = IntArrayField()
    lessons_completed = IntArrayField()
    courses_completed = IntArrayField()
    quizzes = IntArrayField()
    quizzes_scored = IntArrayField()
    quiz_percent_hundredths = IntArrayField(big=True, help_text=_("Running sum of the scored attempts' percent × 100."))
    certificates = IntArrayField()

    class Meta:
        # Also the index the report reads: rows are stored in (user, year) order (reports.rollups).
        constraints = [models.UniqueConstraint(fields=["user", "year"], name="student_year_totals_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.year}"


class SiteActivityStats(models.Model):
    """Rollup: the activity report's figures for the whole site per day and per (Monday-based) week."""

    id = models.BigAutoField(primary_key=True)
    grain = models.CharField(max_length=5, choices=Grain.choices)
    period = models.DateField()
    active_users = models.PositiveIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    lesson_views = models.PositiveIntegerField(default=0)
    lesson_completions = models.PositiveIntegerField(default=0)
    quiz_submits = models.PositiveIntegerField(default=0)
    purchases = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["grain", "period"], name="site_activity_stats_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.period}"


class ActiveDays(models.Model):
    """Rollup: the days on which a user was active, as a set of day ranges (PostgreSQL int4multirange).

    scope "all": any event (course NULL); "learning": learning events on any course (course NULL);
    "course": learning events on `course`.  A distinct count of users active in any date range is one
    overlap test per row.
    """

    class Scope(models.TextChoices):
        ALL = "all", _("Any event")
        LEARNING = "learning", _("Learning events")
        COURSE = "course", _("Learning events on a course")

    id = models.BigAutoField(primary_key=True)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", db_index=False)
    course = models.ForeignKey("courses.Course", null=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    days = DayRangesField()

    class Meta:
        indexes = [models.Index(fields=["scope", "course"], name="active_days_scope_course_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.user_id} {self.course_id or ''}"


class CourseProgressStats(models.Model):
    """Rollup: how far a course's students (enrolments with access) have got, at the last refresh."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, primary_key=True, related_name="progress_stats"
    )
    students = models.PositiveIntegerField(default=0)
    progress_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    not_started = models.PositiveIntegerField(default=0)
    under_half = models.PositiveIntegerField(default=0)
    over_half = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.course_id}: {self.students}"


class ContentAnalytics(TimeStampedModel):
    """Per-lesson figures, refreshed by the content-analytics pipeline (reports.pipelines)."""

    content = models.OneToOneField(
        "courses.CourseContent", on_delete=models.CASCADE, primary_key=True, related_name="analytics"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0, help_text=_("Lesson-view events."))
    unique_viewers = models.PositiveIntegerField(default=0)
    learners = models.PositiveIntegerField(default=0, help_text=_("Students with a progress record on the lesson."))
    completions = models.PositiveIntegerField(default=0)
    average_time_seconds = models.PositiveIntegerField(default=0, help_text=_("Average time per learner."))
    completion_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text=_("completions / learners")
    )
    drop_offs = models.PositiveIntegerField(
        default=0, help_text=_("Learners whose last lesson this is, inactive and not finished with the course.")
    )
    drop_off_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0, help_text=_("drop_offs / learners"))
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "content analytics"
        verbose_name_plural = "content analytics"
        indexes = [models.Index(fields=["course"], name="content_analytics_course_idx")]

    def __str__(self) -> str:
        return f"Analytics of {self.content_id}"


class DataPipelineRun(TimeStampedModel):
    """One run of a data pipeline (content analytics, accessibility scan, clean-ups)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0, help_text=_("Rows written."))
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "-started_at"], name="pipeline_name_started_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


class ReportExport(UUIDModel):
    """A CSV or PDF export of a report, built by a Celery job (large ranges) with its progress."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        PDF = "pdf", _("PDF")

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="report_exports")
    report = models.CharField(max_length=40)
    format = models.CharField(max_length=3, choices=Format.choices)
    params = models.JSONField(default=dict, blank=True, help_text=_("The report's filters (query string values)."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Per cent done."))
    row_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=RandomFileName("reports/exports"), storage=private_storage, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="report_export_user_idx")]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="report_export_progress_max_100")]

    def __str__(self) -> str:
        return f"{self.report} {self.format} ({self.status})"

    @property
    def download_name(self) -> str:
        """The file's name for people (its stored name is random)."""
        return f"{self.report}_{self.created_at:%Y%m%d-%H%M}.{self.format}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReportSubscription(TimeStampedModel):
    """A staff member receives a report by e-mail every week or month."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly (Mondays)")
        MONTHLY = "monthly", _("Monthly (1st of the month)")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="report_subscriptions")
    report = models.CharField(max_length=40)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    format = models.CharField(max_length=3, choices=ReportExport.Format.choices, default=ReportExport.Format.PDF)
    filters = models.JSONField(default=dict, blank=True, help_text=_("Course/instructor filters (dates roll)."))
    is_active = models.BooleanField(default=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["user", "report", "frequency"], name="report_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.report} {self.frequency}"


class MobileAppLog(models.Model):
    """A client event sent by the mobile app (ingested in batches through the API)."""

    class Level(models.TextChoices):
        DEBUG = "debug", _("Debug")
        INFO = "info", _("Info")
        WARNING = "warning", _("Warning")
        ERROR = "error", _("Error")
        CRASH = "crash", _("Crash")

    class Platform(models.TextChoices):
        IOS = "ios", _("iOS")
        ANDROID = "android", _("Android")
        OTHER = "other", _("Other")

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    device_id = models.CharField(max_length=64)
    platform = models.CharField(max_length=10, choices=Platform.choices)
    app_version = models.CharField(max_length=20)
    event = models.CharField(max_length=64)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    message = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["user", "occurred_at"], name="mobile_log_user_idx"),
            models.Index(fields=["level", "occurred_at"], name="mobile_log_level_idx"),
            models.Index(fields=["created_at"], name="mobile_log_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.app_version} {self.event} ({self.level})"


class AccessibilityReport(UUIDModel):
    """An accessibility problem of a lesson: found by an automatic check or reported by a user."""

    class Source(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic check")
        MANUAL = "manual", _("Reported by a user")

    class Issue(models.TextChoices):
        VIDEO_NO_CAPTIONS = "video_no_captions", _("Video without captions or transcript")
        IMAGE_NO_ALT = "image_no_alt", _("Image without alternative text")
        DOCUMENT_NO_DESCRIPTION = "document_no_description", _("Document without a description")
        ARTICLE_IMAGE_NO_ALT = "article_image_no_alt", _("Article image without alternative text")
        OTHER = "other", _("Other problem")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    content = models.ForeignKey("courses.CourseContent", on_delete=models.CASCADE, related_name="accessibility_reports")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    issue = models.CharField(max_length=30, choices=Issue.choices)
    description = models.TextField(blank=True, max_length=2000)
    reported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open automatic finding per lesson and check: re-running the scan creates nothing twice.
            models.UniqueConstraint(
                fields=["content", "issue"],
                condition=Q(source="automatic", status="open"),
                name="accessibility_auto_open_unique",
            )
        ]
        indexes = [models.Index(fields=["course", "status"], name="accessibility_course_idx")]

    def __str__(self) -> str:
        return f"{self.get_issue_display()} — {self.content_id}"


class DataExportRequest(UUIDModel):
    """A user's request for a copy of their data (a ZIP) or for the deletion of their account."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export my data")
        DELETION = "deletion", _("Delete my account")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="data_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=RandomFileName("reports/data-exports"), storage=private_storage, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="data_request_user_idx")]
        constraints = [
            # One request of each kind in progress at a time.
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(status__in=["pending", "running"]),
                name="data_request_one_in_progress",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.user_id} ({self.status})"
