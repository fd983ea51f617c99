import sys

from celery import signals as celery_signals
from django.apps import AppConfig, apps
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import models

from . import requestid

PROJECT_APPS = ("core", "accounts", "courses", "learning", "billing", "community", "reports")


class CoreConfig(AppConfig):
    name = "courseworx.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self):
        _name_api_enums()
        from . import jobs  # noqa: PLC0415 - signal receivers, connected once the apps are loaded

        jobs.connect()
        _connect_signals()


def _record_request_exception(sender, request=None, **kwargs) -> None:
    """Unhandled exceptions of pages (Django's handler sends this signal) go to the error log."""
    from .services import error_log_record  # noqa: PLC0415 — app loading: uses the models

    exc = sys.exc_info()[1]
    if exc is not None:
        error_log_record(exc, request=request)


def _connect_signals() -> None:
    got_request_exception.connect(_record_request_exception, dispatch_uid="core_error_log")
    celery_signals.before_task_publish.connect(requestid.celery_before_publish, dispatch_uid="core_request_id")
    celery_signals.task_prerun.connect(requestid.celery_task_prerun, dispatch_uid="core_request_id")
    celery_signals.task_postrun.connect(requestid.celery_task_postrun, dispatch_uid="core_request_id")


def _name_api_enums() -> None:
    """Give every model choices class a stable OpenAPI enum name: <Model><Class>Enum.

    drf-spectacular names an enum after the field ("status", "kind"...), and many models have a
    field of that name, so it would invent hashed names (Status2b5Enum) and warn.  Naming them
    from the models here keeps the schema readable and `check --deploy` free of warnings as apps grow.
    """

    overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
    seen = {tuple(v) if isinstance(v, (list, tuple)) else v for v in overrides.values()}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.proxy:
            continue
        for attr, obj in vars(model).items():
            if isinstance(obj, type) and issubclass(obj, models.Choices):
                values = tuple(obj.values)
                if values in seen:
                    continue  # the same choices reused elsewhere get the first name
                seen.add(values)
                overrides.setdefault(f"{model.__name__}{attr}Enum", list(obj.choices))
