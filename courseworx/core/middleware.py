"""Request hygiene that every view relies on, applied once before any view runs.

`RejectNulMiddleware`: PostgreSQL cannot store or compare a NUL character (U+0000) in text; psycopg
raises on the first query that carries one, which used to surface as a 500 from whichever view passed a
path segment, query parameter or form field on to the database.  No legitimate request contains one, so
they are refused here, in one place, before any view sees them (the middleware above it only set up
lazy sessions, users and headers, so the error pages carry the usual headers and layout):

- the (decoded) path: 404, exactly like an unknown address;
- query parameters (names and values, after percent-decoding) and HTTP header values: 400;
- form bodies (`application/x-www-form-urlencoded` for any method; `multipart/form-data` for POST, whose
  fields Django parses anyway, uploaded files' contents excluded) and JSON bodies (a raw NUL or a
  `\\u0000` escape in any string): 400;
- a cookie containing one is dropped (treated as absent) rather than refused, so that a damaged
  session cookie cannot lock a browser out of the whole site (the lazy session the session
  middleware made from it is replaced by an empty one before anything loads it).

Answers are JSON (`{"error": {...}}`) under /api/ and the site's HTML error pages elsewhere (see
`courseworx.core.views`).  Multipart PUT/PATCH bodies (the lesson API's uploads) are not parsed here:
Django only parses multipart for POST, and DRF's fields refuse NUL characters themselves.
"""

import re

from django.conf import settings
from django.http import QueryDict

from . import views

NUL = "\x00"
FIELD_MESSAGE = "Null characters are not allowed."
# A JSON "\u0000" escape that is not itself escaped (preceded by an even number of backslashes).
_JSON_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def _first_nul_in(data: QueryDict, where: str) -> str | None:
    """The name of the first field of `data` holding a NUL character (`where` if the name itself does)."""
    for key, values in data.lists():
        if NUL in key:
            return where
        for value in values:
            if isinstance(value, str) and NUL in value:
                return key
    return None


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._drop_damaged_cookies(request)
        if NUL in request.path:
            return views.error_404(request)
        field = self._find_nul(request)
        if field is not None:
            return views.error_400(request, reason=views.NUL_REASON, fields={field: [FIELD_MESSAGE]})
        return self.get_response(request)

    @staticmethod
    def _drop_damaged_cookies(request) -> None:
        cookies = request.COOKIES
        damaged = [name for name, value in cookies.items() if NUL in name or NUL in value]
        for name in damaged:
            del cookies[name]
        if settings.SESSION_COOKIE_NAME in damaged and hasattr(request, "session"):
            request.session = request.session.__class__()  # not loaded yet: sessions are lazy

    @staticmethod
    def _find_nul(request) -> str | None:
        field = _first_nul_in(request.GET, "query string")
        if field is not None:
            return field
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
                return "headers"

        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (_FORM, _MULTIPART):
            # What the view would parse anyway (cached on the request); files are not read here.
            return _first_nul_in(request.POST, "body")
        if content_type == _FORM:
            # PUT/PATCH forms: Django leaves them to DRF's FormParser, which reads the same body later.
            return _first_nul_in(QueryDict(request.body, encoding=request.encoding), "body")
        if _is_json(content_type):
            charset = request.content_params.get("charset") or "utf-8"
            try:
                text = request.body.decode(charset, errors="replace")
            except LookupError:  # an unknown charset: the JSON parser refuses the body anyway
                return None
            if NUL in text or _JSON_NUL_ESCAPE.search(text):
                return "body"
        return None
