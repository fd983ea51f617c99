from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from courseworx.core.currency import register_currency_provider

from . import conf


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        checks.register(check_sandbox_not_in_production, checks.Tags.security, deploy=True)
        from .currency import BillingCurrencyProvider  # noqa: PLC0415 - needs the models, loaded by now

        register_currency_provider(BillingCurrencyProvider())
        conf.register_live_settings()
        from . import signals  # noqa: F401, PLC0415 - app loading: the sign-in receiver


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
