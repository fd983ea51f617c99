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
