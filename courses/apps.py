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
        _register_webhook_course_teachers()


def _register_webhook_course_teachers() -> None:
    """Outbound webhooks send a course's events to the endpoints of the people who teach it (core may not
    import courses, so courses tells core who they are)."""
    from courseworx.core.webhooks import course_teachers_register  # noqa: PLC0415 — app loading

    from .models import Course, InstructorCollaborator  # noqa: PLC0415 — app loading: models are ready now

    def teachers(course_id) -> set:
        owner = Course.objects.filter(pk=course_id).values_list("instructor_id", flat=True).first()
        co_authors = InstructorCollaborator.objects.filter(course_id=course_id).values_list("user_id", flat=True)
        return ({owner} if owner else set()) | set(co_authors)

    course_teachers_register(teachers)
