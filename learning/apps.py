from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from courses.revisions import register_revision_participant
from courseworx.core.live_settings import LiveSetting, register

# Points awarded for learning events (learning.services.gamification reads them with setting_value).
GAMIFICATION_LIVE_SETTINGS = (
    ("GAMIFICATION_POINTS_LESSON", _("Points: lesson completed")),
    ("GAMIFICATION_POINTS_COURSE", _("Points: course completed")),
    ("GAMIFICATION_POINTS_QUIZ", _("Points: quiz passed with full marks (less for a lower score)")),
    ("GAMIFICATION_POINTS_ACCEPTED_ANSWER", _("Points: answer accepted in a discussion")),
    ("GAMIFICATION_POINTS_REVIEW", _("Points: course review posted")),
)


class LearningConfig(AppConfig):
    name = "learning"

    def ready(self) -> None:
        """Take part in course revisions (courses.revisions) and in the course outline (courses.outline)."""
        from . import outline  # noqa: PLC0415 — app loading: uses the models, ready only now
        from .revisions import AssignmentRevisions  # noqa: PLC0415 — app loading: uses the models, ready only now

        register_revision_participant(AssignmentRevisions())

        outline.register()  # assignments in the course outline (courses.outline)

        from . import resume  # noqa: PLC0415 — app loading: uses the models, ready only now

        resume.register()  # certificates on every resume (accounts.resume_sections)
        register(
            LiveSetting(
                "RECOMMENDATIONS_PER_USER",
                _("Recommendations: courses per learner"),
                "int",
                _("How many courses the nightly run recommends to each learner (from the next run)."),
                min_value=1,
                max_value=50,
            )
        )
        for key, label in GAMIFICATION_LIVE_SETTINGS:
            register(
                LiveSetting(key, label, "int", _("0 awards nothing for this event."), min_value=0, max_value=100000)
            )
        register(
            LiveSetting(
                "GAMIFICATION_LEADERBOARD_SIZE",
                _("Leaderboards: places kept"),
                "int",
                _("How many places each leaderboard shows (from the next refresh)."),
                min_value=3,
                max_value=1000,
            )
        )
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
