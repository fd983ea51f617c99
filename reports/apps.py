from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        """Connect the log-in receiver and store the activity every app records (courseworx.core.activity)."""
        # App loading: these modules use the models, which exist only from ready() on.
        from courseworx.core.activity import activity_handler_register

        from . import signals  # noqa: F401
        from .services import activity_log

        activity_handler_register(activity_log)
