"""Direct messages: only between a student and the instructors (owner, co-authors) of a course they
take; the relationship is checked again on every message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.text import plain_text

from .. import permissions
from ..models import Conversation, Message
from .guards import user_check_can_post


def _conversation_roles(user: User, other: User) -> tuple[User, User]:
    """(student, instructor) when `user` and `other` may talk, else PermissionDenied."""

    if permissions.teaches_student(other, user):
        return user, other
    if permissions.teaches_student(user, other):
        return other, user
    raise PermissionDenied(_("You can message the instructors of courses you take (and they, their students)."))


@transaction.atomic
def conversation_start(*, user: User, other: User, course: Course | None = None) -> Conversation:
    student, instructor = _conversation_roles(user, other)
    conversation, _created = Conversation.objects.get_or_create(
        student=student, instructor=instructor, defaults={"course": course}
    )
    return conversation


@transaction.atomic
def message_send(*, user: User, conversation: Conversation, body: str) -> Message:
    if not permissions.is_conversation_participant(user, conversation):
        raise Http404(_("No such conversation."))
    # The relationship must still hold (a student who dropped every course of the instructor cannot write).
    if not permissions.teaches_student(conversation.instructor, conversation.student):
        raise PermissionDenied(_("This conversation is closed: the student no longer takes this instructor's courses."))
    user_check_can_post(user=user)
    message = Message(conversation=conversation, sender=user, body=body.strip())
    message.full_clean()
    message.save()
    mine = "student_read_at" if user.pk == conversation.student_id else "instructor_read_at"
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at,
                                                           **{mine: message.created_at})  # fmt: skip
    other = conversation.instructor if user.pk == conversation.student_id else conversation.student
    notification_create(
        user=other,
        category=Notification.Category.MESSAGE,
        title=f"New message from {user.get_full_name()}",
        body=plain_text(body),
        url=reverse("community:conversation", kwargs={"conversation_id": conversation.pk}),
    )
    return message


def conversation_mark_read(*, user: User, conversation: Conversation) -> None:
    field = "student_read_at" if user.pk == conversation.student_id else "instructor_read_at"
    Conversation.objects.filter(pk=conversation.pk).update(**{field: timezone.now()})
