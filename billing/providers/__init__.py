"""Payment providers by name.  `get_provider("sandbox")`; register new ones in REGISTRY."""

from __future__ import annotations

from django.http import Http404
from django.utils.module_loading import import_string

from .base import PaymentProvider

REGISTRY: dict[str, str] = {
    "sandbox": "billing.providers.sandbox.SandboxProvider",
}


def get_provider(name: str) -> PaymentProvider:
    try:
        path = REGISTRY[name]
    except KeyError:
        raise Http404(f"Unknown payment provider {name!r}") from None
    return import_string(path)()
