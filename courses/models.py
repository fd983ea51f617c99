"""What is taught: catalog, authoring structure, quizzes, translations, certificates, approval.

Course.status changes only through courses.services (see the transition table in services/courses.py).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from courseworx.core import pdf_templates
from courseworx.core.models import TimeStampedModel, UUIDModel
from courseworx.core.pdf import pdf_file_url
from courseworx.core.storage import RandomFileName, download_name, private_storage
from courseworx.core.text import AUTHOR, render_markdown

from .validators import validate_content_file, validate_thumbnail, validate_video_url

# The PostgreSQL text-search configuration of the catalog search and of lesson transcripts
# (courses.selectors, courses.transcripts); the transcripts' GIN index is built with it.
SEARCH_CONFIG = "english"


class Category(TimeStampedModel):
    """A catalog category; categories nest (parent) to any depth."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True)
    icon = models.CharField(max_length=50, blank=True, help_text="A Bootstrap Icons name, e.g. 'code-slash'.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"
        constraints = [models.CheckConstraint(condition=~Q(parent=models.F("id")), name="category_not_own_parent")]

    def __str__(self) -> str:
        return self.name


class Tag(TimeStampedModel):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# "Teaches this course": the one rule, as query filters (the predicates are in courses.permissions).
# A user teaches a course they own (`Course.instructor`) or co-author (`InstructorCollaborator`).
# Superusers teach only what they own or co-author; "course staff" adds every course for them.
def courses_taught_q(user, prefix: str = "") -> Q:
    """Rows whose course `user` teaches: courses themselves (prefix "") or rows reaching a course
    through `prefix` ("course", "content__course").  Anonymous users match nothing.  This is the
    data relation, true of deactivated accounts too (a report filtered by a former instructor); who
    may act is for the predicates in courses.permissions, which also require an active account.

    The co-author side is a subquery, never a join: rows are not multiplied (no distinct() needed),
    and the queryset stays deletable and cheap to count.
    """
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    co_authored = InstructorCollaborator.objects.filter(user_id=user.pk).values("course_id")
    instructor = f"{prefix}__instructor_id" if prefix else "instructor_id"
    return Q(**{instructor: user.pk}) | Q(**{f"{prefix or 'pk'}__in": co_authored})


def course_staff_q(user, prefix: str = "") -> Q:
    """Rows of the courses whose staff `user` is: the ones they teach; superusers: every course."""
    if getattr(user, "is_authenticated", False) and user.is_superuser:
        return Q()
    return courses_taught_q(user, prefix)


def course_teachers_q(courses) -> Q:
    """Users who teach any of `courses` (a Course queryset): the rule read the other way round."""
    return Q(pk__in=courses.values("instructor_id")) | Q(
        pk__in=InstructorCollaborator.objects.filter(course__in=courses.values("pk")).values("user_id")
    )


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Course.Status.PUBLISHED)

    def without_revisions(self):
        """Courses themselves, not the draft revisions of live courses (`Course.revision_of`)."""
        return self.filter(revision_of__isnull=True)

    def taught_by(self, user):
        """Courses `user` teaches (owns or co-authors); superusers are no exception."""
        return self.filter(courses_taught_q(user))

    def editable_by(self, user):
        """Courses whose staff `user` is: the ones they teach; superusers: all (`course_staff_q`).

        Whether a course may be edited right now also depends on its status: see
        `courses.permissions.can_edit_course`.
        """
        return self.filter(course_staff_q(user))


