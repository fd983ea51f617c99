from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self):
        # Registers the OpenAPI security scheme of the API-key authentication (drf-spectacular extension).
        from accounts.api import authentication  # noqa: F401, PLC0415 — uses the models, ready only now
