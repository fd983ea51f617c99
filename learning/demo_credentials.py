"""Demo data for verifiable credentials: the signing key (what `manage.py credentials_keygen` does on a
real site), so the demo's certificates can be downloaded as Open Badges 3.0 credentials at once."""

from __future__ import annotations

from learning import credentials_selectors, services
from learning.models import CredentialSigningKey


def seed(ctx: dict, log) -> None:
    key = CredentialSigningKey.objects.filter(is_active=True).first()
    if key is None:
        key = services.signing_key_create()
        log(f"  credential signing key {key.key_id} created")
    else:
        log(f"  credential signing key {key.key_id} already there")
    log(f"  issuer profile: {credentials_selectors.issuer_id()}")
