"""Outbound webhooks, the read paths used by the admin, the API and the owner's page."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import WebhookDelivery, WebhookEndpoint, WebhookLog
from .types import AuthUser


def webhook_endpoint_list(*, user: AuthUser) -> QuerySet[WebhookEndpoint]:
    """The caller's own endpoints, newest first."""
    return WebhookEndpoint.objects.filter(owner_id=user.pk).order_by("-created_at")


def webhook_endpoint_get(*, user: AuthUser, endpoint_id) -> WebhookEndpoint:
    """One of the caller's endpoints; anybody else's (or none) is a 404."""
    endpoint = WebhookEndpoint.objects.filter(owner_id=user.pk, pk=endpoint_id).first()
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    return endpoint


def webhook_delivery_list(*, endpoint: WebhookEndpoint, status: str = "") -> QuerySet[WebhookDelivery]:
    qs = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def webhook_delivery_get(*, endpoint: WebhookEndpoint, delivery_id) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.select_related("event", "endpoint").filter(endpoint=endpoint, pk=delivery_id).first()
    )
    if delivery is None:
        raise Http404("No such delivery.")
    return delivery


def webhook_log_list(*, endpoint: WebhookEndpoint, delivery_id=None) -> QuerySet[WebhookLog]:
    """Every attempt of the endpoint's deliveries (or of one delivery), newest first."""
    qs = WebhookLog.objects.filter(endpoint=endpoint).select_related("delivery__event")
    if delivery_id is not None:
        qs = qs.filter(delivery_id=delivery_id)
    return qs.order_by("-created_at", "-attempt")
