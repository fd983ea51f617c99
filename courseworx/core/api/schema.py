"""The API's error responses in the OpenAPI schema (drf-spectacular).

Every operation documents the error responses it can give, all with the one `Error` body of
courseworx.core.api.exceptions:

- 400 for writes and for operations with query parameters (`fields`/`codes` per field);
- 401 everywhere (missing credentials, or a bad token even on public operations);
- 403 for operations that check permissions, for writes with a session (CSRF), and wherever an API key
  is accepted (a key outside its areas, or read-only);
- 404 for operations with a path parameter or a paginated list (`?page=` past the end);
- 409 for operations declared with `@conflict_codes(...)`, listing the codes a client may meet;
- 429 for throttled operations (all by default).

An operation's own `@extend_schema(responses={...})` entry for one of these codes wins.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CONFLICT_ATTR = "_cw_conflict_codes"


def _field_lists(help_text: str, **kwargs) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text=help_text, **kwargs
    )


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable, machine-readable: `not_authenticated`, `authentication_failed`, `permission_denied`, "
        "`not_found`, `method_not_allowed`, `throttled`, `server_error`; with an API key also `key_revoked`, "
        "`key_expired` (401), `key_scope`, `key_read_only` (403); for a 409 the conflict's own code "
        "(`invalid_transition`, `already_submitted`...); for a 400 the code shared by every error in `codes` "
        "(`already_enrolled`, `required`...), else `invalid`."
    )
    message = serializers.CharField(help_text="A sentence for people.")
    fields = _field_lists(
        "Messages per input field; errors not tied to a field are under `non_field_errors`. Empty except for 400."
    )
    codes = _field_lists(
        "400 only: the code of each message in `fields`, in the same order (`required`, `max_length`, "
        "`already_enrolled`...).",
        required=False,
    )
    request_id = serializers.CharField(
        required=False,
        help_text="500 only: the request's id (also in the `X-Request-ID` header of every response), to quote "
        "to support.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def conflict_codes(*codes: str):
    """Declare on an API view method the ConflictError codes its services may raise (a 409)."""

    def decorate(func):
        setattr(func, CONFLICT_ATTR, codes)
        return func

    return decorate


def _error(description: str, code: str, message: str, fields: dict | None = None) -> OpenApiResponse:
    body: dict = {"code": code, "message": message, "fields": fields or {}}
    if fields:
        body["codes"] = {name: [code] for name in fields}
    example = OpenApiExample(code, value={"error": body}, response_only=True)
    return OpenApiResponse(response=ErrorSerializer, description=description, examples=[example])


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema plus the error responses above (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        view, write = self.view, self.method in WRITE_METHODS
        public = all(isinstance(p, AllowAny) for p in view.get_permissions())
        authenticators = view.get_authenticators()
        csrf = write and any(isinstance(a, SessionAuthentication) for a in authenticators)
        # Authenticators that refuse by scope (accounts' API keys: area, read-only) can make any operation a 403.
        scoped = any(getattr(a, "refuses_by_scope", False) for a in authenticators)
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        errors: dict[str, OpenApiResponse] = {}
        if write or has_query:
            errors["400"] = _error(
                "Invalid input: `fields` and `codes` name each field's problems.",
                "required",
                "The submitted data is not valid.",
                {"title": ["This field is required."]},
            )
        if authenticators or not public:
            errors["401"] = _error(
                "A bad token (`authentication_failed`)."
                if public
                else "Not signed in (`not_authenticated`) or a bad token (`authentication_failed`).",
                "not_authenticated",
                "Authentication credentials were not provided.",
            )
        if csrf or scoped or not public:
            errors["403"] = _error(
                "Not allowed (`permission_denied`), a session write without its CSRF token, or an API key "
                "without this operation's area (`key_scope`) or read-only (`key_read_only`).",
                "permission_denied",
                "You do not have permission to perform this action.",
            )
        if "{" in self.path or self._is_list_view() and self._get_paginator() is not None:
            errors["404"] = _error("Not found, or not visible to the caller (`not_found`).", "not_found", "Not found.")
        handler = getattr(view, self.method.lower(), None)
        conflicts = getattr(handler, CONFLICT_ATTR, ())
        if conflicts:
            listed = ", ".join(f"`{c}`" for c in conflicts)
            errors["409"] = _error(
                f"The current state does not allow this; `code` is one of {listed}.",
                conflicts[0],
                "A sentence saying what the current state allows.",
            )
        if view.get_throttles():
            errors["429"] = _error(
                "Too many requests (`throttled`); see the Retry-After header.",
                "throttled",
                "Request was throttled. Expected available in 42 seconds.",
            )
        return errors
