"""Outbound webhooks API (mounted under /api/v1/webhooks/): the event catalogue, the caller's endpoints
(CRUD; the secret is in the answer to create and rotate-secret only), their deliveries and attempt logs,
and redelivery.

Instructors (events of the courses they teach) and platform staff (administrators, Finance: every event)
may create endpoints; students get 403.  Somebody else's endpoint is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from courseworx.core import selectors_webhooks as selectors
from courseworx.core import services_webhooks as services
from courseworx.core.models import WebhookDelivery, WebhookEndpoint, WebhookLog
from courseworx.core.webhooks import EVENT_TYPE_CHOICES, EVENT_TYPES

TAGS = ["webhooks"]

_CATALOGUE = "\n".join(f"- `{e.name}`: {e.description}" for e in EVENT_TYPES)


class EventTypeSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES)
    description = serializers.CharField()


class WebhookEndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES))
    scope = serializers.SerializerMethodField(help_text="`all` (staff: every event) or `courses` (your courses').")
    secret_rotation_ends_at = serializers.DateTimeField(source="previous_secret_expires_at", read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "url", "description", "event_types", "is_active", "scope", "consecutive_failures", "disabled_at",
            "disabled_reason", "secret_rotation_ends_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_scope(self, obj) -> str:
        if "scope" in self.context:  # the API: the caller owns every endpoint shown (one query, not one per row)
            return self.context["scope"]
        return services.endpoint_scope(obj.owner) or ""


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: store it to verify the signatures.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="https only; no private, loopback or link-local hosts.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES), min_length=1, max_length=len(EVENT_TYPES) * 2
    )
    is_active = serializers.BooleanField(required=False, help_text="Enable again after it was disabled.")


class RotateSecretInputSerializer(serializers.Serializer):
    overlap_hours = serializers.IntegerField(
        min_value=0, max_value=720, required=False, help_text="How long the previous secret also signs (default 24)."
    )


class WebhookLogSerializer(serializers.ModelSerializer):
    delivery = serializers.UUIDField(source="delivery_id", read_only=True)
    event_type = serializers.CharField(source="delivery.event.event_type", read_only=True)

    class Meta:
        model = WebhookLog
        fields = [
            "id", "delivery", "event_type", "attempt", "url", "succeeded", "status_code", "latency_ms",
            "response_excerpt", "error", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event = serializers.UUIDField(source="event_id", read_only=True)
    event_type = serializers.CharField(source="event.event_type", read_only=True)
    payload = serializers.JSONField(source="event.payload", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event", "event_type", "payload", "status", "attempts", "next_attempt_at", "last_attempt_at",
            "delivered_at", "last_status_code", "last_error", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


def _own(request, endpoint_id) -> WebhookEndpoint:
    return selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)


def _ctx(request) -> dict:
    return {"request": request, "scope": services.endpoint_scope(request.user) or ""}


@extend_schema(tags=TAGS)
class EventTypeListView(APIView):
    @extend_schema(
        summary="The webhook event types",
        description="The one catalogue of events endpoints may subscribe to:\n\n" + _CATALOGUE,
        responses=EventTypeSerializer(many=True),
    )
    def get(self, request):
        return Response([{"name": e.name, "description": e.description} for e in EVENT_TYPES])


@extend_schema(tags=TAGS)
class EndpointListCreateView(generics.ListAPIView):
    """My webhook endpoints.  POST: a new one; its `secret` is in this answer only."""

    queryset = WebhookEndpoint.objects.none()
    serializer_class = WebhookEndpointSerializer

    def get_queryset(self):
        return selectors.webhook_endpoint_list(user=self.request.user)

    def get_serializer_context(self):
        return _ctx(self.request)

    @extend_schema(request=WebhookEndpointInputSerializer, responses={201: WebhookEndpointWithSecretSerializer})
    def post(self, request):
        if services.endpoint_scope(request.user) is None:
            raise PermissionDenied("Only instructors and platform staff can receive webhooks.")
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        endpoint, secret = services.webhook_endpoint_create(
            owner=request.user,
            url=fields["url"],
            event_types=fields["event_types"],
            description=fields.get("description", ""),
        )
        endpoint.secret = secret
        return Response(
            WebhookEndpointWithSecretSerializer(endpoint, context=_ctx(request)).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=TAGS)
class EndpointDetailView(APIView):
    @extend_schema(responses=WebhookEndpointSerializer)
    def get(self, request, endpoint_id):
        return Response(WebhookEndpointSerializer(_own(request, endpoint_id), context=_ctx(request)).data)

    @extend_schema(request=WebhookEndpointInputSerializer(partial=True), responses=WebhookEndpointSerializer)
    def patch(self, request, endpoint_id):
        endpoint = _own(request, endpoint_id)
        data = WebhookEndpointInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(endpoint=endpoint, actor=request.user, data=data.validated_data)
        return Response(WebhookEndpointSerializer(endpoint, context=_ctx(request)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, endpoint_id):
        services.webhook_endpoint_delete(endpoint=_own(request, endpoint_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS)
class EndpointRotateSecretView(APIView):
    """A new secret (in this answer only); the previous one keeps signing during the overlap."""

    @extend_schema(request=RotateSecretInputSerializer, responses=WebhookEndpointWithSecretSerializer)
    def post(self, request, endpoint_id):
        endpoint = _own(request, endpoint_id)
        data = RotateSecretInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_endpoint_rotate_secret(
            endpoint=endpoint, actor=request.user, overlap_hours=data.validated_data.get("overlap_hours")
        )
        endpoint.secret = secret
        return Response(WebhookEndpointWithSecretSerializer(endpoint, context=_ctx(request)).data)


@extend_schema(tags=TAGS)
class DeliveryListView(generics.ListAPIView):
    """The endpoint's deliveries (one per event), newest first."""

    queryset = WebhookDelivery.objects.none()
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=WebhookDelivery.Status.values, description="Filter.")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        endpoint = _own(self.request, self.kwargs["endpoint_id"])
        wanted = self.request.query_params.get("status", "")
        return selectors.webhook_delivery_list(
            endpoint=endpoint, status=wanted if wanted in WebhookDelivery.Status.values else ""
        )


@extend_schema(tags=TAGS)
class LogListView(generics.ListAPIView):
    """Every delivery attempt of the endpoint (status, latency, response excerpt, error), newest first."""

    queryset = WebhookLog.objects.none()
    serializer_class = WebhookLogSerializer

    def get_queryset(self):
        endpoint = _own(self.request, self.kwargs["endpoint_id"])
        return selectors.webhook_log_list(endpoint=endpoint)


@extend_schema(tags=TAGS)
class DeliveryRedeliverView(APIView):
    """Send this delivery again (a fresh round of attempts, same delivery id)."""

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request, endpoint_id, delivery_id):
        endpoint = _own(request, endpoint_id)
        delivery = selectors.webhook_delivery_get(endpoint=endpoint, delivery_id=delivery_id)
        delivery = services.webhook_delivery_redeliver(delivery=delivery, actor=request.user)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
