"""What a course is made of: sections, lessons (course content) and quiz questions."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import UUIDModel
from courseworx.core.storage import RandomFileName, download_name, private_storage
from courseworx.core.text import AUTHOR, render_markdown

from ..validators import validate_content_file, validate_video_url
from .course import Course

# Which items of a course count as its lessons: the one rule behind every number of lessons shown (the
# course page and catalog cards, My learning's "2 of 6", the player, the API) and behind progress.
# Counted: published lessons in published sections (moderation hides a lesson by unpublishing it), of
# every kind except the "certificate" placeholder, which is where learners collect their certificate
# rather than something to learn.  Progress and course completion count the `is_required` ones among
# them.  `CourseContent.is_counted` is the same rule for a lesson already in memory.
UNCOUNTED_KINDS = ("certificate",)


def counted_lessons_q(prefix: str = "") -> Q:
    """Lessons that count (see above): on lessons themselves (prefix "") or through `prefix` ("contents")."""
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}is_published": True, f"{p}section__is_published": True}) & ~Q(**{f"{p}kind__in": UNCOUNTED_KINDS})


def lesson_length_seconds() -> models.Expression:
    """`CourseContent.length_seconds` in SQL (for sums of a course's or section's length)."""
    return models.Case(
        models.When(Q(kind="quiz", time_limit_minutes__gt=0), then=models.F("time_limit_minutes") * 60),
        default=models.F("duration_seconds"),
        output_field=models.PositiveIntegerField(),
    )


class CourseContentQuerySet(models.QuerySet):
    def counted(self):
        """The lessons that count towards every lesson number and progress (`counted_lessons_q`)."""
        return self.filter(counted_lessons_q())


class CourseSection(UUIDModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["course", "order"]
        constraints = [
            # Deferred so that re-ordering several rows in one transaction never trips the constraint
            # half-way (PostgreSQL; SQLite checks it immediately, see settings.SILENCED_SYSTEM_CHECKS).
            models.UniqueConstraint(
                fields=["course", "order"], name="section_order_unique", deferrable=models.Deferrable.DEFERRED
            )
        ]

    def __str__(self) -> str:
        return self.title


class CourseContent(UUIDModel):
    """A lesson: one piece of content of one type, ordered within its section."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video")
        ARTICLE = "article", _("Article")
        QUIZ = "quiz", _("Quiz")
        CERTIFICATE = "certificate", _("Certificate")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="contents")
    section = models.ForeignKey(CourseSection, on_delete=models.CASCADE, related_name="contents")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, db_index=True)
    order = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    is_required = models.BooleanField(default=True, help_text=_("Counts towards course completion."))
    is_preview = models.BooleanField(default=False, help_text=_("Free preview: visible without enrolling."))
    points = models.PositiveIntegerField(default=0)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # document / image / video (uploaded)
    file = models.FileField(upload_to=RandomFileName("courses/content"), storage=private_storage, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    file_type = models.CharField(max_length=100, blank=True, editable=False)
    alt_text = models.CharField(max_length=300, blank=True, help_text=_("Describe the image for screen readers."))
    # video from an allow-listed host (settings.VIDEO_EMBED_HOSTS)
    video_url = models.URLField(blank=True)
    captions = models.FileField(upload_to="courses/captions/%Y/%m/", blank=True, help_text=_("WebVTT captions."))
    # article
    article_body = models.TextField(blank=True, help_text=_("Markdown."))
    article_html = models.TextField(blank=True, editable=False)
    # quiz settings
    pass_mark = models.PositiveSmallIntegerField(
        default=70, validators=[MaxValueValidator(100)], help_text=_("Percentage needed to pass.")
    )
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Empty for unlimited."))
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Empty for no limit."))
    shuffle_questions = models.BooleanField(default=False)
    manual_grading = models.BooleanField(
        default=False, help_text=_("Text answers are graded by the instructor instead of by exact match.")
    )
    metadata = models.JSONField(default=dict, blank=True)

    objects = CourseContentQuerySet.as_manager()

    class Meta:
        ordering = ["section__order", "order"]
        verbose_name = "lesson"
        constraints = [
            models.UniqueConstraint(
                fields=["section", "order"], name="content_order_unique", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="content_pass_mark_max_100"),
        ]
        indexes = [models.Index(fields=["course", "is_published", "is_required"], name="content_course_req_idx")]

    # Kinds that take an uploaded file (checked against settings.COURSE_UPLOAD_LIMITS[kind]).
    FILE_KINDS = (Kind.DOCUMENT, Kind.IMAGE, Kind.VIDEO)

    def __str__(self) -> str:
        return self.title

    @property
    def is_counted(self) -> bool:
        """`counted_lessons_q` for this lesson (reads `section`): does it count as one of the course's lessons?"""
        return self.is_published and self.kind not in UNCOUNTED_KINDS and self.section.is_published

    @property
    def length_seconds(self) -> int | None:
        """How long the lesson takes, as every page shows it: a quiz with a time limit takes its limit (an
        author's `duration_seconds` estimate never contradicts the timer); other lessons their duration."""
        if self.kind == self.Kind.QUIZ and self.time_limit_minutes:
            return self.time_limit_minutes * 60
        return self.duration_seconds

    @property
    def file_download_name(self) -> str:
        """The lesson file's name for people: its stored name is random (courseworx.core.storage)."""
        return download_name(self.title, self.file.name if self.file else "", default="lesson")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[ValidationError]] = {}

        def add(field: str, message: str, code: str) -> None:
            errors.setdefault(field, []).append(ValidationError(message, code=code))

        if self.section_id and self.course_id and self.section.course_id != self.course_id:
            add("section", "This section belongs to another course.", "section_other_course")
        kind = self.kind
        has_file = bool(self.file)
        if has_file and kind not in self.FILE_KINDS:
            add("file", "This type of lesson does not take a file.", "file_not_allowed")
        elif has_file and not getattr(self.file, "_committed", True):
            # A new upload: check its type (extension and leading bytes) and size.
            try:
                self.file_type = validate_content_file(self.file, kind)
                self.file_size = self.file.size
            except ValidationError as exc:
                errors.setdefault("file", []).extend(exc.error_list)
        if kind in (self.Kind.DOCUMENT, self.Kind.IMAGE) and not has_file:
            add("file", f"Upload the {self.get_kind_display().lower()} file.", "file_required")
        if kind == self.Kind.VIDEO:
            if not has_file and not self.video_url:
                add("video_url", "Upload a video file or give a video link.", "video_required")
            if self.video_url:
                try:
                    validate_video_url(self.video_url)
                except ValidationError as exc:
                    errors.setdefault("video_url", []).extend(exc.error_list)
        elif self.video_url:
            add("video_url", "Only video lessons take a video link.", "video_url_not_allowed")
        if self.captions and kind != self.Kind.VIDEO:
            add("captions", "Only video lessons take captions.", "captions_not_allowed")
        elif self.captions and not self.captions.name.lower().endswith(".vtt"):
            add("captions", "Captions must be a WebVTT (.vtt) file.", "invalid_file_type")
        if kind == self.Kind.ARTICLE and not (self.article_body or "").strip():
            add("article_body", "Write the article's text.", "article_required")
        elif kind != self.Kind.ARTICLE and self.article_body:
            add("article_body", "Only articles have a text body.", "article_not_allowed")
        if kind != self.Kind.QUIZ:
            for field in ("max_attempts", "time_limit_minutes"):
                if getattr(self, field) is not None:
                    add(field, "Only quizzes have this setting.", "quiz_setting")
            for field in ("shuffle_questions", "manual_grading"):
                if getattr(self, field):
                    add(field, "Only quizzes have this setting.", "quiz_setting")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # The stored HTML is always derived from the Markdown, sanitised (never trusted as written).

        self.article_html = render_markdown(self.article_body, policy=AUTHOR) if self.kind == self.Kind.ARTICLE else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"article_html"}
        super().save(*args, **kwargs)


