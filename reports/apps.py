from django.apps import AppConfig

from courseworx.core.activity import activity_handler_register


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        """Connect the log-in receiver and store the activity every app records (courseworx.core.activity)."""
        from . import signals  # noqa: F401, PLC0415 — app loading: uses the models, ready only now
        from .services import activity_log  # noqa: PLC0415 — app loading: uses the models, ready only now

        activity_handler_register(activity_log)
