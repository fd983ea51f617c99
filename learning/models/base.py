"""Enrolment, progress, quiz attempts, assignments, classroom sessions and attendance, notes, issued
certificates, course statistics, saved courses and learning streaks (imported by `learning.models`)."""

import datetime as dt
import ipaddress
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel, UUIDModel
from courseworx.core.storage import RandomFileName, download_name, private_storage


class EnrollmentQuerySet(models.QuerySet):
    def active(self):
        """Enrolments that give access to the lessons (enrolled or completed)."""
        return self.filter(status__in=Enrollment.ACCESS_STATUSES)

    def holding_seat(self):
        """Enrolments that occupy a seat of a course with `max_students`."""
        return self.exclude(status=Enrollment.Status.DROPPED)


class Enrollment(UUIDModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        DROPPED = "dropped", _("Dropped")
        SUSPENDED = "suspended", _("Suspended")

    class Source(models.TextChoices):
        FREE = "free", _("Free enrolment")
        PURCHASE = "purchase", _("Purchase")
        SUBSCRIPTION = "subscription", _("Subscription")
        BUNDLE = "bundle", _("Bundle")
        EMPLOYER = "employer", _("Employer")
        STAFF = "staff", _("Added by staff")

    ACCESS_STATUSES = (Status.ENROLLED, Status.COMPLETED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ENROLLED, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.FREE, editable=False)
    payment_reference = models.CharField(
        max_length=64, blank=True, editable=False, help_text=_("The billing payment that paid for this enrolment.")
    )
    enrolled_at = models.DateTimeField(editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    dropped_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Progress, maintained incrementally by learning.services (required lessons only).
    required_total = models.PositiveIntegerField(default=0, editable=False)
    completed_required = models.PositiveIntegerField(default=0, editable=False)
    progress_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.00"), editable=False,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    grade = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text=_("Final grade (0–100), set by staff.")
    )
    notes = models.TextField(blank=True, help_text=_("Staff notes about this enrolment."))
    last_content = models.ForeignKey(
        "courses.CourseContent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_accessed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollment_user_course_unique"),
            models.CheckConstraint(
                condition=Q(progress_percent__gte=0) & Q(progress_percent__lte=100), name="enrollment_progress_0_100"
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | (Q(grade__gte=0) & Q(grade__lte=100)), name="enrollment_grade_0_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="enrollment_completed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"], name="enrollment_course_status_idx"),
            # Reports (engagement): progress distribution per course from the index alone.
            models.Index(fields=["course", "status", "progress_percent"], name="enrollment_course_progress_idx"),
            models.Index(fields=["user", "status", "-last_accessed_at"], name="enrollment_user_recent_idx"),
        ]
        permissions = [("manage_enrollment", "Can suspend, reinstate and grade enrolments")]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def has_access(self) -> bool:
        return self.status in self.ACCESS_STATUSES

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def lessons_percent(self) -> int:
        """Progress as every page shows it: 100 once completed, else `lessons_done` of `lessons_required` (the
        live counts annotated by `learning.selectors.with_lesson_progress`); the stored percentage otherwise."""
        if self.is_completed:
            return 100
        required = getattr(self, "lessons_required", None)
        if required is None:
            return int(self.progress_percent or 0)
        return int(100 * min(self.lessons_done, required) / required) if required else 0


class LessonCompletion(TimeStampedModel):
    """A student's progress on one lesson: time spent, whether and when it was completed, quiz score."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    content = models.ForeignKey("courses.CourseContent", on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, help_text=_("Best quiz %."))
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "content"], name="completion_user_content_unique"),
            models.CheckConstraint(
                condition=Q(completed=False) | Q(completed_at__isnull=False), name="completion_completed_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "course", "completed"], name="completion_user_course_idx"),
            # Reports: time spent per course in a period; lessons completed per student.
            models.Index(
                fields=["course", "updated_at"], include=["time_spent_seconds"], name="completion_course_updated_idx"
            ),
            models.Index(
                fields=["user", "completed_at"],
                include=["course"],
                condition=Q(completed=True),
                name="completion_user_done_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.content_id}: {'done' if self.completed else 'in progress'}"


class UserNote(UUIDModel):
    """A student's own note on one lesson, or on the course as a whole (no lesson); private unless shared.

    One note per learner and lesson; any number of course-level notes.  Tags are NoteTag rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(
        "courses.CourseContent", on_delete=models.CASCADE, related_name="notes", null=True, blank=True
    )
    body = models.TextField(max_length=20_000)
    is_private = models.BooleanField(default=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "content"], name="note_user_content_unique")]
        indexes = [models.Index(fields=["user", "course", "-updated_at"], name="note_user_course_idx")]

    def __str__(self) -> str:
        return f"Note by {self.user_id} on {self.content_id or self.course_id}"


