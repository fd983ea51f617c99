from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import otp, services, services_otp
from courseworx.core.api.schema import ErrorSerializer

from .serializers import MeOutputSerializer, MeUpdateInputSerializer, TokenInputSerializer, TokenOutputSerializer


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        super().__init__(
            f"Too many failed log-in attempts for this account. Try again in {minutes} minutes, or reset your password."
        )


class SecondFactorRequired(exceptions.PermissionDenied):
    default_code = "second_factor_required"
    default_detail = "This account uses two-factor authentication: send the current code as `otp`."


class SecondFactorLockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "second_factor_locked"
    default_detail = "Too many wrong codes in a row: the second factor is locked for a while."


class TokenObtainView(APIView):
    """Exchange email + password for an API token (send it as `Authorization: Token <key>`).

    Accounts with two-factor authentication (staff, and anyone who enrolled) also send `otp`: the current code
    of their authenticator app, or a recovery code.  Without it: 403 `second_factor_required`."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(request=TokenInputSerializer, responses={200: TokenOutputSerializer})
    def post(self, request):
        serializer = TokenInputSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        # django-axes flags the request when this attempt is refused, or is the one that locks the account.
        if getattr(request, "axes_locked_out", False):
            raise LockedOut()
        if not valid:
            raise exceptions.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if otp.second_factor_required_for(user):
            self._check_second_factor(user, request.data.get("otp"))
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @staticmethod
    def _check_second_factor(user, code) -> None:
        """Staff (and users who enrolled) send `otp`: a code from their app or a recovery code (accounts/otp.py)."""
        if not isinstance(code, str) or not code.strip():
            raise SecondFactorRequired()
        try:
            services_otp.second_factor_verify(user=user, code=code)
        except services_otp.SecondFactorLocked:
            raise SecondFactorLockedOut() from None
        except DjangoValidationError:
            raise exceptions.ValidationError({"otp": ["That code is not right."]}, code="invalid_code") from None

    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer})
    def delete(self, request):
        """Revoke the caller's token (authenticate with it)."""

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
