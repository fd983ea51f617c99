from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self):
        # Registers the OpenAPI security scheme of the API-key authentication (drf-spectacular extension).
        from accounts.api import authentication  # noqa: F401, PLC0415 — uses the models, ready only now

        from . import otp  # noqa: PLC0415 — app loading: uses django-otp's models, ready only now

        user_logged_in.connect(otp.remember_requirement, dispatch_uid="accounts.otp.remember_requirement")
