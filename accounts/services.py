"""Write paths for people: sign-up and staff-created accounts, profile edits, role and group changes,
staff notes, and the anonymisation of a deleted account.

Keyword-only, atomic, validated with `full_clean()`.  Bad input raises `ValidationError` (nothing is
written); acting without the right raises `PermissionDenied`.  Changes made by staff to someone
else's account (role, superuser/staff flags, groups, permissions, account fields) write an audit row.
Services read the current values from a locked copy of the row, never from the caller's instance
(an admin form has already put the new values on it).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from courseworx.core.services import audit_log_create
from courseworx.core.storage import file_delete_on_commit

from .models import AdminNote, ApiKey, Resume, User, UserManager

# What a person may change on their own profile (web page and `PATCH /api/v1/me/`).
PROFILE_FIELDS = ("first_name", "last_name", "phone", "avatar")
# What staff may change on an account besides role, flags, groups and permissions (admin).
ACCOUNT_FIELDS = ("email", "first_name", "last_name", "phone", "avatar", "is_active", "requires_password_change")
DUPLICATE_EMAIL = "An account with this email address already exists. Try logging in."


def _check_manage_users(actor: User | None, perm: str = "accounts.change_user") -> None:
    if actor is None or not (actor.is_active and actor.has_perm(perm)):
        raise PermissionDenied(_("You may not manage user accounts."))


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _apply(target: User, data: dict[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields of `data` on `target`; returns the names that changed."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    changed = []
    for name, value in data.items():
        if name == "avatar" and not value:
            value = ""  # a cleared file input (False) or None: no picture
        if name == "email":
            value = UserManager.normalize_email(value)
        if name == "avatar" and value and getattr(value, "_committed", False) and value == target.avatar:
            continue  # the stored picture itself: unchanged
        if name != "avatar" and getattr(target, name) == value:
            continue
        setattr(target, name, value)
        changed.append(name)
    return changed


def _full_clean(user: User, changed: list[str]) -> None:
    # An unchanged avatar was checked when it was uploaded: do not re-read it from storage.
    user.full_clean(exclude=None if "avatar" in changed else ["avatar"])


def _save(user: User, changed: list[str]) -> None:
    try:
        with transaction.atomic():
            user.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:  # the same email taken at the same moment
        raise ValidationError({"email": DUPLICATE_EMAIL}, code="unique") from exc


# --- creation -----------------------------------------------------------------------------------


def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None,
    role: str = User.Role.STUDENT,
    phone: str = "",
    actor: User | None = None,
) -> User:
    """Create an account.  Sign-up (no `actor`) always makes a student; staff (`actor` with
    `accounts.add_user`) may create instructors, and superusers administrators (audited).

    `password=None` makes an account without a usable password (it can be set by reset).
    """
    if actor is None:
        if role != User.Role.STUDENT:
            raise PermissionDenied(_("Sign-up creates student accounts only."))
    else:
        _check_manage_users(actor, "accounts.add_user")
        if role == User.Role.ADMIN and not actor.is_superuser:
            raise PermissionDenied(_("Only superusers can create administrators."))
    user = User(
        email=UserManager.normalize_email(email), first_name=first_name, last_name=last_name, role=role, phone=phone
    )
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from exc
        user.set_password(password)
    user.full_clean(exclude=["avatar"])
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save(force_insert=True)
        except IntegrityError as exc:
            raise ValidationError({"email": DUPLICATE_EMAIL}, code="unique") from exc
        if actor is not None:
            audit_log_create(actor=actor, action="accounts.user_create", target=user, changes={"role": role})
    return user


# --- profile ------------------------------------------------------------------------------------


def user_profile_update(*, user: User, data: dict[str, Any]) -> User:
    """A person changes their own name, phone or avatar.  `user` is updated only once saved, so a
    refused change never shows on the signed-in user's instance."""
    with transaction.atomic():
        locked = _lock(user)
        changed = _apply(locked, data, PROFILE_FIELDS)
        _full_clean(locked, changed)
        if changed:
            _save(locked, changed)
    for name in [*changed, "updated_at"]:
        setattr(user, name, getattr(locked, name))
    return user


def user_preferred_currency_set(*, user: User, code: str) -> None:
    """Remember the display currency `user` picked (an ISO 4217 code, or "" for each price's own).  Accounts
    checks only the form of the code; billing (`billing.services.preferred_currency_set`) checks it is an
    active currency before calling this."""
    code = (code or "").strip().upper()
    if code and not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise ValidationError({"preferred_currency": "Not a currency code."}, code="invalid_currency")
    User.objects.filter(pk=user.pk).update(preferred_currency=code)
    user.preferred_currency = code


def user_update(*, user: User, actor: User, data: dict[str, Any]) -> User:
    """Staff change account fields (email, names, phone, avatar, active, must-change-password); audited."""
    _check_manage_users(actor)
    with transaction.atomic():
        locked = _lock(user)
        before = copy.copy(locked)
        changed = _apply(locked, data, ACCOUNT_FIELDS)
        _full_clean(locked, changed)
        if changed:
            _save(locked, changed)
            audit_log_create(
                actor=actor,
                action="accounts.user_update",
                target=locked,
                changes={
                    name: "changed" if name == "avatar" else [getattr(before, name), getattr(locked, name)]
                    for name in changed
                },
            )
    return locked


