"""Reads for verifiable credentials: the issuer profile and its keys, the certificate adapter
(IssuedCertificate -> CredentialSubjectData), the status lists' revoked bits, and the verifier.

Writes (keys, status indexes, signing) are in `learning.services.credentials`."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .credentials import builder, jsonld, proofs
from .credentials.builder import CredentialSubjectData
from .credentials.multibase import public_key_from_multibase
from .models import CredentialSigningKey, CredentialStatusEntry, IssuedCertificate, UserAchievement

logger = logging.getLogger(__name__)

#: Largest credential the verifier reads (bytes of JSON).
MAX_CREDENTIAL_BYTES = 64 * 1024
_ACHIEVEMENT_NAMESPACE = uuid.UUID("6b1f7c1e-3c9a-4f3e-9a51-8f1d2c0b7a10")
_KEY_FRAGMENT = "#key-"

#: kind -> the ids of that kind's revoked objects (a values_list queryset).  The bit of a status entry is
#: set when its object is in it.  Another credentialed model adds its kind here.
REVOKED_OBJECT_IDS: dict[str, Callable[[], QuerySet]] = {
    CredentialStatusEntry.Kind.CERTIFICATE: lambda: IssuedCertificate.objects.filter(
        status=IssuedCertificate.Status.REVOKED
    ).values_list("pk", flat=True),
}


# --- The issuer -----------------------------------------------------------------------------------


def issuer_id() -> str:
    return settings.SITE_URL + reverse("learning:credential_issuer")


def issuer_summary() -> dict[str, Any]:
    """The issuer Profile embedded in every credential."""
    return {"id": issuer_id(), "type": ["Profile"], "name": settings.SITE_NAME, "url": settings.SITE_URL + "/"}


def key_url(key: CredentialSigningKey) -> str:
    """The verificationMethod of a key: a fragment of the issuer profile, which lists it as a Multikey."""
    return f"{issuer_id()}{_KEY_FRAGMENT}{key.key_id}"


def signing_keys() -> list[CredentialSigningKey]:
    """Every key, active first then newest: retired keys stay published so old credentials verify."""
    return list(CredentialSigningKey.objects.order_by("-is_active", "-created_at").defer("private_key_encrypted"))


def key_document(key: CredentialSigningKey) -> dict[str, Any]:
    data = {
        "id": key_url(key),
        "type": "Multikey",
        "controller": issuer_id(),
        "publicKeyMultibase": key.public_key_multibase,
    }
    return data


_PROFILE_TERMS = {
    "verificationMethod": {"@id": "https://w3id.org/security#verificationMethod", "@type": "@id", "@container": "@set"},
    "assertionMethod": {"@id": "https://w3id.org/security#assertionMethod", "@type": "@id", "@container": "@set"},
}


def issuer_profile_document() -> dict[str, Any]:
    """The public issuer profile: who we are and every key (Multikey) that signs our credentials."""
    keys = signing_keys()
    return {
        "@context": [jsonld.VC_V2, jsonld.OB_V3, jsonld.MULTIKEY_V1, _PROFILE_TERMS],
        **issuer_summary(),
        "description": _("Issuer of %(site)s certificates and badges.") % {"site": settings.SITE_NAME},
        "verificationMethod": [key_document(key) for key in keys],
        "assertionMethod": [key_url(key) for key in keys],
    }


def public_keys_document() -> dict[str, Any]:
    """The keys alone, with their state (the keys endpoint)."""
    return {
        "issuer": issuer_id(),
        "keys": [
            {
                **key_document(key),
                "keyId": key.key_id,
                "active": key.is_active,
                "created": builder.xsd_datetime(key.created_at),
                "retired": builder.xsd_datetime(key.retired_at) if key.retired_at else None,
            }
            for key in signing_keys()
        ],
    }


def key_for_method(method: str) -> CredentialSigningKey | None:
    """Our key named by a verificationMethod URL (active or retired), else None."""
    prefix = issuer_id() + _KEY_FRAGMENT
    if not isinstance(method, str) or not method.startswith(prefix):
        return None
    key_id = method[len(prefix) :]
    if not key_id or len(key_id) > 40:
        return None
    return CredentialSigningKey.objects.defer("private_key_encrypted").filter(key_id=key_id).first()


def resolve_public_key(method: str) -> Ed25519PublicKey | None:
    key = key_for_method(method)
    return public_key_from_multibase(key.public_key_multibase) if key else None


# --- Status lists ------------------------------------------------------------------------------------


def status_list_url(status_list: int) -> str:
    return settings.SITE_URL + reverse("learning:credential_status_list", kwargs={"status_list": status_list})


def revoked_indexes(*, status_list: int) -> list[int]:
    """The set bits of a status list: the entries whose object is revoked (one query per kind)."""
    indexes: list[int] = []
    for kind, revoked in REVOKED_OBJECT_IDS.items():
        indexes += CredentialStatusEntry.objects.filter(
            status_list=status_list, kind=kind, object_id__in=revoked()
        ).values_list("index", flat=True)
    return sorted(indexes)


def status_list_exists(*, status_list: int) -> bool:
    if not 0 < status_list < 2**31:  # beyond the column (PostgreSQL would refuse the query)
        return False
    return status_list == 1 or CredentialStatusEntry.objects.filter(status_list=status_list).exists()


# --- Adapters: what a credential states ---------------------------------------------------------------


def certificate_subject_data(certificate: IssuedCertificate, entry: CredentialStatusEntry) -> CredentialSubjectData:
    """The adapter of a certificate (course, career path or exam) for `builder.build_credential`."""
    title = certificate.course_title
    if certificate.kind == IssuedCertificate.Kind.COURSE and certificate.course is not None:
        achievement_id = settings.SITE_URL + certificate.course.get_absolute_url()
        description = certificate.course.short_description or _("The course “%(title)s”.") % {"title": title}
        criteria = _("Complete every lesson and required assessment of the course “%(title)s”.") % {"title": title}
    else:
        achievement_id = f"urn:uuid:{uuid.uuid5(_ACHIEVEMENT_NAMESPACE, f'{certificate.kind}:{title}')}"
        if certificate.kind == IssuedCertificate.Kind.PATH:
            description = _("The career path “%(title)s”.") % {"title": title}
            criteria = _("Complete every course of the career path “%(title)s”.") % {"title": title}
        else:
            description = _("The certification exam “%(title)s”.") % {"title": title}
            criteria = _("Pass the certification exam “%(title)s”.") % {"title": title}
    return CredentialSubjectData(
        credential_id=f"urn:uuid:{certificate.pk}",
        credential_url=settings.SITE_URL + certificate.get_absolute_url(),
        holder_name=certificate.holder_name,
        achievement_id=achievement_id,
        achievement_name=title,
        achievement_description=description,
        criteria=criteria,
        image_url=settings.SITE_URL + static("learning/img/credential-badge.png"),
        issued_at=certificate.issued_at,
        status_list_url=status_list_url(entry.status_list),
        status_index=entry.index,
        revoked=certificate.status == IssuedCertificate.Status.REVOKED,
        achievement_type="Certificate",
    )


def achievement_award_for(*, user, award_id) -> UserAchievement:
    """One of the user's achievement awards (superusers: anyone's); 404 for anyone else's."""
    awards = UserAchievement.objects.select_related("achievement", "user").filter(pk=award_id)
    if not user.is_superuser:
        awards = awards.filter(user=user)
    award = awards.first()
    if award is None:
        raise Http404(_("No such achievement."))
    return award


