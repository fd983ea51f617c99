"""Resume write paths: the person's own resume and its entries.  Keyword-only, atomic, validated.

A resume is created on first use with a random public slug (`<first-name>-<8 hex>`), private and not open
to work: the owner opts in to the public profile and to employer search.  Only the owner edits; another
person's entry is refused (callers answer 404).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Resume, ResumeEntry, User

RESUME_FIELDS = ("headline", "summary", "location", "show_email", "is_public", "open_to_work", "slug")
ENTRY_FIELDS = ("kind", "title", "organisation", "start_date", "end_date", "description", "level")
MAX_ENTRIES = 100
RESERVED_SLUGS = {"admin", "api", "me", "new", "edit", "resume", "settings"}


def _text(value: Any) -> Any:
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _new_slug(user: User) -> str:
    base = slugify(user.first_name)[:40] or "profile"
    return f"{base}-{secrets.token_hex(4)}"


def resume_get_or_create(*, user: User) -> Resume:
    resume = Resume.objects.filter(user=user).first()
    if resume is not None:
        return resume
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Resume.objects.get_or_create(user=user, defaults={"slug": _new_slug(user)})[0]
        except IntegrityError:  # a slug clash (or the row created meanwhile): try again
            continue
    return Resume.objects.get(user=user)


@transaction.atomic
def resume_update(*, user: User, data: dict[str, Any]) -> Resume:
    """The owner's resume fields (any of RESUME_FIELDS); anything else is a field error."""
    unknown = set(data) - set(RESUME_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    resume = Resume.objects.select_for_update().get(pk=resume_get_or_create(user=user).pk)
    for name, value in data.items():
        setattr(resume, name, _text(value))
    if "slug" in data:
        resume.slug = slugify(resume.slug or "")[:60]
        if len(resume.slug) < 3 or resume.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("Choose an address of at least 3 letters, digits or dashes.")})
        if Resume.objects.filter(slug=resume.slug).exclude(pk=resume.pk).exists():
            raise ValidationError({"slug": _("This address is taken; choose another.")})
    resume.full_clean()
    resume.save()
    return resume


def _own_entry(*, entry: ResumeEntry, user: User) -> ResumeEntry:
    if entry.resume.user_id != user.pk:
        raise PermissionDenied(_("This is not your resume."))
    return ResumeEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def resume_entry_create(*, user: User, **fields: Any) -> ResumeEntry:
    resume = Resume.objects.select_for_update().get(pk=resume_get_or_create(user=user).pk)
    if resume.entries.count() >= MAX_ENTRIES:
        raise ValidationError(_("A resume holds at most %(n)s entries.") % {"n": MAX_ENTRIES})
    data = {k: _text(v) for k, v in fields.items() if k in ENTRY_FIELDS}
    kind = data.get("kind")
    last = resume.entries.filter(kind=kind).aggregate(m=Max("position"))["m"]
    entry = ResumeEntry(resume=resume, position=(last or 0) + 1, **data)
    entry.full_clean()
    entry.save()
    Resume.objects.filter(pk=resume.pk).update(updated_at=entry.updated_at)
    return entry


@transaction.atomic
def resume_entry_update(*, entry: ResumeEntry, user: User, data: dict[str, Any]) -> ResumeEntry:
    locked = _own_entry(entry=entry, user=user)
    unknown = set(data) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    for name, value in data.items():
        setattr(locked, name, _text(value))
    locked.full_clean()
    locked.save()
    Resume.objects.filter(pk=locked.resume_id).update(updated_at=locked.updated_at)
    return locked


@transaction.atomic
def resume_entry_delete(*, entry: ResumeEntry, user: User) -> None:
    _own_entry(entry=entry, user=user).delete()


@transaction.atomic
def resume_entry_move(*, entry: ResumeEntry, user: User, direction: str) -> ResumeEntry:
    """Swap the entry with its neighbour of the same kind ("up" or "down"); positions are renumbered 1..n."""
    locked = _own_entry(entry=entry, user=user)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Choose up or down.")})
    siblings = list(
        ResumeEntry.objects.select_for_update()
        .filter(resume_id=locked.resume_id, kind=locked.kind)
        .order_by("position", "-start_date", "created_at")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == locked.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    ResumeEntry.objects.bulk_update(siblings, ["position"])
    return next(s for s in siblings if s.pk == locked.pk)
