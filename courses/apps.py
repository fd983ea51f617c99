from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self) -> None:
        """Translations take part in revisions like the apps above courses do (courses.revisions)."""
        from .prices import PriceRevisions  # noqa: PLC0415 — app loading: uses the models
        from .revisions import register_revision_participant  # noqa: PLC0415 — app loading
        from .translations import TranslationRevisions  # noqa: PLC0415 — app loading: uses the models

        register_revision_participant(TranslationRevisions())
        register_revision_participant(PriceRevisions())