class Course(UUIDModel):
    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses_taught")
    title = models.CharField(max_length=200, validators=[MinLengthValidator(3)])
    slug = models.SlugField(max_length=220, unique=True)
    short_description = models.CharField(max_length=500, blank=True)
    description = models.TextField()
    thumbnail = models.ImageField(upload_to="courses/thumbnails/%Y/%m/", blank=True, validators=[validate_thumbnail])
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="USD")
    duration_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Total length in minutes.")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER, db_index=True)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en", db_index=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses")
    tags = models.ManyToManyField(Tag, blank=True, related_name="courses")
    is_featured = models.BooleanField(default=False)
    max_students = models.PositiveIntegerField(null=True, blank=True, help_text="Seat limit; empty for unlimited.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    requirements = models.TextField(blank=True, help_text="One requirement per line.")
    learning_outcomes = models.TextField(blank=True, help_text="One outcome per line.")
    curriculum_summary = models.TextField(blank=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_for", help_text="Courses to complete first."
    )
    certificate_template = models.ForeignKey(
        "CertificateTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A revision is a draft copy of a published course (courses.services.revisions): it is reviewed like a
    # course and, once approved, applied to the live course it revises, then deleted.  It is never published.
    revision_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="revisions", editable=False
    )
    # Of a revision: the live row each cloned row was copied from, per kind
    # ({"section": {clone id: origin id}, "content": {...}, "question": {...}, "assignment": {...}}).
    revision_origins = models.JSONField(default=dict, blank=True, editable=False)
    # Denormalised counters, maintained in SQL (F expressions) by the apps that own the events.
    rating = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.00"), editable=False,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )  # fmt: skip
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    enrollment_count = models.PositiveIntegerField(default=0, editable=False)
    completion_count = models.PositiveIntegerField(default=0, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="course_price_not_negative"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="course_end_not_before_start",
            ),
            models.CheckConstraint(condition=Q(rating__gte=0) & Q(rating__lte=5), name="course_rating_0_5"),
            models.CheckConstraint(
                condition=Q(max_students__isnull=True) | Q(max_students__gte=1), name="course_max_students_positive"
            ),
            # One open revision per live course.
            models.UniqueConstraint(
                fields=["revision_of"], condition=Q(revision_of__isnull=False), name="course_one_open_revision"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="course_status_created_idx"),
            models.Index(fields=["status", "is_featured"], name="course_status_featured_idx"),
            models.Index(fields=["status", "-enrollment_count"], name="course_status_popular_idx"),
            models.Index(fields=["status", "-rating"], name="course_status_rating_idx"),
            models.Index(fields=["status", "price"], name="course_status_price_idx"),
        ]
        permissions = [
            ("review_course", "Can approve courses or request changes"),
            ("submit_course", "Can submit a course for review"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (revision)" if self.revision_of_id else self.title

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(
                "The end date cannot be before the start date.", code="end_before_start"
            )
        if self.price is not None and self.price < 0:
            errors["price"] = ValidationError("The price cannot be negative.", code="negative_price")
        if errors:
            raise ValidationError(errors)

    def validate_prerequisites(self, prerequisites) -> None:
        """Many-to-many values are not visible to clean(): forms and services call this."""
        if self.pk and any(getattr(c, "pk", c) == self.pk for c in prerequisites):
            raise ValidationError(
                {"prerequisites": ValidationError("A course cannot be its own prerequisite.", code="self_prerequisite")}
            )

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    def requirement_list(self) -> list[str]:
        return [line.strip(" -*\t") for line in self.requirements.splitlines() if line.strip(" -*\t")]

    def outcome_list(self) -> list[str]:
        return [line.strip(" -*\t") for line in self.learning_outcomes.splitlines() if line.strip(" -*\t")]


class InstructorCollaborator(TimeStampedModel):
    """A co-author: may edit the course in the admin like its owner (but not delete it)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="collaborators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="co_authored")
    role = models.CharField(max_length=50, default="Co-instructor")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="collaborator_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.course}"


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
        DOCUMENT = "document", "Document"
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"
        ARTICLE = "article", "Article"
        QUIZ = "quiz", "Quiz"
        CERTIFICATE = "certificate", "Certificate"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="contents")
    section = models.ForeignKey(CourseSection, on_delete=models.CASCADE, related_name="contents")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, db_index=True)
    order = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    is_required = models.BooleanField(default=True, help_text="Counts towards course completion.")
    is_preview = models.BooleanField(default=False, help_text="Free preview: visible without enrolling.")
    points = models.PositiveIntegerField(default=0)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # document / image / video (uploaded)
    file = models.FileField(upload_to=RandomFileName("courses/content"), storage=private_storage, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    file_type = models.CharField(max_length=100, blank=True, editable=False)
    alt_text = models.CharField(max_length=300, blank=True, help_text="Describe the image for screen readers.")
    # video from an allow-listed host (settings.VIDEO_EMBED_HOSTS)
    video_url = models.URLField(blank=True)
    captions = models.FileField(upload_to="courses/captions/%Y/%m/", blank=True, help_text="WebVTT captions.")
    # article
    article_body = models.TextField(blank=True, help_text="Markdown.")
    article_html = models.TextField(blank=True, editable=False)
    # quiz settings
    pass_mark = models.PositiveSmallIntegerField(
        default=70, validators=[MaxValueValidator(100)], help_text="Percentage needed to pass."
    )
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for unlimited.")
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for no limit.")
    shuffle_questions = models.BooleanField(default=False)
    manual_grading = models.BooleanField(
        default=False, help_text="Text answers are graded by the instructor instead of by exact match."
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
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        TRUE_FALSE = "true_false", "True / false"
        TEXT = "text", "Text answer"

    content = models.ForeignKey(CourseContent, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField()
    question_type = models.CharField(max_length=20, choices=Type.choices, default=Type.SINGLE_CHOICE)
    options = models.JSONField(default=list, blank=True, help_text="Answer options (choice questions).")
    correct_answers = models.JSONField(
        default=list, blank=True, help_text="Correct option(s), or accepted text answers."
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
            errors["content"] = ValidationError("Questions belong to quiz lessons only.", code="not_a_quiz")
        options, answers = self.options, self.correct_answers
        if not _is_list_of_text(options):
            errors["options"] = ValidationError("Options must be a list of texts.", code="invalid")
        if not _is_list_of_text(answers):
            errors["correct_answers"] = ValidationError("Correct answers must be a list of texts.", code="invalid")
        if errors:
            raise ValidationError(errors)

        if self.question_type in self.CHOICE_TYPES:
            if self.question_type == self.Type.TRUE_FALSE and options != self.TRUE_FALSE_OPTIONS:
                errors["options"] = ValidationError('A true/false question has the options "True" and "False".')
            elif len(options) < 2:
                errors["options"] = ValidationError("Give at least two options.", code="too_few_options")
            elif len({o.strip() for o in options}) != len(options):
                errors["options"] = ValidationError("Options must be different from each other.", code="duplicate")
            unknown = [a for a in answers if a not in options]
            if unknown:
                errors["correct_answers"] = ValidationError(
                    "Correct answers must be among the options (not: %(unknown)s).",
                    code="unknown_answer",
                    params={"unknown": ", ".join(unknown)},
                )
            elif not answers:
                errors["correct_answers"] = ValidationError("Mark at least one correct answer.", code="no_answer")
            elif self.question_type != self.Type.MULTIPLE_CHOICE and len(answers) != 1:
                errors["correct_answers"] = ValidationError(
                    "This type of question has exactly one correct answer.", code="one_answer"
                )
        else:  # text
            if options:
                errors["options"] = ValidationError("Text questions have no options.", code="options_not_allowed")
            if not any(a.strip() for a in answers):
                errors["correct_answers"] = ValidationError("Give at least one accepted answer.", code="no_answer")
        if errors:
            raise ValidationError(errors)


def _is_list_of_text(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


class CourseLanguage(TimeStampedModel):
    """A language a course is offered in (besides its own `language`)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "language"], name="course_language_unique")]

    def __str__(self) -> str:
        return f"{self.course} ({self.language})"


