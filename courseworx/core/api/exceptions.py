"""JSON errors for every API failure.

Shape: {"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}
Django's ValidationError, PermissionDenied and Http404 raised by services become 400/403/404;
anything else unexpected is still a 500 (and logged), but with a JSON body.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from courseworx.core.exceptions import ConflictError

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def _django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        exc = Conflict(exc.message, code=exc.code)
    elif isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            {"error": {"code": "server_error", "message": "An unexpected error occurred.", "fields": {}}},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    fields: dict = {}
    message = ""
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        message = "The submitted data is not valid."
        detail = exc.detail
        if isinstance(detail, dict):
            fields = detail
        elif isinstance(detail, list):
            fields = {"non_field_errors": detail}
        else:
            fields = {"non_field_errors": [detail]}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail if not isinstance(detail, (list, dict)) else exc.default_detail)
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
