"""Certification exams: an exam with its question pool, candidates' attempts (questions drawn at random,
a deadline kept by the server) and the proctoring log of each attempt (imported by `learning.models`).

Questions have the fields of a quiz question (`courses.QuizQuestion`: question, question_type, options,
correct_answers, points, explanation), are validated by the same rules and graded by the same function
(`learning.services.quizzes`); they belong to an exam instead of a quiz lesson, which a QuizQuestion cannot.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import QuizQuestion
from courseworx.core.models import UUIDModel

from .base import IssuedCertificate


class CertificationExam(UUIDModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    course = models.ForeignKey(
        "courses.Course",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certification_exams",
        help_text=_("The course this exam certifies: only its enrolled learners may sit it. Empty: open to all."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    questions_per_attempt = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    pass_score = models.PositiveSmallIntegerField(
        "pass score (%)", default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text=_("Empty: no limit.")
    )
    cooldown_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(24 * 365)],
        help_text=_("Hours to wait after a finished attempt before the next one."),
    )
    show_correct_answers = models.BooleanField(
        default=False, help_text=_("Show candidates the correct answers on their result page.")
    )
    certificate_template = models.ForeignKey(
        "courses.CertificateTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_score__gte=1, pass_score__lte=100), name="exam_pass_score_1_100"),
            models.CheckConstraint(condition=Q(questions_per_attempt__gte=1), name="exam_questions_positive"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1), name="exam_time_limit_positive"),
        ]
        indexes = [models.Index(fields=["status", "title"], name="exam_status_title_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:exam_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ExamQuestion(UUIDModel):
    """A question of an exam's pool; each attempt draws `questions_per_attempt` of the active ones."""

    Type = QuizQuestion.Type

    exam = models.ForeignKey(CertificationExam, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField(max_length=5_000)
    question_type = models.CharField(max_length=20, choices=QuizQuestion.Type.choices, default=Type.SINGLE_CHOICE)
    options = models.JSONField(default=list, blank=True, help_text=_("Answer options (choice questions)."))
    correct_answers = models.JSONField(
        default=list, blank=True, help_text=_("Correct option(s), or accepted text answers.")
    )
    points = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    explanation = models.TextField(blank=True, max_length=5_000)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["exam", "order", "created_at"]
        constraints = [models.CheckConstraint(condition=Q(points__gte=1), name="exam_question_points_positive")]
        indexes = [models.Index(fields=["exam", "is_active"], name="exam_question_pool_idx")]

    def __str__(self) -> str:
        return self.question[:80]

    def clean(self) -> None:
        """The rules of a quiz question (options, correct answers per type), checked by QuizQuestion itself."""
        super().clean()
        probe = QuizQuestion(
            question=self.question,
            question_type=self.question_type,
            options=self.options,
            correct_answers=self.correct_answers,
        )
        probe.clean()
        self.options = probe.options  # a true/false question gets its two options


class ExamAttempt(UUIDModel):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED = "expired", _("Time ran out")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts")
    exam = models.ForeignKey(CertificationExam, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField(help_text=_("1 for the candidate's first attempt at this exam."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(help_text=_("Started + the time limit, set by the server."))
    submitted_at = models.DateTimeField(null=True, blank=True, help_text=_("Submitted, or closed at the deadline."))
    question_ids = models.JSONField(default=list, help_text=_("The drawn question ids, in the order shown."))
    answers = models.JSONField(default=dict, blank=True, help_text=_("{question id: answer(s)} saved in time."))
    answers_saved_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True, help_text=_("{question id: {correct, points, ...}}."))
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    certificate = models.OneToOneField(
        IssuedCertificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="exam_attempt"
    )
    # The proctoring log's size (kept with the row so the cap holds under concurrent batches).
    proctor_event_count = models.PositiveIntegerField(default=0)
    proctor_events_dropped = models.PositiveIntegerField(default=0, help_text=_("Events refused once capped."))
    invalidated_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True, max_length=5_000)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "exam", "number"], name="exam_attempt_number_unique"),
            # One attempt in progress per candidate and exam, even when two "start" requests race.
            models.UniqueConstraint(
                fields=["user", "exam"], condition=Q(status="in_progress"), name="exam_attempt_one_open"
            ),
            models.CheckConstraint(condition=Q(deadline_at__gt=models.F("started_at")), name="exam_deadline_after"),
            models.CheckConstraint(
                condition=Q(invalidated_at__isnull=True) | Q(passed=False), name="exam_invalidated_not_passed"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "exam", "-started_at"], name="exam_attempt_user_idx"),
            models.Index(fields=["exam", "status", "-started_at"], name="exam_attempt_exam_idx"),
            models.Index(
                fields=["deadline_at"], condition=Q(status="in_progress"), name="exam_attempt_open_deadline_idx"
            ),
        ]
        permissions = [("review_examattempt", "Can review exam attempts and their proctoring log")]

    def __str__(self) -> str:
        return f"{self.user} — {self.exam} (attempt {self.number})"

    def get_absolute_url(self) -> str:
        return reverse("learning:exam_attempt", kwargs={"attempt_id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_invalidated(self) -> bool:
        return self.invalidated_at is not None


class ExamProctorEvent(models.Model):
    """One client event of an attempt (the browser reports them in batches; capped per attempt)."""

    class Kind(models.TextChoices):
        FOCUS_LOST = "focus_lost", _("Window lost focus")
        FOCUS_RETURNED = "focus_returned", _("Window focused again")
        TAB_HIDDEN = "tab_hidden", _("Tab hidden")
        TAB_VISIBLE = "tab_visible", _("Tab visible again")
        COPY = "copy", _("Copy")
        CUT = "cut", _("Cut")
        PASTE = "paste", _("Paste")
        CONTEXT_MENU = "context_menu", _("Context menu")
        FULLSCREEN_ENTER = "fullscreen_enter", _("Entered full screen")
        FULLSCREEN_EXIT = "fullscreen_exit", _("Left full screen")

    # Kinds that count towards flagging an attempt (the "returned" kinds only close an interval).
    SUSPICIOUS = (Kind.FOCUS_LOST, Kind.TAB_HIDDEN, Kind.COPY, Kind.CUT, Kind.PASTE, Kind.CONTEXT_MENU,
                  Kind.FULLSCREEN_EXIT)  # fmt: skip
    DETAIL_MAX = 200

    id = models.BigAutoField(primary_key=True)
    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name="proctor_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(help_text=_("When the browser saw it (clamped to the attempt)."))
    received_at = models.DateTimeField()
    detail = models.CharField(max_length=DETAIL_MAX, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["attempt", "occurred_at"], name="exam_proctor_attempt_idx")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%H:%M:%S}"

    @property
    def is_suspicious(self) -> bool:
        return self.kind in self.SUSPICIOUS
