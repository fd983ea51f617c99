"""The one rule that turns a typed e-mail address into the stored login name.

Everything that reads a login name goes through `normalize_email`: `User.save` and the manager (what is
stored), the auth backend (what is looked up), the login form and the API token serializer (what is passed
to `authenticate`), sign-up (duplicates) and django-axes (`AXES_USERNAME_CALLABLE`, what the lock-out
counts).  Because the lock-out key and the lookup key are the same function of what was typed, every
spelling that reaches an account shares that account's failure counter.

Rule: strip surrounding white space (`str.strip`: spaces, tabs, line breaks, no-break and other Unicode
spaces), then `str.lower()`.  Not `str.casefold()`: it rewrites letters such as "ß" to "ss", and
`a@straße.de` and `a@strasse.de` are different domains (IDNA 2008), so casefolding would send mail to
another domain.  Letters that merely look alike ("ſ" long s, "ı" dotless i) stay other addresses: they
cannot log in to the account they imitate (no bypass), and sign-up refuses non-ASCII before the "@".
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings


def normalize_email(value: Any) -> str:
    """The stored form of a login e-mail address (see the module docstring)."""
    if value is None:
        return ""
    return str(value).strip().lower()


def axes_username(request, credentials: Mapping | None = None) -> str | None:
    """django-axes' AXES_USERNAME_CALLABLE: the normalised login name of an attempt.

    Axes calls it with the credentials given to `authenticate` (login form, token API) or, from its
    middleware and lock-out response, with the request alone.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    value = None
    if credentials:
        value = credentials.get(field)
    if value is None and request is not None:
        # The plain HttpRequest under a DRF Request: reading it never parses (or fails on) a body again.
        value = getattr(request, "_request", request).POST.get(field)
    if not isinstance(value, str):
        return None
    return normalize_email(value)