def user_role_set(
    *,
    user: User,
    role: str,
    actor: User,
    is_superuser: bool | None = None,
    is_staff: bool | None = None,
    reason: str = "",
) -> User:
    """Change who someone is: their role and admin-access flags (None leaves a flag as it is); audited.

    Only superusers make administrators or superusers.  `is_staff` follows the role (see
    `User.save`); the flag matters only for superusers.
    """
    _check_manage_users(actor)
    if role not in User.Role.values:
        raise ValidationError({"role": "Choose student, instructor or administrator."}, code="invalid_choice")
    with transaction.atomic():
        locked = _lock(user)
        before = {"role": locked.role, "is_superuser": locked.is_superuser, "is_staff": locked.is_staff}
        locked.role = role
        if is_superuser is not None:
            locked.is_superuser = is_superuser
        if is_staff is not None:
            locked.is_staff = is_staff
        grants_admin = (role == User.Role.ADMIN and before["role"] != role) or (
            locked.is_superuser and not before["is_superuser"]
        )
        if grants_admin and not actor.is_superuser:
            raise PermissionDenied(_("Only superusers can make someone an administrator or a superuser."))
        locked.save(update_fields=["role", "is_superuser", "is_staff", "updated_at"])  # is_staff: see User.save
        after = {"role": locked.role, "is_superuser": locked.is_superuser, "is_staff": locked.is_staff}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changes:
            audit_log_create(
                actor=actor, action="accounts.user_role_set", target=locked, reason=reason, changes=changes
            )
    for name in ("role", "is_superuser", "is_staff", "updated_at"):
        setattr(user, name, getattr(locked, name))
    return user


def user_groups_set(
    *,
    user: User,
    groups: Iterable[Group],
    actor: User,
    permissions: Iterable[Permission] | None = None,
    reason: str = "",
) -> User:
    """Set someone's staff duties (groups) and, when given, their individual permissions; audited."""
    _check_manage_users(actor)
    groups = list(groups)
    with transaction.atomic():
        locked = _lock(user)
        changes: dict[str, list] = {}
        old_groups = sorted(locked.groups.values_list("name", flat=True))
        new_groups = sorted(g.name for g in groups)
        if old_groups != new_groups:
            locked.groups.set(groups)
            changes["groups"] = [old_groups, new_groups]
        if permissions is not None:
            permissions = list(permissions)

            def label(p: Permission) -> str:
                return f"{p.content_type.app_label}.{p.codename}"

            old_perms = sorted(label(p) for p in locked.user_permissions.select_related("content_type"))
            new_perms = sorted(label(p) for p in permissions)
            if old_perms != new_perms:
                locked.user_permissions.set(permissions)
                changes["permissions"] = [old_perms, new_perms]
        if changes:
            audit_log_create(
                actor=actor, action="accounts.user_groups_set", target=locked, reason=reason, changes=changes
            )
    user.__dict__.pop("_group_names", None)  # User.in_group's cache
    return user


# --- staff notes --------------------------------------------------------------------------------


def admin_note_create(*, user: User, author: User, body: str) -> AdminNote:
    """A staff-only note about `user` (support history, warnings); notes are never rewritten."""
    if not (author.is_active and author.has_perm("accounts.add_adminnote")):
        raise PermissionDenied(_("You may not write notes about users."))
    note = AdminNote(user=user, author=author, body=(body or "").strip())
    note.full_clean()
    note.save()
    return note


# --- personal data ------------------------------------------------------------------------------


def user_anonymise(*, user: User) -> User:
    """Remove the person from their account (personal-data deletion): name, e-mail, phone and avatar
    go, the account is deactivated without a usable password, API tokens, API keys and staff notes about
    them are deleted, and so is their resume.  The row stays (payments and course records point at it).
    The avatar file is deleted when the caller's transaction commits.  Call last (after the other apps' anonymisers)."""
    with transaction.atomic():
        locked = _lock(user)
        file_delete_on_commit(locked.avatar)
        locked.email = f"deleted-{locked.pk.hex}@deleted.invalid"
        locked.first_name, locked.last_name, locked.phone, locked.avatar = "Deleted", "user", "", ""
        locked.is_active = False
        locked.requires_password_change = False
        locked.set_unusable_password()
        locked.save(
            update_fields=[
                "email", "first_name", "last_name", "phone", "avatar", "is_active", "requires_password_change",
                "password", "updated_at",
            ]
        )  # fmt: skip
        Token.objects.filter(user=locked).delete()
        ApiKey.objects.filter(user=locked).delete()
        AdminNote.objects.filter(user=locked).delete()
        Resume.objects.filter(user=locked).delete()  # the resume and its entries (public profile gone)
    return locked