def achievement_subject_data(award: UserAchievement, entry: CredentialStatusEntry) -> CredentialSubjectData:
    """The adapter of an achievement award (gamification) for `builder.build_credential`: an OB 3.0 Badge."""
    achievement = award.achievement
    image = achievement.image_url
    return CredentialSubjectData(
        credential_id=f"urn:uuid:{award.pk}",
        credential_url=settings.SITE_URL + award.get_absolute_url(),
        holder_name=award.user.get_full_name() or award.user.get_username(),
        achievement_id=f"urn:uuid:{uuid.uuid5(_ACHIEVEMENT_NAMESPACE, f'achievement:{achievement.slug}')}",
        achievement_name=achievement.name,
        achievement_description=achievement.description or achievement.get_criterion_kind_display(),
        criteria=_("%(criterion)s: %(threshold)s.")
        % {"criterion": achievement.get_criterion_kind_display(), "threshold": achievement.threshold},
        image_url=image if image.startswith("http") else settings.SITE_URL + image,
        issued_at=award.awarded_at,
        status_list_url=status_list_url(entry.status_list),
        status_index=entry.index,
        achievement_type="Badge",
    )


# --- The verifier ----------------------------------------------------------------------------------


@dataclass
class VerificationResult:
    """What `credential_verify` found: `verified` only when every check passed."""

    verified: bool = False
    checks: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    issuer: str = ""
    key_id: str = ""
    revoked: bool = False
    expired: bool = False

    def add(self, check: str, ok: bool, message: str) -> None:
        self.checks.append({"check": check, "ok": ok, "message": message})
        if not ok:
            self.errors.append(message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": self.checks,
            "errors": self.errors,
            "issuer": self.issuer,
            "key_id": self.key_id,
            "revoked": self.revoked,
            "expired": self.expired,
        }


