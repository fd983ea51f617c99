from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "courseworx.core"
    label = "core"
    verbose_name = "Platform"
