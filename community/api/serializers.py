"""Input and output serializers, one pair per endpoint.  User text goes out as `body` (as typed) and
`body_html` (sanitised by nh3 on save): clients must render only `body_html` as HTML."""

from django.urls import reverse
from rest_framework import serializers

from community.models import (
    ContentFlag,
    Conversation,
    DiscussionThread,
    FlaggedItem,
    FlagTargetKind,
    Message,
    Review,
    SupportTicket,
    Survey,
    SurveyQuestion,
    ThreadReply,
    TicketMessage,
)
from community.validators import visible_text
from courseworx.core.models import Notification, NotificationPreference


class _UserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="get_full_name")


# --- notifications -------------------------------------------------------------------------------
class NotificationOutputSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField()

    class Meta:
        model = Notification
        fields = ("id", "category", "title", "body", "url", "is_read", "read_at", "created_at")
        read_only_fields = fields


class NotificationReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), required=False, help_text="Omit for all.")


class NotificationReadOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class UnreadCountOutputSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class PreferenceInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Notification.Category.choices)
    channel = serializers.ChoiceField(choices=NotificationPreference.Channel.choices)


class PreferenceOutputSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    channel = serializers.CharField()


# --- reviews -------------------------------------------------------------------------------------
class ReviewOutputSerializer(serializers.ModelSerializer):
    author = _UserOutputSerializer()
    replied_by = _UserOutputSerializer(allow_null=True)

    class Meta:
        model = Review
        fields = ("id", "author", "rating", "body", "body_html", "reply", "reply_html", "replied_by", "replied_at",
                  "is_hidden", "created_at", "updated_at")  # fmt: skip
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    body = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ReviewReplyInputSerializer(serializers.Serializer):
    reply = serializers.CharField(allow_blank=True, max_length=5000)


# --- discussions ---------------------------------------------------------------------------------
class ThreadListOutputSerializer(serializers.ModelSerializer):
    author = _UserOutputSerializer()
    lesson = serializers.UUIDField(source="lesson_id", allow_null=True)
    is_subscribed = serializers.BooleanField()
    is_answered = serializers.BooleanField()

    class Meta:
        model = DiscussionThread
        fields = ("id", "title", "author", "lesson", "is_pinned", "is_locked", "is_answered", "is_hidden",
                  "reply_count", "last_activity_at", "is_subscribed", "created_at")  # fmt: skip
        read_only_fields = fields


class ThreadDetailOutputSerializer(serializers.ModelSerializer):
    author = _UserOutputSerializer()
    course = serializers.SlugField(source="course.slug")
    lesson = serializers.UUIDField(source="lesson_id", allow_null=True)
    accepted_reply = serializers.UUIDField(source="accepted_reply_id", allow_null=True)

    class Meta:
        model = DiscussionThread
        fields = ("id", "course", "title", "body", "body_html", "author", "lesson", "is_pinned", "is_locked",
                  "accepted_reply", "is_hidden", "reply_count", "last_activity_at", "created_at")  # fmt: skip
        read_only_fields = fields


class ThreadCreateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20_000)
    lesson = serializers.UUIDField(required=False, allow_null=True)


class ThreadUpdateInputSerializer(serializers.Serializer):
    is_pinned = serializers.BooleanField(required=False)
    is_locked = serializers.BooleanField(required=False)


class AcceptInputSerializer(serializers.Serializer):
    reply = serializers.UUIDField(allow_null=True)


class ReplyOutputSerializer(serializers.ModelSerializer):
    author = _UserOutputSerializer()

    class Meta:
        model = ThreadReply
        fields = ("id", "author", "body", "body_html", "is_hidden", "created_at")
        read_only_fields = fields


class ReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)


class SubscriptionOutputSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField()


# --- flags and moderation ------------------------------------------------------------------------
class FlagInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FlagTargetKind.choices)
    object_id = serializers.UUIDField()
    reason = serializers.ChoiceField(choices=ContentFlag.Reason.choices)
    details = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class FlagOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContentFlag
        fields = ("id", "reason", "details", "status", "created_at")
        read_only_fields = fields


class QueueItemOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="content_type.model")
    course = serializers.CharField(source="course.slug", allow_null=True, default=None)
    author = _UserOutputSerializer(allow_null=True)
    excerpt = serializers.SerializerMethodField()
    is_hidden = serializers.SerializerMethodField()

    class Meta:
        model = FlaggedItem
        fields = ("id", "kind", "object_id", "course", "author", "excerpt", "is_hidden", "open_flag_count",
                  "status", "last_flagged_at", "resolved_at")  # fmt: skip
        read_only_fields = fields

    def get_excerpt(self, obj) -> str:
        target = obj.target
        if target is None:
            return ""
        text = getattr(target, "body", None) or getattr(target, "title", "")
        return text[:200]

    def get_is_hidden(self, obj) -> bool:
        return bool(getattr(obj.target, "is_hidden", False))


class ModerationInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["hide", "restore", "dismiss", "mute"])
    note = serializers.CharField(max_length=5000)
    days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=7)


# --- messages ------------------------------------------------------------------------------------
class ConversationOutputSerializer(serializers.ModelSerializer):
    student = _UserOutputSerializer()
    instructor = _UserOutputSerializer()
    unread = serializers.IntegerField(default=0)

    class Meta:
        model = Conversation
        fields = ("id", "student", "instructor", "last_message_at", "unread", "created_at")
        read_only_fields = fields


class ConversationStartInputSerializer(serializers.Serializer):
    user = serializers.UUIDField(help_text="The instructor (for a student) or the student (for an instructor).")


class MessageOutputSerializer(serializers.ModelSerializer):
    sender = _UserOutputSerializer()

    class Meta:
        model = Message
        fields = ("id", "sender", "body", "body_html", "created_at")
        read_only_fields = fields


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000, validators=[visible_text])


# --- tickets -------------------------------------------------------------------------------------
class TicketListOutputSerializer(serializers.ModelSerializer):
    requester = _UserOutputSerializer()
    assignee = _UserOutputSerializer(allow_null=True)

    class Meta:
        model = SupportTicket
        fields = ("id", "number", "subject", "category", "priority", "status", "requester", "assignee",
                  "first_response_at", "resolved_at", "closed_at", "last_activity_at", "satisfaction",
                  "created_at")  # fmt: skip
        read_only_fields = fields


class TicketMessageOutputSerializer(serializers.ModelSerializer):
    author = _UserOutputSerializer()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = TicketMessage
        fields = ("id", "author", "body", "body_html", "is_staff_reply", "attachments", "created_at")
        read_only_fields = fields

    def get_attachments(self, obj) -> list[dict]:
        return [
            {"name": a.name, "size": a.size, "url": reverse("community:ticket_attachment", args=[a.pk])}
            for a in obj.attachments.all()
        ]


class TicketDetailOutputSerializer(TicketListOutputSerializer):
    messages = TicketMessageOutputSerializer(many=True)
    course = serializers.CharField(source="course.slug", allow_null=True, default=None)

    class Meta(TicketListOutputSerializer.Meta):
        fields = (*TicketListOutputSerializer.Meta.fields, "course", "satisfaction_comment", "messages")
        read_only_fields = fields


class TicketCreateInputSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200, validators=[visible_text])
    body = serializers.CharField(max_length=20_000, validators=[visible_text])
    category = serializers.ChoiceField(choices=SupportTicket.Category.choices, default="other")
    priority = serializers.ChoiceField(choices=SupportTicket.Priority.choices, default="normal")
    course = serializers.SlugField(required=False, allow_null=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TicketReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000, validators=[visible_text])
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TicketStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SupportTicket.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TicketAssignInputSerializer(serializers.Serializer):
    assignee = serializers.UUIDField(allow_null=True)


class TicketRateInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


# --- surveys -------------------------------------------------------------------------------------
class SurveyQuestionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyQuestion
        fields = ("id", "text", "kind", "options", "required", "order")
        read_only_fields = fields


class SurveyListOutputSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course.slug", allow_null=True, default=None)
    answered = serializers.BooleanField(default=False)

    class Meta:
        model = Survey
        fields = ("id", "title", "audience", "course", "closes_at", "answered", "created_at")
        read_only_fields = fields


class SurveyDetailOutputSerializer(SurveyListOutputSerializer):
    questions = SurveyQuestionOutputSerializer(many=True)

    class Meta(SurveyListOutputSerializer.Meta):
        fields = (*SurveyListOutputSerializer.Meta.fields, "description", "questions")
        read_only_fields = fields


class SurveyAnswerInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=5000),
        help_text="{question id: answer}: 1-5 for ratings, the option text for single choice, free text.",
    )


class SurveyResultOutputSerializer(serializers.Serializer):
    question = SurveyQuestionOutputSerializer()
    answers = serializers.IntegerField()
    average = serializers.FloatField(required=False, allow_null=True)
    distribution = serializers.ListField(child=serializers.DictField(), required=False)
    choices = serializers.ListField(child=serializers.DictField(), required=False)
    texts = serializers.ListField(child=serializers.DictField(), required=False)
