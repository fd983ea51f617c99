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
