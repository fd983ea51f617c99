"""Core's API: the feature flags that apply to the caller."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..flags import flags_active


class FlagsSerializer(serializers.Serializer):
    active = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the feature flags that are on for the caller, sorted."
    )


class FlagsView(APIView):
    """The feature flags that are on for the caller (anonymous callers too: flags on for everyone)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=FlagsSerializer, tags=["flags"])
    def get(self, request):
        return Response({"active": flags_active(request)})
