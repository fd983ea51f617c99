"""Core API routes (mounted under /api/v1/ in the "api" namespace)."""

from django.urls import path

from . import audit, views, webhooks

urlpatterns = [
    path("feature-flags/", views.FlagsView.as_view(), name="feature-flags"),
    path("audit-log/", audit.AuditLogListApi.as_view(), name="audit-log"),
    path("audit-log/<int:pk>/", audit.AuditLogDetailApi.as_view(), name="audit-log-detail"),
    path("webhooks/event-types/", webhooks.EventTypeListView.as_view(), name="core-webhook-event-types"),
    path("webhooks/endpoints/", webhooks.EndpointListCreateView.as_view(), name="core-webhook-endpoints"),
    path("webhooks/endpoints/<uuid:endpoint_id>/", webhooks.EndpointDetailView.as_view(), name="core-webhook-endpoint"),
    path(
        "webhooks/endpoints/<uuid:endpoint_id>/rotate-secret/",
        webhooks.EndpointRotateSecretView.as_view(),
        name="core-webhook-endpoint-rotate-secret",
    ),
    path(
        "webhooks/endpoints/<uuid:endpoint_id>/deliveries/",
        webhooks.DeliveryListView.as_view(),
        name="core-webhook-deliveries",
    ),
    path(
        "webhooks/endpoints/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/redeliver/",
        webhooks.DeliveryRedeliverView.as_view(),
        name="core-webhook-redeliver",
    ),
    path("webhooks/endpoints/<uuid:endpoint_id>/logs/", webhooks.LogListView.as_view(), name="core-webhook-logs"),
]