class NoteTag(TimeStampedModel):
    """One normalised tag (lower case, single spaces) of a note; the user is repeated for the tag filter."""

    note = models.ForeignKey(UserNote, on_delete=models.CASCADE, related_name="tags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["note", "name"], name="notetag_note_name_unique")]
        indexes = [models.Index(fields=["user", "name"], name="notetag_user_name_idx")]

    def __str__(self) -> str:
        return self.name


class QuizAttempt(UUIDModel):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Graded")
        PENDING_REVIEW = "pending_review", _("Awaiting the instructor")
        EXPIRED = "expired", _("Time ran out")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    content = models.ForeignKey("courses.CourseContent", on_delete=models.CASCADE, related_name="attempts")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(help_text=_("1 for the first attempt of this quiz by this user."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True, help_text=_("Started + time limit; empty: no limit."))
    submitted_at = models.DateTimeField(null=True, blank=True)
    question_order = models.JSONField(default=list, help_text=_("Question ids in the order shown to the student."))
    answers = models.JSONField(default=dict, blank=True, help_text=_("{question id: answer(s)} as submitted."))
    results = models.JSONField(default=dict, blank=True, help_text=_("{question id: {correct, points, ...}}."))
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    needs_manual_grading = models.BooleanField(default=False)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # Also stops two concurrent "start" requests from both taking the last allowed attempt.
            models.UniqueConstraint(fields=["user", "content", "number"], name="attempt_user_content_number_unique")
        ]
        indexes = [
            models.Index(fields=["user", "content", "-started_at"], name="attempt_user_content_idx"),
            models.Index(fields=["course", "status"], name="attempt_course_status_idx"),
        ]
        permissions = [("grade_quizattempt", "Can grade quiz text answers")]

    def __str__(self) -> str:
        return f"Attempt {self.number} by {self.user_id} on {self.content_id}"

    def get_absolute_url(self) -> str:
        return reverse("learning:quiz_attempt", kwargs={"attempt_id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class Assignment(UUIDModel):
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="assignments")
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField()
    due_at = models.DateTimeField(null=True, blank=True, help_text=_("Deadline; empty for none."))
    points = models.PositiveIntegerField(default=100, validators=[MinValueValidator(1)])
    is_published = models.BooleanField(default=True, help_text=_("Unpublished assignments are hidden from students."))
    allow_late = models.BooleanField("late submissions allowed", default=False)

    class Meta:
        ordering = ["due_at", "title"]
        constraints = [models.CheckConstraint(condition=Q(points__gte=1), name="assignment_points_positive")]
        indexes = [models.Index(fields=["course", "is_published", "due_at"], name="assignment_course_due_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:assignment", kwargs={"assignment_id": self.pk})


class AssignmentSubmission(UUIDModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting grading")
        GRADED = "graded", _("Graded")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True, max_length=50_000)
    file = models.FileField(upload_to=RandomFileName("learning/submissions"), storage=private_storage, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)
    is_late = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    feedback = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user"], name="submission_assignment_user_unique"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="submission_score_positive"),
        ]
        indexes = [
            models.Index(fields=["course", "status", "submitted_at"], name="submission_course_queue_idx"),
            models.Index(fields=["user", "-submitted_at"], name="submission_user_idx"),
        ]
        permissions = [("grade_assignmentsubmission", "Can grade assignment submissions")]

    def __str__(self) -> str:
        return f"{self.assignment} — {self.user_id}"

    @property
    def file_download_name(self) -> str:
        """The file's name for people (its stored name is random): assignment, student and revision."""
        title = f"{self.assignment.title} {self.user.get_full_name()} revision {self.revision}"
        return download_name(title, self.file.name if self.file else "", default="submission")


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(
            _("Unknown time zone: use an IANA name such as Europe/Paris."), code="time_zone"
        ) from None


def parse_ip_ranges(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """CIDR ranges, one per line or separated by commas/spaces (ValueError on a bad one)."""
    return [ipaddress.ip_network(part, strict=False) for part in text.replace(",", " ").split()]


def validate_ip_ranges(value: str) -> None:
    try:
        parse_ip_ranges(value)
    except ValueError as exc:
        raise ValidationError(f"Not an IP range: {exc}", code="ip_ranges") from None


class ClassSession(UUIDModel):
    """A classroom (or online live) session of a course; trainees sign in and out, attendance is per session."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="class_sessions")
    title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone], help_text=_("IANA name, e.g. Europe/Paris.")
    )
    room = models.CharField(max_length=120, blank=True)
    online_url = models.URLField("online link", blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    self_sign_in_allowed = models.BooleanField(
        "trainees may sign in without the QR code", default=False, help_text=_("From the session page, in the window.")
    )
    allowed_ip_ranges = models.TextField(
        "allowed IP ranges",
        blank=True,
        validators=[validate_ip_ranges],
        help_text=_("Self sign-in only from these CIDR ranges (one per line); empty: anywhere."),
    )
    grace_minutes = models.PositiveIntegerField(default=10, validators=[MaxValueValidator(240)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False, help_text=_("Absences computed."))
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False, help_text=_("Reminders sent."))
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.CharField(max_length=300, blank=True, editable=False, help_text="Told to the trainees.")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="class_session_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["course", "starts_at"], name="class_session_course_start_idx"),
            models.Index(fields=["ends_at", "closed_at"], name="class_session_end_closed_idx"),
        ]

    def __str__(self) -> str:
        return self.title or f"Session {self.local_start:%d %b %Y %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The session must end after it starts."})
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > dt.timedelta(hours=24):
            raise ValidationError({"ends_at": "A session lasts at most 24 hours."})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.tz)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(self.tz)

    @property
    def window_opens_at(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(minutes=SIGN_IN_OPENS_MINUTES)

    @property
    def where(self) -> str:
        return self.room or ("Online" if self.online_url else "")

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def is_over(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) > self.ends_at or self.closed_at is not None


SIGN_IN_OPENS_MINUTES = 15  # sign-in opens this long before a session starts


class Attendance(TimeStampedModel):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        EXCUSED = "excused", _("Excused")

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PRESENT)
    sign_in_at = models.TimeField(null=True, blank=True)
    sign_out_at = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A classroom session's record (the day's sheet has none): exact times, how they were taken.
    session = models.ForeignKey(
        ClassSession, null=True, blank=True, on_delete=models.CASCADE, related_name="attendance"
    )
    signed_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_out_at = models.DateTimeField(null=True, blank=True, editable=False)
    method = models.CharField(max_length=10, blank=True, editable=False, help_text=_("qr, self, manual or system."))

    class Meta:
        ordering = ["-date", "user"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "date"],
                condition=Q(session__isnull=True),
                name="attendance_user_course_date_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "session"], condition=Q(session__isnull=False), name="attendance_user_session_unique"
            ),
            models.CheckConstraint(
                condition=Q(sign_in_at__isnull=True)
                | Q(sign_out_at__isnull=True)
                | Q(sign_out_at__gte=models.F("sign_in_at")),
                name="attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["course", "date"], name="attendance_course_date_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}: {self.status}"


class AttendanceTokenUse(TimeStampedModel):
    """A QR token a trainee used: single use per trainee (the unique constraint refuses a replay)."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=32)
    used_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user", "nonce"], name="attendance_token_single_use")]

    def __str__(self) -> str:
        return f"{self.user_id} used {self.nonce}"


class IssuedCertificate(UUIDModel):
    """A certificate someone earned: for a completed course (the enrolment's, one per enrolment), a
    completed career path, or a passed certification exam (those rows point here from their own model).

    `course_title` is the snapshot of what was achieved (the course's, path's or exam's title)."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        PATH = "path", _("Career path")
        EXAM = "exam", _("Certification exam")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COURSE)
    enrollment = models.OneToOneField(
        Enrollment, null=True, blank=True, on_delete=models.PROTECT, related_name="certificate"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="issued_certificates"
    )
    template = models.ForeignKey(
        "courses.CertificateTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField("verification code", max_length=32, unique=True)
    # Snapshots: the certificate states what was true when it was issued.
    holder_name = models.CharField(max_length=120)
    course_title = models.CharField(max_length=200)
    issued_at = models.DateTimeField()
    pdf = models.FileField(upload_to=RandomFileName("certificates/issued"), storage=private_storage, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="valid") | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="certificate_revoked_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="course") | (Q(enrollment__isnull=False) & Q(course__isnull=False)),
                name="certificate_course_has_enrollment",
            ),
        ]
        indexes = [models.Index(fields=["user", "-issued_at"], name="certificate_user_idx")]
        permissions = [("revoke_issuedcertificate", "Can revoke issued certificates")]

    def __str__(self) -> str:
        return f"{self.course_title} — {self.holder_name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("learning:certificate_verify", kwargs={"code": self.code})

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID


class CourseStats(TimeStampedModel):
    """Per-course figures, refreshed by a periodic task and after enrolment events (SQL aggregates)."""

    course = models.OneToOneField("courses.Course", on_delete=models.CASCADE, primary_key=True, related_name="stats")
    total_enrollments = models.PositiveIntegerField(default=0)
    active_enrollments = models.PositiveIntegerField(default=0)
    completed_enrollments = models.PositiveIntegerField(default=0)
    average_progress = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    average_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    completion_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    revenue = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Paid course payments minus their refunds (billing.services.course_revenue_refresh)."),
    )
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "course statistics"
        verbose_name_plural = "course statistics"

    def __str__(self) -> str:
        return f"Statistics of {self.course_id}"


class SavedCourse(TimeStampedModel):
    """The wishlist: courses a user saved for later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_courses")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="saved_course_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.course_id}"


class LearningStreak(TimeStampedModel):
    """Consecutive days with learning activity (a lesson opened or completed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="learning_streak"
    )
    current_days = models.PositiveIntegerField(default=0)
    longest_days = models.PositiveIntegerField(default=0)
    last_activity_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.current_days} day(s)"
