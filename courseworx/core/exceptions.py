"""Domain exceptions shared by every app's services (no HTTP or DRF here)."""

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """The request is refused because of the current state, not because of what was sent: an illegal
    status change (`invalid_transition`), something done twice (`already_submitted`,
    `already_decided`, `already_enrolled`...).  Services raise it with a stable `code`.

    The API answers 409 with that code (courseworx.core.api.exceptions).  It is a ValidationError, so
    pages and admin forms that show a service's refusals show this one too (with its message).
    """

    def __init__(self, message: str, code: str = "conflict", params: dict | None = None):
        super().__init__(message, code=code, params=params)

    def __str__(self) -> str:
        return " ".join(self.messages)
