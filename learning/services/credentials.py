"""Verifiable credentials: the signing keys (create, rotate, the active one), each credential's stable
status-list place, and signing a certificate's Open Badges 3.0 credential and the status lists.

Reads (issuer profile, adapters, the verifier) are in `learning.credentials_selectors`."""

from __future__ import annotations

import logging
import secrets
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create
from learning import credentials_selectors as selectors
from learning.credentials import builder, proofs
from learning.credentials.multibase import (
    decrypt_private_key,
    encrypt_private_key,
    private_raw,
    public_key_multibase,
    public_raw,
)
from learning.models import CredentialSigningKey, CredentialStatusEntry, IssuedCertificate, UserAchievement

logger = logging.getLogger(__name__)

_INDEX_ATTEMPTS = 32


def _new_key() -> CredentialSigningKey:
    private = Ed25519PrivateKey.generate()
    key_id = f"{timezone.now():%Y%m%d}-{secrets.token_hex(4)}"
    return CredentialSigningKey.objects.create(
        key_id=key_id,
        public_key_multibase=public_key_multibase(public_raw(private)),
        private_key_encrypted=encrypt_private_key(private_raw(private), secret=settings.SECRET_KEY, key_id=key_id),
    )


@transaction.atomic
def signing_key_create(*, rotate: bool = False) -> CredentialSigningKey:
    """Create the signing key; with `rotate`, retire the active one first (it stays published, so what it
    signed still verifies).  Without `rotate` an existing active key is a 409 `key_exists`."""
    active = CredentialSigningKey.objects.select_for_update().filter(is_active=True).first()
    if active is not None:
        if not rotate:
            raise ConflictError(
                f"An active signing key exists ({active.key_id}); rotate it instead.", code="key_exists"
            )
        active.is_active, active.retired_at = False, timezone.now()
        active.save(update_fields=["is_active", "retired_at", "updated_at"])
    key = _new_key()
    audit_log_create(
        actor=None,
        action="learning.credential_key_rotate" if active else "learning.credential_key_create",
        target=key,
        changes={"retired": active.key_id} if active else None,
    )
    return key


def signing_key_active() -> CredentialSigningKey:
    """The key that signs now.  Without one (a fresh site that never ran `credentials_keygen`) it is made
    here, once: the partial unique constraint lets one of two concurrent requests create it and the
    other use that one."""
    key = CredentialSigningKey.objects.filter(is_active=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            key = _new_key()
            audit_log_create(actor=None, action="learning.credential_key_create", target=key, reason="first use")
            logger.warning("No credential signing key: created %s (run credentials_keygen to choose when)", key.key_id)
            return key
    except IntegrityError:
        return CredentialSigningKey.objects.get(is_active=True)


def signing_key_private(key: CredentialSigningKey) -> Ed25519PrivateKey:
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return decrypt_private_key(bytes(key.private_key_encrypted), secrets=secrets_, key_id=key.key_id)


def credential_status_entry(*, kind: str, object_id: uuid.UUID) -> CredentialStatusEntry:
    """The object's stable place in a status list, made on first use: a random free bit (the specification
    advises random places, so neighbouring bits say nothing about a credential) of the newest list with
    room; a list takes half its bits before the next one starts."""
    entry = CredentialStatusEntry.objects.filter(kind=kind, object_id=object_id).first()
    if entry is not None:
        return entry
    per_list = builder.STATUS_LIST_BITS // 2
    for _attempt in range(_INDEX_ATTEMPTS):
        status_list = CredentialStatusEntry.objects.count() // per_list + 1
        try:
            with transaction.atomic():
                return CredentialStatusEntry.objects.create(
                    kind=kind,
                    object_id=object_id,
                    status_list=status_list,
                    index=secrets.randbelow(builder.STATUS_LIST_BITS),
                )
        except IntegrityError:
            # Another request gave this object its place, or the bit is taken: look again.
            entry = CredentialStatusEntry.objects.filter(kind=kind, object_id=object_id).first()
            if entry is not None:
                return entry
    raise RuntimeError("Could not find a free status-list bit.")


def credential_sign(data: builder.CredentialSubjectData) -> dict[str, Any]:
    """The signed Open Badges 3.0 credential of any credentialed thing (the one extension point: an
    adapter fills in `CredentialSubjectData`, this builds and signs it with the active key)."""
    key = signing_key_active()
    document = builder.build_credential(data, issuer=selectors.issuer_summary())
    return proofs.sign(
        document,
        private_key=signing_key_private(key),
        verification_method=selectors.key_url(key),
        created=builder.xsd_datetime(timezone.now()),
    )


def certificate_credential(*, certificate: IssuedCertificate) -> dict[str, Any]:
    """The signed credential of a certificate (its status-list place is made on first use)."""
    entry = credential_status_entry(kind=CredentialStatusEntry.Kind.CERTIFICATE, object_id=certificate.pk)
    return credential_sign(selectors.certificate_subject_data(certificate, entry))


def achievement_credential(*, award: UserAchievement) -> dict[str, Any]:
    """The signed credential (an OB 3.0 Badge) of an achievement award (its status-list place made on first use)."""
    entry = credential_status_entry(kind=CredentialStatusEntry.Kind.ACHIEVEMENT, object_id=award.pk)
    return credential_sign(selectors.achievement_subject_data(award, entry))


def status_list_credential(*, status_list: int) -> dict[str, Any]:
    """The signed BitstringStatusListCredential of one list (bits of revoked objects set)."""
    key = signing_key_active()
    now = timezone.now()
    document = builder.build_status_list(
        url=selectors.status_list_url(status_list),
        issuer=selectors.issuer_id(),
        revoked_indexes=selectors.revoked_indexes(status_list=status_list),
        valid_from=now,
    )
    return proofs.sign(
        document,
        private_key=signing_key_private(key),
        verification_method=selectors.key_url(key),
        created=builder.xsd_datetime(now),
    )
