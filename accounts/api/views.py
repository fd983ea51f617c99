from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services

from .serializers import MeOutputSerializer, MeUpdateInputSerializer, TokenOutputSerializer


class TokenObtainView(APIView):
    """Exchange email + password for an API token (send it as `Authorization: Token <key>`)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenOutputSerializer})
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the caller's token (authenticate with it)."""
        from rest_framework.authentication import TokenAuthentication

        auth = TokenAuthentication().authenticate(request._request)
        if auth is None:
            return Response(
                {"error": {"code": "not_authenticated", "message": "Send the token to revoke.", "fields": {}}},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        auth[1].delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user's own profile."""

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)

    @extend_schema(request=MeUpdateInputSerializer, responses=MeOutputSerializer)
    def patch(self, request):
        serializer = MeUpdateInputSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_profile_update(user=request.user, data=serializer.validated_data)
        return Response(MeOutputSerializer(user).data)
