"""Write paths for API keys: create (the full key returned once), revoke, staff's rate-limit overrides.

Keyword-only, atomic, validated.  Creation and revocation are audited (`accounts.api_key_create`,
`accounts.api_key_revoke`), as are limit changes (`accounts.api_key_limits_set`).  The audit rows name the
key by its prefix; the secret is never written anywhere but into the response that creates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create

from .api_keys import AREAS, generate_key, hash_key
from .models import ApiKey, User

MANAGE_PERM = "accounts.change_apikey"  # staff who may revoke anyone's key and set limits


def can_manage_api_keys(user: User) -> bool:
    return bool(user.is_active and user.has_perm(MANAGE_PERM))


def api_key_create(
    *,
    user: User,
    name: str,
    areas: Iterable[str],
    read_only: bool = False,
    expires_at: datetime | None = None,
    actor: User | None = None,
) -> tuple[ApiKey, str]:
    """A new key for `user` (made by `user`, or by `actor` when that is the same person).  Returns the key
    and the full secret, which is not stored and cannot be shown again."""
    actor = actor or user
    if actor.pk != user.pk or not user.is_active:
        raise PermissionDenied("Only the account's owner can create its API keys.")
    order = list(AREAS)
    areas = sorted(set(areas), key=lambda a: (order.index(a) if a in order else len(order), str(a)))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one creation at a time per person
        active = ApiKey.objects.filter(user=user, revoked_at__isnull=True).exclude(expires_at__lte=timezone.now())
        if active.count() >= settings.API_KEYS_MAX_PER_USER:
            raise ValidationError(
                f"You already have {settings.API_KEYS_MAX_PER_USER} active API keys. Revoke one you no longer use."
            )
        raw, prefix = generate_key()
        key = ApiKey(
            user=user,
            name=(name or "").strip(),
            prefix=prefix,
            key_hash=hash_key(raw),
            areas=areas,
            read_only=read_only,
            expires_at=expires_at,
        )
        key.full_clean()
        key.save()
        audit_log_create(
            actor=actor,
            action="accounts.api_key_create",
            target=key,
            changes={
                "prefix": prefix,
                "name": key.name,
                "areas": areas,
                "read_only": read_only,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return key, raw


def api_key_revoke(*, key: ApiKey, actor: User, reason: str = "") -> ApiKey:
    """Revoke a key: its owner, or staff with `accounts.change_apikey`.  Revoking twice is a conflict."""
    if not actor.is_active or (actor.pk != key.user_id and not can_manage_api_keys(actor)):
        raise PermissionDenied("You may not revoke this API key.")
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is not None:
            raise ConflictError("This API key is already revoked.", code="already_revoked")
        locked.revoked_at, locked.revoked_by = timezone.now(), actor
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit_log_create(
            actor=actor,
            action="accounts.api_key_revoke",
            target=locked,
            reason=reason,
            changes={"prefix": locked.prefix, "owner": str(locked.user_id)},
        )
    key.revoked_at, key.revoked_by = locked.revoked_at, locked.revoked_by
    return locked


def api_key_limits_set(
    *, key: ApiKey, actor: User, per_minute: int | None, per_hour: int | None, reason: str = ""
) -> ApiKey:
    """Staff override of a key's rate limits (None: the default for the owner's role)."""
    if not can_manage_api_keys(actor):
        raise PermissionDenied("You may not change API key limits.")
    for field, value in (("rate_limit_per_minute", per_minute), ("rate_limit_per_hour", per_hour)):
        if value is not None and value < 1:
            raise ValidationError({field: "A limit must be at least 1 (leave it empty for the role's default)."})
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        before = {"per_minute": locked.rate_limit_per_minute, "per_hour": locked.rate_limit_per_hour}
        after = {"per_minute": per_minute, "per_hour": per_hour}
        if before == after:
            return locked
        locked.rate_limit_per_minute, locked.rate_limit_per_hour = per_minute, per_hour
        locked.save(update_fields=["rate_limit_per_minute", "rate_limit_per_hour", "updated_at"])
        audit_log_create(
            actor=actor,
            action="accounts.api_key_limits_set",
            target=locked,
            reason=reason,
            changes={"before": before, "after": after},
        )
    return locked
