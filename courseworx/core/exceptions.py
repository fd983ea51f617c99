"""Domain exceptions shared by every app's services (no HTTP or DRF here)."""


class ConflictError(Exception):
    """The request conflicts with the current state (e.g. submitted twice).  The API answers 409."""

    def __init__(self, message: str, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code
