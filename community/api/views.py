"""Community API: the same permissions as the pages (community.permissions), thin views.

What a user may not see is a 404 (a course's discussions for someone outside it, another user's
ticket or conversation); an action they may not take on something they can see is a 403.  Services
raise Django's ValidationError (400) and PermissionDenied (403); an illegal ticket status change is
a ConflictError (409, `invalid_transition`), answered by the API's exception handler.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework import permissions as drf_permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from community import permissions, selectors, services
from community.models import (
    Conversation,
    DiscussionThread,
    FlaggedItem,
    Review,
    SupportTicket,
    Survey,
    ThreadReply,
)
from courses.models import Course
from courses.permissions import can_view_course
from courseworx.core import notifications as notification_services
from courseworx.core.api.schema import conflict_codes
from courseworx.core.models import Notification
from courseworx.core.selectors import notification_list

from . import serializers as s

TAG_NOTIFICATIONS = ["community: notifications"]
TAG_REVIEWS = ["community: reviews"]
TAG_DISCUSSIONS = ["community: discussions"]
TAG_MODERATION = ["community: moderation"]
TAG_MESSAGES = ["community: messages"]
TAG_TICKETS = ["community: support"]
TAG_SURVEYS = ["community: surveys"]


def _course(user, slug: str) -> Course:
    course = get_object_or_404(Course.objects.select_related("instructor"), slug=slug)
    if not can_view_course(user, course):
        raise Http404
    return course


def _member_course(user, slug: str) -> Course:
    course = _course(user, slug)
    if not permissions.can_read_discussions(user, course):
        raise Http404
    return course


def _thread(user, thread_id) -> DiscussionThread:
    thread = get_object_or_404(DiscussionThread.objects.select_related("course", "author"), pk=thread_id)
    if not permissions.can_read_discussions(user, thread.course):
        raise Http404
    if thread.is_hidden and not permissions.can_see_hidden(user, thread.course):
        raise Http404
    return thread


def _ticket(user, number: int) -> SupportTicket:
    ticket = get_object_or_404(SupportTicket.objects.select_related("requester", "assignee", "course"), number=number)
    if not permissions.can_view_ticket(user, ticket):
        raise Http404
    return ticket


def _conversation(user, conversation_id) -> Conversation:
    conversation = get_object_or_404(Conversation.objects.select_related("student", "instructor"), pk=conversation_id)
    if not permissions.is_conversation_participant(user, conversation):
        raise Http404
    return conversation


class PagedApi(generics.GenericAPIView):
    filter_backends: list = []

    def paged(self, queryset, serializer_class, **context):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)


# =================================================================================================
# Notifications
# =================================================================================================
class NotificationListApi(PagedApi):
    """Your notifications, newest first.  `?unread=1`, `?category=`."""

    serializer_class = s.NotificationOutputSerializer

    @extend_schema(
        tags=TAG_NOTIFICATIONS,
        parameters=[OpenApiParameter("unread", bool), OpenApiParameter("category", str)],
        responses=s.NotificationOutputSerializer(many=True),
    )
    def get(self, request):
        qs = notification_list(
            user=request.user,
            unread=request.query_params.get("unread") in ("1", "true"),
            category=request.query_params.get("category", ""),
        )
        return self.paged(qs, s.NotificationOutputSerializer)


class NotificationReadApi(APIView):
    """Mark some (`ids`) or all of your notifications read."""

    @extend_schema(tags=TAG_NOTIFICATIONS, request=s.NotificationReadInputSerializer,
                   responses=s.NotificationReadOutputSerializer)  # fmt: skip
    def post(self, request):
        data = s.NotificationReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notification_services.notification_mark_read(
            user=request.user, notification_ids=data.validated_data.get("ids")
        )
        return Response(
            {"marked": marked, "unread": notification_services.notification_unread_count(user=request.user)}
        )


class NotificationUnreadCountApi(APIView):
    @extend_schema(tags=TAG_NOTIFICATIONS, responses=s.UnreadCountOutputSerializer)
    def get(self, request):
        return Response({"unread": notification_services.notification_unread_count(user=request.user)})


class NotificationPreferencesApi(APIView):
    """E-mail delivery per category: immediate, daily (digest) or off."""

    def _out(self, user):
        labels = dict(Notification.Category.choices)
        prefs = notification_services.notification_preferences_get(user=user)
        return [{"category": c, "label": labels[c], "channel": ch} for c, ch in prefs.items()]

    @extend_schema(tags=TAG_NOTIFICATIONS, responses=s.PreferenceOutputSerializer(many=True))
    def get(self, request):
        return Response(self._out(request.user))

    @extend_schema(tags=TAG_NOTIFICATIONS, request=s.PreferenceInputSerializer(many=True),
                   responses=s.PreferenceOutputSerializer(many=True))  # fmt: skip
    def put(self, request):
        data = s.PreferenceInputSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        for row in data.validated_data:
            notification_services.notification_preference_set(user=request.user, **row)
        return Response(self._out(request.user))


# =================================================================================================
# Reviews
# =================================================================================================
class CourseReviewsApi(PagedApi):
    """A course's visible reviews (anyone); POST writes or updates your review (enrolled students)."""

    serializer_class = s.ReviewOutputSerializer

    def get_permissions(self):
        if self.request.method == "GET":
            return [drf_permissions.AllowAny()]
        return super().get_permissions()

    @extend_schema(tags=TAG_REVIEWS, responses=s.ReviewOutputSerializer(many=True))
    def get(self, request, slug: str):
        course = _course(request.user, slug)
        include_hidden = permissions.can_see_hidden(request.user, course)
        return self.paged(selectors.review_list(course=course, include_hidden=include_hidden),
                          s.ReviewOutputSerializer)  # fmt: skip

    @extend_schema(tags=TAG_REVIEWS, request=s.ReviewInputSerializer, responses={201: s.ReviewOutputSerializer})
    def post(self, request, slug: str):
        course = _course(request.user, slug)
        data = s.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_save(user=request.user, course=course, **data.validated_data)
        return Response(s.ReviewOutputSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewReplyApi(APIView):
    @extend_schema(tags=TAG_REVIEWS, request=s.ReviewReplyInputSerializer, responses=s.ReviewOutputSerializer)
    def post(self, request, review_id):
        review = get_object_or_404(Review.objects.select_related("course", "author"), pk=review_id)
        if not can_view_course(request.user, review.course) or review.is_hidden:
            raise Http404
        data = s.ReviewReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_reply(user=request.user, review=review, reply=data.validated_data["reply"])
        return Response(s.ReviewOutputSerializer(review).data)


# =================================================================================================
# Discussions
# =================================================================================================
class CourseThreadsApi(PagedApi):
    """A course's threads (members only: others get 404); POST starts one.  `?lesson=`, `?search=`."""

    serializer_class = s.ThreadListOutputSerializer

    @extend_schema(
        tags=TAG_DISCUSSIONS,
        parameters=[OpenApiParameter("lesson", str), OpenApiParameter("search", str)],
        responses=s.ThreadListOutputSerializer(many=True),
    )
    def get(self, request, slug: str):
        course = _member_course(request.user, slug)
        lesson = None
        if request.query_params.get("lesson"):
            try:
                lesson = course.contents.filter(pk=request.query_params["lesson"]).first()
            except ValidationError:
                lesson = None
        qs = selectors.thread_list(course=course, user=request.user, lesson=lesson,
                                   query=request.query_params.get("search", "")[:100],
                                   include_hidden=permissions.can_see_hidden(request.user, course))  # fmt: skip
        return self.paged(qs, s.ThreadListOutputSerializer)

    @extend_schema(tags=TAG_DISCUSSIONS, request=s.ThreadCreateInputSerializer,
                   responses={201: s.ThreadDetailOutputSerializer})  # fmt: skip
    def post(self, request, slug: str):
        course = _member_course(request.user, slug)
        data = s.ThreadCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        lesson_id = values.pop("lesson", None)
        lesson = get_object_or_404(course.contents, pk=lesson_id) if lesson_id else None
        thread = services.thread_create(user=request.user, course=course, lesson=lesson, **values)
        return Response(s.ThreadDetailOutputSerializer(thread).data, status=status.HTTP_201_CREATED)


class ThreadDetailApi(APIView):
    """A thread (GET); PATCH pins/locks it (the course's instructors and moderators)."""

    @extend_schema(tags=TAG_DISCUSSIONS, responses=s.ThreadDetailOutputSerializer)
    def get(self, request, thread_id):
        return Response(s.ThreadDetailOutputSerializer(_thread(request.user, thread_id)).data)

    @extend_schema(tags=TAG_DISCUSSIONS, request=s.ThreadUpdateInputSerializer,
                   responses=s.ThreadDetailOutputSerializer)  # fmt: skip
    def patch(self, request, thread_id):
        thread = _thread(request.user, thread_id)
        data = s.ThreadUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = services.thread_set_flags(user=request.user, thread=thread,
                                           pinned=data.validated_data.get("is_pinned"),
                                           locked=data.validated_data.get("is_locked"))  # fmt: skip
        return Response(s.ThreadDetailOutputSerializer(thread).data)


class ThreadRepliesApi(PagedApi):
    serializer_class = s.ReplyOutputSerializer

    @extend_schema(tags=TAG_DISCUSSIONS, responses=s.ReplyOutputSerializer(many=True))
    def get(self, request, thread_id):
        thread = _thread(request.user, thread_id)
        include_hidden = permissions.can_see_hidden(request.user, thread.course)
        return self.paged(selectors.reply_list(thread=thread, include_hidden=include_hidden), s.ReplyOutputSerializer)

    @extend_schema(tags=TAG_DISCUSSIONS, request=s.ReplyInputSerializer, responses={201: s.ReplyOutputSerializer})
    def post(self, request, thread_id):
        thread = _thread(request.user, thread_id)
        data = s.ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_create(user=request.user, thread=thread, body=data.validated_data["body"])
        return Response(s.ReplyOutputSerializer(reply).data, status=status.HTTP_201_CREATED)


class ThreadAcceptApi(APIView):
    @extend_schema(tags=TAG_DISCUSSIONS, request=s.AcceptInputSerializer, responses=s.ThreadDetailOutputSerializer)
    def post(self, request, thread_id):
        thread = _thread(request.user, thread_id)
        data = s.AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply_id = data.validated_data["reply"]
        reply = get_object_or_404(ThreadReply, pk=reply_id, thread=thread) if reply_id else None
        thread = services.thread_accept_answer(user=request.user, thread=thread, reply=reply)
        return Response(s.ThreadDetailOutputSerializer(thread).data)


class ThreadSubscriptionApi(APIView):
    """PUT follows a thread (notified of replies), DELETE stops following."""

    @extend_schema(tags=TAG_DISCUSSIONS, request=None, responses=s.SubscriptionOutputSerializer)
    def put(self, request, thread_id):
        services.thread_subscribe(user=request.user, thread=_thread(request.user, thread_id), subscribed=True)
        return Response({"subscribed": True})

    @extend_schema(tags=TAG_DISCUSSIONS, request=None, responses=s.SubscriptionOutputSerializer)
    def delete(self, request, thread_id):
        services.thread_subscribe(user=request.user, thread=_thread(request.user, thread_id), subscribed=False)
        return Response({"subscribed": False})


# =================================================================================================
# Flags and moderation
# =================================================================================================
class FlagCreateApi(APIView):
    """Report a thread, reply, review or lesson you can see."""

    @extend_schema(tags=TAG_MODERATION, request=s.FlagInputSerializer, responses={201: s.FlagOutputSerializer})
    def post(self, request):
        data = s.FlagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        target = selectors.flag_target_get(kind=values["kind"], object_id=values["object_id"])
        flag = services.flag_create(user=request.user, target=target, reason=values["reason"],
                                    details=values["details"])  # fmt: skip
        return Response(s.FlagOutputSerializer(flag).data, status=status.HTTP_201_CREATED)


class ModerationQueueApi(PagedApi):
    """Moderators: flagged content, most flags first.  `?status=open|resolved` (default open)."""

    permission_classes = [permissions.IsModerator]
    serializer_class = s.QueueItemOutputSerializer

    @extend_schema(tags=TAG_MODERATION, parameters=[OpenApiParameter("status", str)],
                   responses=s.QueueItemOutputSerializer(many=True))  # fmt: skip
    def get(self, request):
        wanted = request.query_params.get("status", "open")
        qs = selectors.flagged_item_queue().order_by("-open_flag_count", "-last_flagged_at")
        if wanted in FlaggedItem.Status.values:
            qs = qs.filter(status=wanted)
        return self.paged(qs, s.QueueItemOutputSerializer)


class ModerationDecisionApi(APIView):
    """Moderators: hide / restore / dismiss / mute (with the required note)."""

    permission_classes = [permissions.IsModerator]

    @extend_schema(tags=TAG_MODERATION, request=s.ModerationInputSerializer, responses=s.QueueItemOutputSerializer)
    def post(self, request, item_id):
        item = get_object_or_404(FlaggedItem, pk=item_id)
        data = s.ModerationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["action"] == "mute":
            services.moderation_mute(moderator=request.user, item=item, note=v["note"], days=v["days"])
        else:
            action = {"hide": services.moderation_hide, "restore": services.moderation_restore,
                      "dismiss": services.moderation_dismiss}[v["action"]]  # fmt: skip
            action(moderator=request.user, item=item, note=v["note"])
        item = selectors.flagged_item_queue().get(pk=item.pk)
        return Response(s.QueueItemOutputSerializer(item).data)


# =================================================================================================
# Messages
# =================================================================================================
class ConversationsApi(PagedApi):
    """Your conversations with unread counts; POST starts (or returns) one with `user`."""

    serializer_class = s.ConversationOutputSerializer

    @extend_schema(tags=TAG_MESSAGES, responses=s.ConversationOutputSerializer(many=True))
    def get(self, request):
        return self.paged(selectors.conversation_list(user=request.user), s.ConversationOutputSerializer)

    @extend_schema(tags=TAG_MESSAGES, request=s.ConversationStartInputSerializer,
                   responses={201: s.ConversationOutputSerializer})  # fmt: skip
    def post(self, request):
        data = s.ConversationStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        other = get_object_or_404(User, pk=data.validated_data["user"], is_active=True)
        conversation = services.conversation_start(user=request.user, other=other)
        return Response(s.ConversationOutputSerializer(conversation).data, status=status.HTTP_201_CREATED)


class ConversationMessagesApi(PagedApi):
    """Messages of one of your conversations (oldest first; reading marks it read); POST sends."""

    serializer_class = s.MessageOutputSerializer

    @extend_schema(tags=TAG_MESSAGES, responses=s.MessageOutputSerializer(many=True))
    def get(self, request, conversation_id):
        conversation = _conversation(request.user, conversation_id)
        services.conversation_mark_read(user=request.user, conversation=conversation)
        return self.paged(selectors.message_list(conversation=conversation), s.MessageOutputSerializer)

    @extend_schema(tags=TAG_MESSAGES, request=s.MessageInputSerializer, responses={201: s.MessageOutputSerializer})
    def post(self, request, conversation_id):
        conversation = _conversation(request.user, conversation_id)
        data = s.MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_send(user=request.user, conversation=conversation, body=data.validated_data["body"])
        return Response(s.MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)


# =================================================================================================
# Support tickets
# =================================================================================================
class TicketsApi(PagedApi):
    """Your tickets (Support: `?queue=1` for all, `?status=`); POST opens one (multipart for files)."""

    serializer_class = s.TicketListOutputSerializer

    @extend_schema(tags=TAG_TICKETS, parameters=[OpenApiParameter("queue", bool), OpenApiParameter("status", str)],
                   responses=s.TicketListOutputSerializer(many=True))  # fmt: skip
    def get(self, request):
        queue = request.query_params.get("queue") in ("1", "true") and permissions.can_handle_tickets(request.user)
        wanted = request.query_params.get("status", "")
        qs = selectors.ticket_list(user=request.user, queue=queue,
                                   status=wanted if wanted in SupportTicket.Status.values else "")  # fmt: skip
        return self.paged(qs, s.TicketListOutputSerializer)

    @extend_schema(tags=TAG_TICKETS, request=s.TicketCreateInputSerializer,
                   responses={201: s.TicketDetailOutputSerializer})  # fmt: skip
    def post(self, request):
        data = s.TicketCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        slug = values.pop("course", None)
        course = None
        if slug:
            course = permissions.member_courses(request.user).filter(slug=slug).first()
            if course is None:
                raise ValidationError({"course": "Choose a course you take or teach."})
        ticket = services.ticket_create(user=request.user, course=course, **values)
        return Response(_ticket_out(ticket), status=status.HTTP_201_CREATED)


def _ticket_out(ticket) -> dict:
    ticket = SupportTicket.objects.select_related("requester", "assignee", "course").get(pk=ticket.pk)
    ticket._prefetched_objects_cache = {"messages": selectors.ticket_messages(ticket=ticket)}
    return s.TicketDetailOutputSerializer(ticket).data


class TicketDetailApi(APIView):
    @extend_schema(tags=TAG_TICKETS, responses=s.TicketDetailOutputSerializer)
    def get(self, request, number: int):
        return Response(_ticket_out(_ticket(request.user, number)))


class TicketMessagesApi(APIView):
    @extend_schema(tags=TAG_TICKETS, request=s.TicketReplyInputSerializer,
                   responses={201: s.TicketDetailOutputSerializer})  # fmt: skip
    def post(self, request, number: int):
        ticket = _ticket(request.user, number)
        data = s.TicketReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ticket_reply(user=request.user, ticket=ticket, **data.validated_data)
        return Response(_ticket_out(ticket), status=status.HTTP_201_CREATED)


class TicketStatusApi(APIView):
    @extend_schema(tags=TAG_TICKETS, request=s.TicketStatusInputSerializer, responses=s.TicketDetailOutputSerializer)
    @conflict_codes("invalid_transition")
    def post(self, request, number: int):
        ticket = _ticket(request.user, number)
        data = s.TicketStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ticket_set_status(user=request.user, ticket=ticket, **data.validated_data)
        return Response(_ticket_out(ticket))


class TicketAssignApi(APIView):
    permission_classes = [permissions.IsSupportStaff]

    @extend_schema(tags=TAG_TICKETS, request=s.TicketAssignInputSerializer, responses=s.TicketDetailOutputSerializer)
    def post(self, request, number: int):
        ticket = _ticket(request.user, number)
        data = s.TicketAssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee_id = data.validated_data["assignee"]
        assignee = get_object_or_404(User, pk=assignee_id) if assignee_id else None
        services.ticket_assign(user=request.user, ticket=ticket, assignee=assignee)
        return Response(_ticket_out(ticket))


class TicketRateApi(APIView):
    @extend_schema(tags=TAG_TICKETS, request=s.TicketRateInputSerializer, responses=s.TicketDetailOutputSerializer)
    def post(self, request, number: int):
        ticket = _ticket(request.user, number)
        data = s.TicketRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ticket_rate(user=request.user, ticket=ticket, **data.validated_data)
        return Response(_ticket_out(ticket))


# =================================================================================================
# Surveys
# =================================================================================================
class SurveysApi(PagedApi):
    serializer_class = s.SurveyListOutputSerializer

    @extend_schema(tags=TAG_SURVEYS, responses=s.SurveyListOutputSerializer(many=True))
    def get(self, request):
        return self.paged(selectors.survey_list_for(user=request.user), s.SurveyListOutputSerializer)


def _answerable_survey(user, survey_id) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("course"), pk=survey_id)
    if not (permissions.can_answer_survey(user, survey) or permissions.can_view_survey_results(user, survey)):
        raise Http404
    return survey


