"""Notes: a learner's private note on a lesson (course staff may keep notes on lessons they teach)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from courses.models import CourseContent
from learning import permissions
from learning.models import UserNote

from ._common import _access_enrollment


@transaction.atomic
def note_save(*, user: User, content: CourseContent, body: str, is_private: bool = True) -> UserNote | None:
    """Create or update the user's note on a lesson; an empty body deletes it (returns None)."""
    _access_enrollment_or_staff(user=user, content=content)
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
    return note


def note_delete(*, note: UserNote, user: User) -> None:
    if note.user_id != user.pk:
        raise PermissionDenied("You can only delete your own notes.")
    note.delete()


def _access_enrollment_or_staff(*, user: User, content: CourseContent) -> None:
    if permissions.is_course_staff(user, content.course):
        return
    _access_enrollment(user=user, course_id=content.course_id)
