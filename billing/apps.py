from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from . import conf


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        checks.register(check_sandbox_not_in_production, checks.Tags.security, deploy=True)


def check_sandbox_not_in_production(app_configs, **kwargs):
    if conf.sandbox_enabled() and not settings.DEBUG:
        return [
            checks.Warning(
                "The sandbox payment provider is enabled: anyone can mark their own payments as paid.",
                hint="Unset BILLING_SANDBOX_ENABLED in production and configure a real payment provider.",
                id="billing.W001",
            )
        ]
    return []