class SurveyDetailApi(APIView):
    @extend_schema(tags=TAG_SURVEYS, responses=s.SurveyDetailOutputSerializer)
    def get(self, request, survey_id):
        survey = _answerable_survey(request.user, survey_id)
        survey.answered = survey.responses.filter(user=request.user).exists()
        survey._prefetched_objects_cache = {"questions": survey.questions.order_by("order")}
        return Response(s.SurveyDetailOutputSerializer(survey).data)


class SurveyResponseApi(APIView):
    @extend_schema(tags=TAG_SURVEYS, request=s.SurveyAnswerInputSerializer, responses={201: None})
    def post(self, request, survey_id):
        survey = get_object_or_404(Survey, pk=survey_id)
        data = s.SurveyAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.survey_answer(user=request.user, survey=survey, answers=data.validated_data["answers"])
        return Response(status=status.HTTP_201_CREATED)


class SurveyResultsApi(APIView):
    @extend_schema(tags=TAG_SURVEYS, responses=s.SurveyResultOutputSerializer(many=True))
    def get(self, request, survey_id):
        survey = get_object_or_404(Survey.objects.select_related("course"), pk=survey_id)
        if not permissions.can_view_survey_results(request.user, survey):
            raise Http404
        return Response(s.SurveyResultOutputSerializer(selectors.survey_results(survey=survey), many=True).data)