class QuizQuestion(UUIDModel):
    class Type(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True / false")
        TEXT = "text", _("Text answer")

    content = models.ForeignKey(CourseContent, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField()
    question_type = models.CharField(max_length=20, choices=Type.choices, default=Type.SINGLE_CHOICE)
    options = models.JSONField(default=list, blank=True, help_text=_("Answer options (choice questions)."))
    correct_answers = models.JSONField(
        default=list, blank=True, help_text=_("Correct option(s), or accepted text answers.")
    )
    points = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    explanation = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["content", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["content", "order"], name="question_order_unique", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(points__gte=1), name="question_points_positive"),
        ]

    TRUE_FALSE_OPTIONS = ["True", "False"]
    CHOICE_TYPES = (Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE, Type.TRUE_FALSE)

    def __str__(self) -> str:
        return self.question[:80]

    def clean(self) -> None:
        super().clean()
        if self.question_type == self.Type.TRUE_FALSE and not self.options:
            self.options = list(self.TRUE_FALSE_OPTIONS)
        errors: dict[str, ValidationError] = {}
        if self.content_id and self.content.kind != CourseContent.Kind.QUIZ:
            errors["content"] = ValidationError(_("Questions belong to quiz lessons only."), code="not_a_quiz")
        options, answers = self.options, self.correct_answers
        if not _is_list_of_text(options):
            errors["options"] = ValidationError(_("Options must be a list of texts."), code="invalid")
        if not _is_list_of_text(answers):
            errors["correct_answers"] = ValidationError(_("Correct answers must be a list of texts."), code="invalid")
        if errors:
            raise ValidationError(errors)

        if self.question_type in self.CHOICE_TYPES:
            if self.question_type == self.Type.TRUE_FALSE and options != self.TRUE_FALSE_OPTIONS:
                errors["options"] = ValidationError(_('A true/false question has the options "True" and "False".'))
            elif len(options) < 2:
                errors["options"] = ValidationError(_("Give at least two options."), code="too_few_options")
            elif len({o.strip() for o in options}) != len(options):
                errors["options"] = ValidationError(_("Options must be different from each other."), code="duplicate")
            unknown = [a for a in answers if a not in options]
            if unknown:
                errors["correct_answers"] = ValidationError(
                    _("Correct answers must be among the options (not: %(unknown)s)."),
                    code="unknown_answer",
                    params={"unknown": ", ".join(unknown)},
                )
            elif not answers:
                errors["correct_answers"] = ValidationError(_("Mark at least one correct answer."), code="no_answer")
            elif self.question_type != self.Type.MULTIPLE_CHOICE and len(answers) != 1:
                errors["correct_answers"] = ValidationError(
                    _("This type of question has exactly one correct answer."), code="one_answer"
                )
        else:  # text
            if options:
                errors["options"] = ValidationError(_("Text questions have no options."), code="options_not_allowed")
            if not any(a.strip() for a in answers):
                errors["correct_answers"] = ValidationError(_("Give at least one accepted answer."), code="no_answer")
        if errors:
            raise ValidationError(errors)


def _is_list_of_text(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
