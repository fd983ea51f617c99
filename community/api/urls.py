"""Mounted under /api/v1/ (namespace "api"); names start with "community-"."""

from django.urls import path

from . import views as v

urlpatterns = [
    # notifications
    path("notifications/", v.NotificationListApi.as_view(), name="community-notification-list"),
    path("notifications/read/", v.NotificationReadApi.as_view(), name="community-notification-read"),
    path("notifications/unread-count/", v.NotificationUnreadCountApi.as_view(), name="community-notification-unread"),
    path("notifications/preferences/", v.NotificationPreferencesApi.as_view(), name="community-notification-prefs"),
    # reviews
    path("courses/<str:slug>/reviews/", v.CourseReviewsApi.as_view(), name="community-course-reviews"),
    path("reviews/<uuid:review_id>/reply/", v.ReviewReplyApi.as_view(), name="community-review-reply"),
    # discussions
    path("courses/<str:slug>/threads/", v.CourseThreadsApi.as_view(), name="community-course-threads"),
    path("threads/<uuid:thread_id>/", v.ThreadDetailApi.as_view(), name="community-thread"),
    path("threads/<uuid:thread_id>/replies/", v.ThreadRepliesApi.as_view(), name="community-thread-replies"),
    path("threads/<uuid:thread_id>/accept/", v.ThreadAcceptApi.as_view(), name="community-thread-accept"),
    path("threads/<uuid:thread_id>/subscription/", v.ThreadSubscriptionApi.as_view(), name="community-thread-sub"),
    # flags and moderation
    path("flags/", v.FlagCreateApi.as_view(), name="community-flag-create"),
    path("moderation/queue/", v.ModerationQueueApi.as_view(), name="community-moderation-queue"),
    path("moderation/queue/<uuid:item_id>/", v.ModerationDecisionApi.as_view(), name="community-moderation-decide"),
    # messages
    path("conversations/", v.ConversationsApi.as_view(), name="community-conversations"),
    path(
        "conversations/<uuid:conversation_id>/messages/",
        v.ConversationMessagesApi.as_view(),
        name="community-conversation-messages",
    ),
    # support
    path("tickets/", v.TicketsApi.as_view(), name="community-tickets"),
    path("tickets/<int:number>/", v.TicketDetailApi.as_view(), name="community-ticket"),
    path("tickets/<int:number>/messages/", v.TicketMessagesApi.as_view(), name="community-ticket-messages"),
    path("tickets/<int:number>/status/", v.TicketStatusApi.as_view(), name="community-ticket-status"),
    path("tickets/<int:number>/assign/", v.TicketAssignApi.as_view(), name="community-ticket-assign"),
    path("tickets/<int:number>/rate/", v.TicketRateApi.as_view(), name="community-ticket-rate"),
    # surveys
    path("surveys/", v.SurveysApi.as_view(), name="community-surveys"),
    path("surveys/<uuid:survey_id>/", v.SurveyDetailApi.as_view(), name="community-survey"),
    path("surveys/<uuid:survey_id>/responses/", v.SurveyResponseApi.as_view(), name="community-survey-respond"),
    path("surveys/<uuid:survey_id>/results/", v.SurveyResultsApi.as_view(), name="community-survey-results"),
]
