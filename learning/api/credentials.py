"""Verifiable-credential API: a certificate's Open Badges 3.0 credential (holder or staff) and the public
verifier (POST a credential, get {verified, checks, errors})."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from learning import credentials_selectors, selectors, services
from learning.forms_credentials import parse_credential_json

_RESULT = inline_serializer(
    "CredentialVerifyResult",
    {
        "verified": serializers.BooleanField(),
        "checks": serializers.ListField(child=serializers.DictField()),
        "errors": serializers.ListField(child=serializers.CharField()),
        "issuer": serializers.CharField(),
        "key_id": serializers.CharField(),
        "revoked": serializers.BooleanField(),
        "expired": serializers.BooleanField(),
    },
)


class CertificateCredentialView(APIView):
    """The signed Open Badges 3.0 credential (JSON-LD) of one of my certificates (superusers: any)."""

    @extend_schema(responses={(200, "application/json"): dict})
    def get(self, request, certificate_id):
        certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_id)
        return Response(services.certificate_credential(certificate=certificate))


class AchievementCredentialView(APIView):
    """The signed Open Badges 3.0 credential (an OB 3.0 Badge) of one of my achievement awards (superusers: any)."""

    @extend_schema(responses={(200, "application/json"): dict})
    def get(self, request, award_id):
        award = credentials_selectors.achievement_award_for(user=request.user, award_id=award_id)
        return Response(services.achievement_credential(award=award))


class CredentialVerifyView(APIView):
    """Public: verify a credential this site issued.  The body is the credential itself (JSON, at most
    64 KB).  200 with `verified` true/false and every check; 400 when the body is not a JSON object."""

    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request={"application/json": dict},
        responses={200: _RESULT},
        examples=[OpenApiExample("Garbage", value="not json", request_only=True)],
    )
    def post(self, request):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > credentials_selectors.MAX_CREDENTIAL_BYTES:
            message = _("A credential is at most %(size)s KB.") % {
                "size": credentials_selectors.MAX_CREDENTIAL_BYTES // 1024
            }
            raise ValidationError({"credential": [message]}, code="too_large")
        try:
            document = parse_credential_json(request.body)
        except DjangoValidationError as exc:
            raise ValidationError({"credential": exc.messages}, code="invalid") from None
        return Response(credentials_selectors.credential_verify(document).as_dict())
