"""Payment providers by name.  `get_provider("sandbox")`; register new ones in REGISTRY."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.module_loading import import_string

from billing import conf

from .base import PaymentProvider


class ProviderDisabled(ValidationError):
    """The provider exists but is switched off on this site (the sandbox outside development)."""


REGISTRY: dict[str, str] = {
    "sandbox": "billing.providers.sandbox.SandboxProvider",
}


def get_provider(name: str) -> PaymentProvider:
    if name == "sandbox" and not conf.sandbox_enabled():
        raise ProviderDisabled(
            "Online payment is not set up on this site yet. Please contact support to buy this.",
            code="provider_disabled",
        )
    try:
        path = REGISTRY[name]
    except KeyError:
        raise Http404(f"Unknown payment provider {name!r}") from None
    return import_string(path)()
