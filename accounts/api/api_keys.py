"""`/api/v1/api-keys/`: the caller's own API keys (list, create, show, revoke).

Another person's key is a 404.  The full key is in the create response only.  When the caller is itself
using an API key (area `admin`), the new key may not reach further than that key: its areas must be among
the caller key's areas, it may not outlive an expiring caller key, and a read-only caller cannot write at all.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services_api_keys
from accounts.api_keys import AREAS
from accounts.models import ApiKey
from courseworx.core.api.schema import conflict_codes


class ApiKeyOutputSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="`active`, `expired` or `revoked`.")
    areas = serializers.ListField(child=serializers.ChoiceField(choices=list(AREAS)), read_only=True)

    class Meta:
        model = ApiKey
        fields = (
            "id",
            "name",
            "prefix",
            "areas",
            "read_only",
            "status",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "last_used_ip",
            "created_at",
        )
        read_only_fields = fields


class ApiKeyCreatedSerializer(ApiKeyOutputSerializer):
    key = serializers.CharField(
        read_only=True,
        help_text="The full key: shown in this response only. Send it as `Authorization: Api-Key <key>`.",
    )

    class Meta(ApiKeyOutputSerializer.Meta):
        fields = (*ApiKeyOutputSerializer.Meta.fields, "key")
        read_only_fields = fields


class ApiKeyCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What the key is for.")
    areas = serializers.ListField(
        child=serializers.ChoiceField(choices=list(AREAS)),
        allow_empty=False,
        max_length=len(AREAS),
        help_text="The API areas the key may call: " + ", ".join(f"`{a}`" for a in AREAS) + ".",
    )
    read_only = serializers.BooleanField(default=False, help_text="Only GET, HEAD and OPTIONS requests.")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Empty: never expires.")


class ApiKeyListCreateApi(ListAPIView):
    """Your API keys, newest first (the secret is never shown again), and creating one."""

    serializer_class = ApiKeyOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return ApiKey.objects.filter(user=self.request.user).order_by("-created_at")

    @extend_schema(request=ApiKeyCreateInputSerializer, responses={201: ApiKeyCreatedSerializer})
    def post(self, request):
        data = ApiKeyCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        caller_key = request.auth if isinstance(request.auth, ApiKey) else None
        if caller_key is not None:
            if not set(values["areas"]) <= set(caller_key.areas):
                raise exceptions.PermissionDenied(
                    "A key created with an API key may only hold areas of that key.", code="key_scope"
                )
            expires_at = values.get("expires_at")
            if caller_key.expires_at is not None and (expires_at is None or expires_at > caller_key.expires_at):
                raise exceptions.PermissionDenied(
                    "A key created with an expiring API key must expire no later than that key.", code="key_scope"
                )
        key, raw = services_api_keys.api_key_create(
            user=request.user,
            name=values["name"],
            areas=values["areas"],
            read_only=values["read_only"],
            expires_at=values.get("expires_at"),
        )
        key.key = raw  # type: ignore[attr-defined]  # the one response that carries it
        return Response(ApiKeyCreatedSerializer(key).data, status=status.HTTP_201_CREATED)


def _own_key(request, key_id) -> ApiKey:
    return get_object_or_404(ApiKey, pk=key_id, user=request.user)


class ApiKeyDetailApi(APIView):
    """One of your API keys."""

    @extend_schema(responses=ApiKeyOutputSerializer)
    def get(self, request, key_id):
        return Response(ApiKeyOutputSerializer(_own_key(request, key_id)).data)


class ApiKeyRevokeApi(APIView):
    """Revoke one of your API keys: it stops working at once (401 `key_revoked`)."""

    @extend_schema(request=None, responses=ApiKeyOutputSerializer)
    @conflict_codes("already_revoked")
    def post(self, request, key_id):
        key = services_api_keys.api_key_revoke(key=_own_key(request, key_id), actor=request.user)
        return Response(ApiKeyOutputSerializer(key).data)
