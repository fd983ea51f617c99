"""Open Badges 3.0 credentials from plain data, and the Bitstring status list.

`build_credential(data, issuer=...)` turns a `CredentialSubjectData` (what was achieved, by whom, when,
and where its status bit is) into an unsigned OpenBadgeCredential; `proofs.sign` signs it.  Anything
that can be credentialed (a certificate today, an achievement later) only needs an adapter that fills
in a `CredentialSubjectData` (see `learning.credentials_selectors.certificate_subject_data`).

Revocation uses the W3C Bitstring Status List v1.0: each credential has a stable bit (list, index), the
list is a signed `BitstringStatusListCredential` whose `encodedList` is "u" + base64url(gzip(bits))
without padding; bit 0 is the most significant bit of the first byte.  The VC 2.0 context defines
its terms, so any VC 2.0 verifier understands it.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .jsonld import OB_V3, VC_V2

CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
#: 16 KiB of bits (131,072): the specification's minimum, for group privacy.
STATUS_LIST_BITS = 131_072
STATUS_PURPOSE = "revocation"


@dataclass(frozen=True)
class CredentialSubjectData:
    """Everything a credential states, as plain values (no model instances)."""

    credential_id: str  # a URI naming this credential (urn:uuid:…)
    credential_url: str  # the public page about it (the verification page)
    holder_name: str
    achievement_id: str  # a URI naming the achievement (a course page, urn:uuid:…)
    achievement_name: str
    achievement_description: str
    criteria: str  # how it is earned (criteria.narrative)
    image_url: str  # "" for none
    issued_at: dt.datetime
    status_list_url: str  # the BitstringStatusListCredential
    status_index: int
    revoked: bool = False  # shown by our pages; verifiers read the status list
    achievement_type: str = "Certificate"  # OB 3.0 AchievementType ("Certificate", "Badge", …)
    valid_until: dt.datetime | None = None


def xsd_datetime(value: dt.datetime) -> str:
    """An XSD dateTime in UTC with a Z, whole seconds ("2026-12-01T05:43:56Z")."""
    return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(data: CredentialSubjectData, *, issuer: dict[str, Any]) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential (JSON-LD, VC 2.0) for `data`, issued by `issuer` (a Profile)."""
    achievement: dict[str, Any] = {
        "id": data.achievement_id,
        "type": ["Achievement"],
        "achievementType": data.achievement_type,
        "name": data.achievement_name,
        "description": data.achievement_description or data.achievement_name,
        "criteria": {"narrative": data.criteria},
    }
    if data.image_url:
        achievement["image"] = {"id": data.image_url, "type": "Image"}
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": data.credential_id,
        "type": list(CREDENTIAL_TYPES),
        "name": data.achievement_name,
        "issuer": issuer,
        "validFrom": xsd_datetime(data.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityHash": data.holder_name, "identityType": "name", "hashed": False}
            ],
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": f"{data.status_list_url}#{data.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(data.status_index),
            "statusListCredential": data.status_list_url,
        },
    }
    if data.valid_until is not None:
        credential["validUntil"] = xsd_datetime(data.valid_until)
    return credential


def encode_bitstring(indexes: Iterable[int], *, size: int = STATUS_LIST_BITS) -> str:
    """The `encodedList` of a list whose given bits are set."""
    bits = bytearray(size // 8)
    for index in indexes:
        if 0 <= index < size:
            bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def decode_bitstring(encoded: str, *, max_bytes: int = 16 * 1024 * 1024) -> bytes:
    """The bits of an `encodedList` (ValueError when malformed or too large)."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (starting with u)")
    body = encoded[1:]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError("encodedList too large")
    return data


def bit_is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise ValueError("statusListIndex outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def build_status_list(
    *, url: str, issuer: str | dict[str, Any], revoked_indexes: Iterable[int], valid_from: dt.datetime
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential with the given revoked bits."""
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_bitstring(revoked_indexes),
        },
    }
