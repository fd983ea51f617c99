from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from courses.revisions import register_revision_participant
from courseworx.core.live_settings import LiveSetting, register


class LearningConfig(AppConfig):
    name = "learning"

    def ready(self) -> None:
        """Take part in course revisions (courses.revisions) and in the course outline (courses.outline)."""
        from . import outline  # noqa: PLC0415 — app loading: uses the models, ready only now
        from .revisions import AssignmentRevisions  # noqa: PLC0415 — app loading: uses the models, ready only now

        register_revision_participant(AssignmentRevisions())

        outline.register()  # assignments in the course outline (courses.outline)

        _register_exam_settings()


def _register_exam_settings() -> None:
    """Certification exams' live settings (defaults in courseworx/settings.py)."""
    register(
        LiveSetting(
            "EXAM_GRACE_SECONDS",
            _("Exams: grace after the deadline (seconds)"),
            "int",
            _("Answers and submissions arriving this long after an attempt's deadline are still taken."),
            min_value=0,
            max_value=120,
        )
    )
    register(
        LiveSetting(
            "EXAM_PROCTOR_FLAG_THRESHOLD",
            _("Exams: proctoring events that flag an attempt"),
            "int",
            _("An attempt is flagged for review when one kind of suspicious event occurred this many times."),
            min_value=1,
            max_value=1000,
        )
    )
    register(
        LiveSetting(
            "EXAM_PROCTOR_MAX_EVENTS",
            _("Exams: proctoring events kept per attempt"),
            "int",
            _("Events beyond this number are counted but not stored."),
            min_value=10,
            max_value=10000,
        )
    )
