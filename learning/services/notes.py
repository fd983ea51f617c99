"""Notes: a learner's private notes on a lesson (one per lesson) or on a course as a whole (any number),
with tags (course staff may keep notes on courses they teach)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course, CourseContent
from learning import permissions
from learning.models import NoteTag, UserNote

from ._common import _access_enrollment

NOTE_TAG_MAX_LENGTH = 40
NOTE_TAGS_MAX = 10


def note_tags_normalise(raw: str | Iterable[str] | None) -> list[str]:
    """Tags as stored: lower case, inner spaces collapsed, no leading '#', no duplicates, input order kept.

    Accepts a comma-separated string (the form) or a list (the API).  Too long a tag or too many tags is a
    ValidationError (field "tags")."""
    if raw is None:
        return []
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for part in parts:
        name = re.sub(r"\s+", " ", str(part).replace("\x00", "")).strip().lstrip("#").strip().lower()
        if not name or name in tags:
            continue
        if len(name) > NOTE_TAG_MAX_LENGTH:
            raise ValidationError({"tags": f"A tag has at most {NOTE_TAG_MAX_LENGTH} characters."})
        tags.append(name)
    if len(tags) > NOTE_TAGS_MAX:
        raise ValidationError({"tags": f"A note has at most {NOTE_TAGS_MAX} tags."})
    return tags


@transaction.atomic
def note_save(
    *, user: User, content: CourseContent, body: str, is_private: bool = True, tags: str | Iterable[str] | None = None
) -> UserNote | None:
    """Create or update the user's note on a lesson; an empty body deletes it (returns None).
    `tags=None` keeps the note's tags; a string or list replaces them."""
    _access_enrollment_or_staff(user=user, course=content.course)
    tag_names = note_tags_normalise(tags) if tags is not None else None
    body = (body or "").strip()
    if not body:
        UserNote.objects.filter(user=user, content=content).delete()
        return None
    note = UserNote.objects.filter(user=user, content=content).first() or UserNote(
        user=user, content=content, course_id=content.course_id
    )
    note.body = body
    note.is_private = is_private
    note.full_clean()
    note.save()
    if tag_names is not None:
        _tags_set(note=note, names=tag_names)
    return note


@transaction.atomic
def note_course_create(
    *, user: User, course: Course, body: str, is_private: bool = True, tags: str | Iterable[str] | None = None
) -> UserNote:
    """A new note on the course as a whole (no lesson)."""
    _access_enrollment_or_staff(user=user, course=course)
    tag_names = note_tags_normalise(tags)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    note = UserNote(user=user, course=course, content=None, body=body, is_private=is_private)
    note.full_clean()
    note.save()
    _tags_set(note=note, names=tag_names)
    return note


@transaction.atomic
def note_update(
    *,
    note: UserNote,
    user: User,
    body: str | None = None,
    is_private: bool | None = None,
    tags: str | Iterable[str] | None = None,
) -> UserNote:
    """Change one's own note (lesson or course); None leaves a field as it is.  An empty body is refused
    (deleting is note_delete)."""
    if note.user_id != user.pk:
        raise PermissionDenied(_("You can only change your own notes."))
    tag_names = note_tags_normalise(tags) if tags is not None else None
    if body is not None:
        body = body.strip()
        if not body:
            raise ValidationError({"body": "A note cannot be empty (delete it instead)."})
        note.body = body
    if is_private is not None:
        note.is_private = is_private
    note.full_clean()
    note.save()
    if tag_names is not None:
        _tags_set(note=note, names=tag_names)
    return note


def note_delete(*, note: UserNote, user: User) -> None:
    if note.user_id != user.pk:
        raise PermissionDenied(_("You can only delete your own notes."))
    note.delete()


def _tags_set(*, note: UserNote, names: list[str]) -> None:
    NoteTag.objects.filter(note=note).exclude(name__in=names).delete()
    have = set(NoteTag.objects.filter(note=note).values_list("name", flat=True))
    NoteTag.objects.bulk_create([NoteTag(note=note, user_id=note.user_id, name=n) for n in names if n not in have])


def _access_enrollment_or_staff(*, user: User, course: Course) -> None:
    if permissions.is_course_staff(user, course):
        return
    _access_enrollment(user=user, course_id=course.pk)
