"""People together: reviews, discussions, flags and moderation, messages, support
tickets, surveys and the internal knowledge base.

Every piece of user-written text is stored twice: as typed (`body`, Markdown) and as sanitised HTML
(`body_html`, rendered by `courseworx.core.text.render_markdown` with the community policy on save).  Templates only
ever print the sanitised HTML.  Content that can be flagged (threads, replies, reviews) carries the
soft-delete fields of `ModeratedContent`: nothing is ever destroyed by moderation.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel, UUIDModel
from courseworx.core.storage import RandomFileName, private_storage
from courseworx.core.text import COMMUNITY, render_markdown

USER = settings.AUTH_USER_MODEL


class RenderedTextMixin:
    """Fields listed in RENDERED ({source: target}) are rendered (Markdown -> sanitised HTML) on
    every save, whoever saves (services, admin, demo): stored HTML is never trusted as written."""

    RENDERED: dict[str, str] = {"body": "body_html"}

    def save(self, *args, **kwargs):
        for source, target in self.RENDERED.items():
            setattr(self, target, render_markdown(getattr(self, source), policy=COMMUNITY))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | set(self.RENDERED.values())
        super().save(*args, **kwargs)


# =================================================================================================
# Moderation building blocks
# =================================================================================================
class ModeratedContent(UUIDModel):
    """Soft-deletable, flaggable user content.  Hidden content stays in the database."""

    class HiddenReason(models.TextChoices):
        NONE = "", "Visible"
        FLAGS = "flags", _("Hidden automatically (too many flags)")
        MODERATOR = "moderator", _("Hidden by a moderator")

    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=20, choices=HiddenReason.choices, default="", blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    open_flag_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


class UserMute(TimeStampedModel):
    """A user may not post (threads, replies, reviews, messages) until `until`."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="community_mutes")
    until = models.DateTimeField()
    reason = models.TextField()
    muted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-until"]
        indexes = [models.Index(fields=["user", "until"], name="mute_user_until_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} muted until {self.until:%Y-%m-%d %H:%M}"


# =================================================================================================
# Reviews
# =================================================================================================
class Review(RenderedTextMixin, ModeratedContent):
    """One review per enrolment (editable); the instructor may reply once (editable)."""

    RENDERED = {"body": "body_html", "reply": "reply_html"}

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="reviews")
    enrollment = models.OneToOneField("learning.Enrollment", on_delete=models.CASCADE, related_name="review")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="course_reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    body = models.TextField(max_length=5000, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    reply = models.TextField(max_length=5000, blank=True)
    reply_html = models.TextField(blank=True, editable=False)
    replied_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_5"),
            models.UniqueConstraint(fields=["course", "author"], name="review_course_author_unique"),
        ]
        indexes = [models.Index(fields=["course", "is_hidden", "-created_at"], name="review_course_visible_idx")]

    def __str__(self) -> str:
        return f"{self.rating}★ by {self.author_id} on {self.course_id}"


