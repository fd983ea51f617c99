from django.apps import AppConfig

from courses.revisions import register_revision_participant


class LearningConfig(AppConfig):
    name = "learning"

    def ready(self) -> None:
        """Take part in course revisions (assignments; lessons holding learners' data): courses.revisions."""
        from .revisions import AssignmentRevisions  # noqa: PLC0415 — app loading: uses the models, ready only now

        register_revision_participant(AssignmentRevisions())
