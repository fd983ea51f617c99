"""JSON errors for every API failure.

Shape (documented in the OpenAPI schema by courseworx.core.api.schema):

    {"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]},
               "codes": {"field": ["code", ...]}}}

- `code` is stable and machine-readable: `not_authenticated`, `authentication_failed`,
  `permission_denied`, `not_found`, `method_not_allowed`, `throttled`, `server_error`...; for a
  409 the service's own code (`invalid_transition`, `already_submitted`...); for a 400 the code of
  the error when every error in the body has the same one (`already_enrolled`, `required`...), else
  `invalid`.
- `fields` (always present) and `codes` (400 only) hold each field's messages and their codes, in
  the same order; errors not tied to a field are under `non_field_errors`.

Services raise Django's ValidationError (400), `courseworx.core.exceptions.ConflictError` (409),
PermissionDenied (403) and Http404 (404); anything else unexpected is still a 500 (and logged), but
with a JSON body that carries the request id (`request_id`, also in the `X-Request-ID` header), and
recorded in the error log (`courseworx.core.models.ErrorLog`).
"""

import logging
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from courseworx.core.exceptions import ConflictError

from ..services import error_log_record
from ..views import server_error_body

logger = logging.getLogger(__name__)

INVALID = "invalid"
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY  # "non_field_errors"


class _Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def _details(errors: list[DjangoValidationError]) -> list[exceptions.ErrorDetail]:
    """Django errors -> DRF ErrorDetails, keeping each one's code (DRF's default when it has none)."""
    return [
        exceptions.ErrorDetail(message, code=error.code or INVALID) for error in errors for message in error.messages
    ]


def _django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {(NON_FIELD if k == "__all__" else k): _details(v) for k, v in exc.error_dict.items()}
        )
    return exceptions.ValidationError({NON_FIELD: _details(exc.error_list)})


def _as_fields(value) -> dict:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {NON_FIELD: value}
    return {NON_FIELD: [value]}


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(value):
    """Messages that quote the input ('"\ud800" is not a valid choice.') with a lone surrogate in it could not
    be encoded as UTF-8: the error response itself was a 500 (issue 19 §5).  U+FFFD stands in for it."""
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable(item) for item in value]
    if isinstance(value, str) and _SURROGATE.search(value):
        return _SURROGATE.sub("\ufffd", value)
    return value


def _validation_body(exc: exceptions.ValidationError) -> dict:
    codes = _as_fields(exc.get_codes())
    distinct = set(_leaves(codes))
    return {
        "code": distinct.pop() if len(distinct) == 1 else INVALID,
        "message": "The submitted data is not valid.",
        "fields": _encodable(_as_fields(exc.detail)),
        "codes": codes,
    }


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):  # before ValidationError: a ConflictError is one
        exc = _Conflict(" ".join(exc.messages), code=exc.code or _Conflict.default_code)
    elif isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        request = context.get("request")
        error_log_record(exc, request=getattr(request, "_request", request))
        return Response({"error": server_error_body(request)}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    if isinstance(exc, exceptions.ValidationError):
        response.data = {"error": _validation_body(exc)}
        return response
    code = getattr(exc, "default_code", "error")
    message = ""
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail if not isinstance(detail, (list, dict)) else exc.default_detail)
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    response.data = {"error": {"code": code, "message": message, "fields": {}}}
    return response
