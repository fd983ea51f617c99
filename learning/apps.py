from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"

    def ready(self):
        from . import outline  # noqa: PLC0415 — app loading: uses the models, ready only now

        outline.register()  # assignments in the course outline (courses.outline)
