from django.apps import AppConfig

from courses.revisions import register_revision_participant


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
