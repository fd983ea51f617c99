"""Showing a service's refusal to a person: on the form they submitted, or as a message.

Services validate (ValidationError, ConflictError) and check permissions (PermissionDenied); pages
and admin forms that call them use these two helpers, so a refusal always reads the same way and
an error is never swallowed (run them in the form's `clean()` when the form should stay open).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

DEFAULT_REFUSAL = "You may not do this."


def service_error_text(exc: ValidationError | PermissionDenied) -> str:
    """One sentence for a flash message: the refusal's messages, joined."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or DEFAULT_REFUSAL


def add_service_errors(form: forms.BaseForm, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's refusal on `form`: errors of fields the form shows go to those fields (with
    their codes); the rest (other fields, non-field errors, a PermissionDenied) become the form's
    non-field errors.  The form is then invalid and re-renders with them."""
    if not isinstance(exc, ValidationError):
        form.add_error(None, service_error_text(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
