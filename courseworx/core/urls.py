"""Core's pages (mounted at the site root): the owner's webhooks page."""

from django.urls import path

from . import webhook_views

app_name = "core"

urlpatterns = [
    path("webhooks/", webhook_views.endpoint_list, name="webhooks"),
    path("webhooks/<uuid:endpoint_id>/", webhook_views.endpoint_detail, name="webhook_detail"),
    path("webhooks/<uuid:endpoint_id>/rotate/", webhook_views.endpoint_action, {"action": "rotate"},
         name="webhook_rotate"),
    path("webhooks/<uuid:endpoint_id>/toggle/", webhook_views.endpoint_action, {"action": "toggle"},
         name="webhook_toggle"),
    path("webhooks/<uuid:endpoint_id>/delete/", webhook_views.endpoint_action, {"action": "delete"},
         name="webhook_delete"),
    path("webhooks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/redeliver/", webhook_views.delivery_redeliver,
         name="webhook_redeliver"),
]  # fmt: skip