def _types(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def credential_structure_problems(document: Any) -> list[str]:
    """What an Open Badges 3.0 credential lacks (required fields and types), as messages."""
    if not isinstance(document, dict):
        return [_("A credential is a JSON object.")]
    problems = []
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != jsonld.VC_V2:
        problems.append(_("@context must start with %(url)s.") % {"url": jsonld.VC_V2})
    elif not any(isinstance(c, str) and c.startswith("https://purl.imsglobal.org/spec/ob/v3p0/") for c in context):
        problems.append(_("@context must include the Open Badges 3.0 context."))
    types = _types(document.get("type"))
    if "VerifiableCredential" not in types or not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        problems.append(_("type must include VerifiableCredential and OpenBadgeCredential."))
    for name in ("id", "name", "validFrom"):
        if not isinstance(document.get(name), str) or not document.get(name):
            problems.append(_("%(field)s is required.") % {"field": name})
    issuer = document.get("issuer")
    issuer_ref = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_ref, str) or not issuer_ref:
        problems.append(_("issuer is required (a Profile with an id)."))
    elif isinstance(issuer, dict) and "Profile" not in _types(issuer.get("type")):
        problems.append(_("issuer.type must include Profile."))
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        problems.append(_("credentialSubject is required."))
    else:
        if "AchievementSubject" not in _types(subject.get("type")):
            problems.append(_("credentialSubject.type must include AchievementSubject."))
        achievement = subject.get("achievement")
        if not isinstance(achievement, dict):
            problems.append(_("credentialSubject.achievement is required."))
        else:
            if "Achievement" not in _types(achievement.get("type")):
                problems.append(_("credentialSubject.achievement.type must include Achievement."))
            for name in ("id", "name", "description"):
                if not isinstance(achievement.get(name), str) or not achievement.get(name):
                    problems.append(_("credentialSubject.achievement.%(field)s is required.") % {"field": name})
            if not isinstance(achievement.get("criteria"), dict):
                problems.append(_("credentialSubject.achievement.criteria is required."))
    if not isinstance(document.get("proof"), dict | list):
        problems.append(_("proof is required."))
    return problems


def _parse_date(value) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or timezone.is_naive(parsed):
        return None
    return parsed


def _status_check(document: dict, result: VerificationResult) -> None:
    status = document.get("credentialStatus")
    if status is None:
        result.add("status", True, _("The credential has no status list (it cannot be revoked)."))
        return
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        result.add("status", False, _("Unknown credential status method."))
        return
    list_url, index = status.get("statusListCredential"), status.get("statusListIndex")
    prefix = settings.SITE_URL + reverse("learning:credential_status_list", kwargs={"status_list": 1})[:-2]
    try:
        number = int(str(list_url)[len(prefix) :].strip("/")) if str(list_url).startswith(prefix) else None
        position = int(index) if isinstance(index, str) and index.isdigit() and len(index) < 10 else None
    except ValueError:
        number = position = None
    if number is None or position is None or not 0 <= position < builder.STATUS_LIST_BITS or not 0 < number < 2**31:
        result.add("status", False, _("The credential's status entry does not point into our status lists."))
        return
    if position in revoked_indexes(status_list=number):
        result.revoked = True
        result.add("status", False, _("The credential has been revoked."))
    else:
        result.add("status", True, _("Not revoked."))


def credential_verify(document: Any) -> VerificationResult:
    """Verify a credential we issued: structure (Open Badges 3.0), issuer, proof (with the key it names,
    active or retired), validity dates and revocation.  Never raises on bad input."""
    result = VerificationResult()
    problems = credential_structure_problems(document)
    for problem in problems:
        result.add("structure", False, problem)
    if problems:
        return result
    result.add("structure", True, _("Open Badges 3.0 fields present."))
    issuer = document["issuer"]
    result.issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if result.issuer != issuer_id():
        result.add("issuer", False, _("This credential was not issued by %(site)s.") % {"site": settings.SITE_NAME})
        return result
    result.add("issuer", True, _("Issued by %(site)s.") % {"site": settings.SITE_NAME})
    proof = document.get("proof")
    first = proof[0] if isinstance(proof, list) and proof else proof
    method = first.get("verificationMethod") if isinstance(first, dict) else None
    key = key_for_method(method) if isinstance(method, str) else None
    result.key_id = key.key_id if key else ""
    try:
        proofs.verify(document, resolve_key=resolve_public_key)
    except proofs.ProofError as exc:
        result.add("proof", False, str(exc))
    except Exception:  # untrusted JSON-LD: whatever the library trips on is a failed proof, not a 500
        logger.exception("Credential verification failed unexpectedly")
        result.add("proof", False, _("The credential could not be processed."))
    else:
        result.add("proof", True, _("The signature is valid (key %(key)s).") % {"key": result.key_id})
    now = timezone.now()
    valid_from = _parse_date(document.get("validFrom"))
    if valid_from is None:
        result.add("dates", False, _("validFrom is not a date-time with a time zone."))
    elif valid_from > now + dt.timedelta(minutes=5):
        result.add("dates", False, _("The credential is not valid yet."))
    elif "validUntil" in document:
        valid_until = _parse_date(document.get("validUntil"))
        if valid_until is None or valid_until < now:
            result.expired = True
            result.add("dates", False, _("The credential has expired."))
        else:
            result.add("dates", True, _("Within its validity period."))
    else:
        result.add("dates", True, _("Valid from %(date)s, no expiry.") % {"date": valid_from.date().isoformat()})
    _status_check(document, result)
    result.verified = not result.errors
    return result