# =================================================================================================
# Discussions
# =================================================================================================
class DiscussionThread(RenderedTextMixin, ModeratedContent):
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="discussion_threads")
    lesson = models.ForeignKey(
        "courses.CourseContent", null=True, blank=True, on_delete=models.SET_NULL, related_name="discussion_threads"
    )
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="discussion_threads")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=20_000)
    body_html = models.TextField(blank=True, editable=False)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    accepted_reply = models.ForeignKey(
        "ThreadReply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField()

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [
            models.Index(fields=["course", "is_hidden", "-is_pinned", "-last_activity_at"], name="thread_course_idx"),
            models.Index(fields=["lesson", "is_hidden"], name="thread_lesson_idx"),
            models.Index(fields=["author", "-created_at"], name="thread_author_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_answered(self) -> bool:
        return self.accepted_reply_id is not None


class ThreadReply(RenderedTextMixin, ModeratedContent):
    thread = models.ForeignKey(DiscussionThread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="thread_replies")
    body = models.TextField(max_length=20_000)
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "thread replies"
        indexes = [
            models.Index(fields=["thread", "is_hidden", "created_at"], name="reply_thread_idx"),
            models.Index(fields=["author", "-created_at"], name="reply_author_idx"),
        ]

    def __str__(self) -> str:
        return f"Reply by {self.author_id} in {self.thread_id}"


class ThreadSubscription(TimeStampedModel):
    thread = models.ForeignKey(DiscussionThread, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="thread_subscriptions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="thread_subscription_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.thread_id}"


# =================================================================================================
# Flags and moderation
# =================================================================================================
class FlagTargetKind(models.TextChoices):
    """What can be flagged (API input; not stored: FlaggedItem keeps the ContentType)."""

    THREAD = "thread", _("Discussion thread")
    REPLY = "reply", _("Thread reply")
    REVIEW = "review", _("Course review")
    LESSON = "lesson", _("Lesson")


class FlaggedItem(UUIDModel):
    """One row per flagged target (a thread, reply, review or lesson): the moderation queue.

    Its flags are `ContentFlag` rows; `open_flag_count` is kept in SQL with F() expressions.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text=_("Context.")
    )
    author = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text=_("Who wrote the content.")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    open_flag_count = models.PositiveIntegerField(default=0)
    last_flagged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-open_flag_count", "-last_flagged_at"]
        verbose_name = "moderation queue item"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="flagged_item_target_unique"),
        ]
        indexes = [models.Index(fields=["status", "-open_flag_count", "-last_flagged_at"], name="flagged_queue_idx")]
        permissions = [("moderate_content", "Can moderate flagged content (hide, restore, dismiss, mute)")]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}"


class ContentFlag(UUIDModel):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Harassment or abuse")
        INAPPROPRIATE = "inappropriate", _("Inappropriate content")
        OFF_TOPIC = "off_topic", _("Off topic")
        COPYRIGHT = "copyright", _("Copyright infringement")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld (content hidden)")
        DISMISSED = "dismissed", _("Dismissed")

    item = models.ForeignKey(FlaggedItem, on_delete=models.CASCADE, related_name="flags")
    flagger = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="content_flags")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open flag per person per target.
            models.UniqueConstraint(
                fields=["item", "flagger"], condition=Q(status="open"), name="flag_one_open_per_flagger"
            ),
        ]
        indexes = [
            models.Index(fields=["item", "status"], name="flag_item_status_idx"),
            models.Index(fields=["flagger", "-created_at"], name="flag_flagger_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} by {self.flagger_id}"


class ModerationAction(TimeStampedModel):
    """The log of every moderator action: who, what, when (created_at), why (note)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hide")
        RESTORE = "restore", _("Restore")
        DISMISS = "dismiss", _("Dismiss flags")
        MUTE = "mute", _("Mute author")
        AUTO_HIDE = "auto_hide", _("Hidden automatically")

    moderator = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    item = models.ForeignKey(FlaggedItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    target_user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField()
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="modaction_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


# =================================================================================================
# Messages
# =================================================================================================
class Conversation(UUIDModel):
    """A direct conversation between a student and an instructor of a course the student takes."""

    student = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="student_conversations")
    instructor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="instructor_conversations")
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_message_at = models.DateTimeField(null=True, blank=True)
    student_read_at = models.DateTimeField(null=True, blank=True)
    instructor_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "instructor"], name="conversation_pair_unique"),
            models.CheckConstraint(condition=~Q(student=models.F("instructor")), name="conversation_two_people"),
        ]
        indexes = [
            models.Index(fields=["student", "-last_message_at"], name="conversation_student_idx"),
            models.Index(fields=["instructor", "-last_message_at"], name="conversation_instructor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} ↔ {self.instructor_id}"

    def other(self, user):
        return self.instructor if user.pk == self.student_id else self.student


class Message(RenderedTextMixin, UUIDModel):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_conversation_idx")]

    def __str__(self) -> str:
        return f"Message {self.pk}"


# =================================================================================================
# Support tickets
# =================================================================================================
class SupportTicket(UUIDModel):
    class Category(models.TextChoices):
        ACCOUNT = "account", _("Account and login")
        COURSE = "course", _("Course content")
        TECHNICAL = "technical", _("Technical problem")
        BILLING = "billing", _("Billing and payments")
        CERTIFICATE = "certificate", _("Certificates")
        OTHER = "other", _("Other")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending (waiting for the user)")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    number = models.PositiveIntegerField(unique=True, editable=False)
    requester = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="support_tickets")
    subject = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lesson = models.ForeignKey(
        "courses.CourseContent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, editable=False)
    assignee = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tickets"
    )
    first_response_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(editable=False)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], editable=False
    )
    satisfaction_comment = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-last_activity_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="ticket_satisfaction_1_5",
            ),
        ]
        indexes = [
            models.Index(fields=["requester", "-last_activity_at"], name="ticket_requester_idx"),
            models.Index(fields=["status", "priority", "-last_activity_at"], name="ticket_queue_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_idx"),
        ]
        permissions = [("handle_ticket", "Can work support tickets (reply, assign, change status)")]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class TicketMessage(RenderedTextMixin, UUIDModel):
    ticket = models.ForeignKey(SupportTicket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=20_000)
    body_html = models.TextField(blank=True, editable=False)
    is_staff_reply = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_message_idx")]

    def __str__(self) -> str:
        return f"Message on #{self.ticket_id}"


class TicketAttachment(UUIDModel):
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=RandomFileName("community/tickets"), storage=private_storage)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


# =================================================================================================
# Surveys
# =================================================================================================
class Survey(UUIDModel):
    class Audience(models.TextChoices):
        COURSE = "course", _("Learners of one course")
        ALL = "all", _("Everyone")

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.COURSE)
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    is_published = models.BooleanField(default=False)
    closes_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty: open until unpublished."))
    response_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(audience="course") & Q(course__isnull=False))
                | (Q(audience="all") & Q(course__isnull=True)),
                name="survey_audience_course",
            )
        ]
        indexes = [models.Index(fields=["is_published", "audience", "course"], name="survey_audience_idx")]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(UUIDModel):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating (1–5)")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RATING)
    options = models.JSONField(default=list, blank=True, help_text=_("Single choice: the options (a list of texts)."))
    required = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["survey", "order"]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.SINGLE_CHOICE:
            if (
                not isinstance(self.options, list)
                or len(self.options) < 2
                or not all(isinstance(o, str) and o.strip() for o in self.options)
            ):
                raise ValidationError({"options": "A single choice question needs at least two options (texts)."})
        elif self.options:
            raise ValidationError({"options": "Only single choice questions have options."})


class SurveyResponse(UUIDModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="survey_responses")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_response_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.survey_id}"


class SurveyAnswer(TimeStampedModel):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=500, blank=True)
    text = models.TextField(max_length=5000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)), name="survey_rating_1_5"
            ),
        ]
        indexes = [models.Index(fields=["question", "rating"], name="survey_answer_question_idx")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


# =================================================================================================
# Internal docs
# =================================================================================================
class InternalDoc(RenderedTextMixin, UUIDModel):
    """A staff-only knowledge base page (Markdown)."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    category = models.CharField(max_length=100, blank=True, db_index=True)
    body = models.TextField(help_text=_("Markdown."))
    body_html = models.TextField(blank=True, editable=False)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["category", "title"]
        verbose_name = "internal doc"

    def __str__(self) -> str:
        return self.title
