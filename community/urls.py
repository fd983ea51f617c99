"""Community pages, mounted at the site root (namespace "community")."""

from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    # notifications
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.notification_bell, name="notification_bell"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<uuid:notification_id>/read/", views.notification_read, name="notification_read"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

urlpatterns += [
    # reviews
    path("reviews/<slug:slug>/", views.course_reviews, name="course_reviews"),
    path("reviews/<slug:slug>/write/", views.review_save, name="review_save"),
    path("reviews/reply/<uuid:review_id>/", views.review_reply, name="review_reply"),
    # discussions
    path("discussions/<slug:slug>/", views.course_discussions, name="course_discussions"),
    path("discussions/<slug:slug>/new/", views.thread_new, name="thread_new"),
    path("discussions/thread/<uuid:thread_id>/", views.thread_detail, name="thread"),
    path("discussions/thread/<uuid:thread_id>/accept/", views.thread_accept, name="thread_accept"),
    path(
        "discussions/thread/<uuid:thread_id>/<str:action>/",
        views.thread_action,
        name="thread_action",
    ),
    # flags
    path("report/<str:kind>/<uuid:object_id>/", views.flag_content, name="flag"),
]

urlpatterns += [
    # support
    path("support/", views.tickets, name="tickets"),
    path("support/new/", views.ticket_new, name="ticket_new"),
    path("support/<int:number>/", views.ticket_detail, name="ticket"),
    path("support/<int:number>/status/", views.ticket_status, name="ticket_status"),
    path("support/<int:number>/assign/", views.ticket_assign, name="ticket_assign"),
    path("support/<int:number>/rate/", views.ticket_rate, name="ticket_rate"),
    path("support/files/<uuid:attachment_id>/", views.ticket_attachment, name="ticket_attachment"),
]

urlpatterns += [
    # messages
    path("messages/", views.inbox, name="inbox"),
    path("messages/start/", views.conversation_start, name="conversation_start"),
    path("messages/<uuid:conversation_id>/", views.conversation_detail, name="conversation"),
]

urlpatterns += [
    # surveys
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<uuid:survey_id>/", views.survey_answer, name="survey"),
    path("surveys/<uuid:survey_id>/results/", views.survey_results, name="survey_results"),
]