class Translation(TimeStampedModel):
    """A translated text of one field of a course, section or lesson, shown by the visitor's language."""

    class Target(models.TextChoices):
        COURSE = "course", "Course"
        SECTION = "section", "Section"
        CONTENT = "content", "Lesson"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    target = models.CharField(max_length=10, choices=Target.choices)
    target_id = models.UUIDField()
    field = models.CharField(max_length=50)
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "target", "target_id", "field"], name="translation_unique")
        ]
        indexes = [models.Index(fields=["course", "language"], name="translation_course_lang_idx")]

    def __str__(self) -> str:
        return f"{self.target}:{self.field} [{self.language}]"


class CertificateTemplateQuerySet(models.QuerySet):
    def locked(self):
        """Templates used by a course that is in review, published or archived (see `is_locked`)."""
        return self.filter(courses__status__in=CertificateTemplate.LOCKING_STATUSES).distinct()


class CertificateTemplate(UUIDModel):
    """HTML/CSS layout rendered to PDF with placeholders such as {{ student_name }}.

    The HTML is a sandboxed template (courseworx.core.pdf_templates): plain-text placeholders, `if` and
    `comment` tags, a few text filters; tags, attributes, CSS properties and URLs are allow-listed.
    `clean()` reports what is not allowed; `save()` refuses to store it (ValidationError) whatever the
    caller; learning.certificates sanitises again when rendering.
    """

    TEXT_PLACEHOLDERS = ("student_name", "course_title", "instructor_name", "completed_on", "verification_code",
                         "verification_url", "grade", "signature_name", "signature_title")  # fmt: skip
    # Image fields of the template itself: `<img src="{{ background_image }}">`, `url("{{ background_image }}")`.
    IMAGE_PLACEHOLDERS = ("background_image", "signature_image")
    LINK_PLACEHOLDERS = ("verification_url",)
    PLACEHOLDERS = TEXT_PLACEHOLDERS + IMAGE_PLACEHOLDERS
    # A template used by a course in one of these states changes only as a course does: not by its author.
    LOCKING_STATUSES = (Course.Status.IN_REVIEW, Course.Status.PUBLISHED, Course.Status.ARCHIVED)

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificate_templates"
    )
    html = models.TextField(
        help_text=(
            "HTML body. Placeholders: {{ student_name }}, {{ course_title }}, {{ instructor_name }}, "
            "{{ completed_on }}, {{ grade }}, {{ verification_code }}, {{ verification_url }}, "
            "{{ signature_name }}, {{ signature_title }}. Images (as an img src or a CSS url): "
            "{{ background_image }}, {{ signature_image }} or files under /static/. Tags: {% if %}…{% endif %}."
        )
    )
    css = models.TextField(
        blank=True,
        help_text='CSS (with @page and @media). Images: url("{{ background_image }}"), url("/static/…").',
    )
    orientation = models.CharField(
        max_length=10, choices=[("landscape", "Landscape"), ("portrait", "Portrait")], default="landscape"
    )
    background_image = models.ImageField(
        upload_to="certificates/backgrounds/", blank=True, validators=[validate_thumbnail]
    )
    signature_image = models.ImageField(
        upload_to="certificates/signatures/", blank=True, validators=[validate_thumbnail]
    )
    signature_name = models.CharField(max_length=200, blank=True)
    signature_title = models.CharField(max_length=200, blank=True)
    is_default = models.BooleanField(default=False, help_text="Used by courses without their own template.")

    objects = CertificateTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def pickable_by(user) -> Q:
        """The templates an instructor may choose for a course (and see): their own, site templates (no
        owner) and the default one."""
        return Q(owner=user) | Q(owner__isnull=True) | Q(is_default=True)

    def is_locked(self) -> bool:
        """Used by a course in review, published or archived: its author may no longer change it."""
        return self.pk is not None and self.courses.filter(status__in=self.LOCKING_STATUSES).exists()

    def content_problems(self) -> dict[str, list[str]]:
        """What in `html` and `css` is not allowed, per field (empty when the template is fine)."""
        images = {name: pdf_file_url(name) for name in self.IMAGE_PLACEHOLDERS}
        allowed = {"placeholders": images, "file_names": self.IMAGE_PLACEHOLDERS}
        html = pdf_templates.template_problems(self.html, self.PLACEHOLDERS)
        html += pdf_templates.html_problems(self.html, link_placeholders=self.LINK_PLACEHOLDERS, **allowed)
        if not html:
            # Also check what the template produces (markup assembled from pieces, literals...).
            sample = {name: f"Sample {name.replace('_', ' ')}" for name in self.TEXT_PLACEHOLDERS}
            sample.update(images, verification_url="https://courseworx.example/certificates/verify/SAMPLE/")
            rendered = pdf_templates.render_template(self.html, sample)
            html += pdf_templates.html_problems(rendered, **allowed)
        css = pdf_templates.css_problems(self.css, **allowed)
        return {field: list(dict.fromkeys(problems)) for field, problems in (("html", html), ("css", css)) if problems}

    def clean(self) -> None:
        super().clean()
        if problems := self.content_problems():
            raise ValidationError(problems)

    def save(self, *args, **kwargs):
        # Whoever writes the row (admin, service, shell, data migration), unsafe HTML/CSS is never stored.
        if problems := self.content_problems():
            raise ValidationError(problems)
        super().save(*args, **kwargs)


class CourseApprovalRequest(TimeStampedModel):
    """One submission for review and its decision (who, when, note)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

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


class VoiceTranscript(TimeStampedModel):
    """The text of a video (or audio) lesson, shown under the player and searchable."""

    content = models.ForeignKey(CourseContent, on_delete=models.CASCADE, related_name="transcripts")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    text = models.TextField(max_length=200_000)
    is_published = models.BooleanField(default=True)

    class Meta:
        db_table = "reports_voicetranscript"  # created by the reports app, which owned it first
        ordering = ["content", "language"]
        constraints = [models.UniqueConstraint(fields=["content", "language"], name="transcript_content_lang_unique")]

    def __str__(self) -> str:
        return f"Transcript of {self.content_id} [{self.language}]"
