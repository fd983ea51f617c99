"""The request id: one token per request (or Celery task) on the response, every log line, audit rows
and error records.

`RequestIdMiddleware` (first in MIDDLEWARE) takes the client's `X-Request-ID` when it is a sane token
(1-64 characters of letters, digits, `-`, `_`, `.`, `:`; a proxy such as nginx may set one), otherwise
makes a new one (32 hex digits), keeps it in a context variable for the duration of the request, and
sends it back in the `X-Request-ID` response header.  The client's address is kept beside it so that
`audit_log_create` can record both without every service passing the request down.

Celery: `before_task_publish` copies the current id into the task's headers and `task_prerun` restores it
in the worker (signals connected in `CoreConfig.ready`), so a task's log lines carry the id of the request
that enqueued it (a task started by beat gets its own task id).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from .clientip import client_ip

HEADER = "X-Request-ID"
CELERY_HEADER = "cw_request_id"
_SANE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")

_request_id: ContextVar[str | None] = ContextVar("cw_request_id", default=None)
_client_ip: ContextVar[str | None] = ContextVar("cw_client_ip", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    """`value` when it is an acceptable request id, else None."""
    if value and _SANE.match(value):
        return value
    return None


def get_request_id() -> str | None:
    return _request_id.get()


def get_client_ip() -> str | None:
    return _client_ip.get()


def set_request_context(request_id: str | None, client_ip: str | None = None):
    """Set both values; returns the tokens for `reset_request_context`."""
    return _request_id.set(request_id), _client_ip.set(client_ip)


def reset_request_context(tokens) -> None:
    rid_token, ip_token = tokens
    _request_id.reset(rid_token)
    _client_ip.reset(ip_token)


class RequestIdMiddleware:
    """First middleware: every response carries `X-Request-ID`, every log line of the request its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = sane_request_id(request.headers.get(HEADER)) or new_request_id()
        request.request_id = request_id
        tokens = set_request_context(request_id, client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(tokens)
        response[HEADER] = request_id
        return response


# --- Celery -------------------------------------------------------------------------------------


def celery_before_publish(sender=None, headers=None, **kwargs) -> None:
    request_id = get_request_id()
    if request_id and headers is not None:
        headers.setdefault(CELERY_HEADER, request_id)


def _task_request_id(task) -> str | None:
    request = getattr(task, "request", None)
    if request is None:
        return None
    value = getattr(request, CELERY_HEADER, None)
    if not value:
        value = (getattr(request, "headers", None) or {}).get(CELERY_HEADER)
    return sane_request_id(value) or getattr(request, "id", None)


_task_tokens: dict[str, tuple] = {}


def celery_task_prerun(task_id=None, task=None, **kwargs) -> None:
    if getattr(getattr(task, "request", None), "is_eager", False) and get_request_id():
        return  # eager mode: the task runs inside the request (or caller), which already set the id
    request_id = _task_request_id(task) if task is not None else None
    _task_tokens[task_id or ""] = set_request_context(request_id or task_id, None)


def celery_task_postrun(task_id=None, **kwargs) -> None:
    tokens = _task_tokens.pop(task_id or "", None)
    if tokens is not None:
        try:
            reset_request_context(tokens)
        except ValueError:  # a token from another context (should not happen): just clear
            set_request_context(None, None)
