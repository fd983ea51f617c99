"""Course discussions: threads, replies, pin/lock, accepted answers, subscriptions and the
notifications they send (subscribers are told of a reply by a task enqueued on commit)."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course, CourseContent
from courseworx.core.bulk import bulk_loading_active
from courseworx.core.enqueue import enqueue_on_commit
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.text import plain_text
from learning import services as learning_services

from .. import permissions
from ..models import DiscussionThread, ThreadReply, ThreadSubscription
from .guards import user_check_can_post


def _check_thread_post(*, user: User, course: Course) -> None:
    if not permissions.can_post_in_course(user, course):
        raise Http404(_("No such course discussion."))
    user_check_can_post(user=user)


@transaction.atomic
def thread_create(
    *, user: User, course: Course, title: str, body: str, lesson: CourseContent | None = None
) -> DiscussionThread:
    _check_thread_post(user=user, course=course)
    if lesson is not None and lesson.course_id != course.pk:
        raise ValidationError({"lesson": "This lesson belongs to another course."})
    now = timezone.now()
    thread = DiscussionThread(
        course=course, lesson=lesson, author=user, title=title.strip(), body=body.strip(), last_activity_at=now
    )
    thread.full_clean()
    thread.save()
    ThreadSubscription.objects.get_or_create(thread=thread, user=user)
    if course.instructor_id != user.pk:
        notification_create(
            user=course.instructor,
            category=Notification.Category.DISCUSSION,
            title=f"New question in {course.title}: {thread.title}",
            body=plain_text(thread.body),
            url=reverse("community:thread", kwargs={"thread_id": thread.pk}),
        )
    return thread


def _check_reply(*, user: User, thread: DiscussionThread) -> None:
    if not permissions.can_read_discussions(user, thread.course):
        raise Http404(_("No such thread."))
    if thread.is_hidden and not permissions.can_see_hidden(user, thread.course):
        raise Http404(_("No such thread."))
    if not permissions.can_reply_to_thread(user, thread):
        raise ValidationError(_("This thread is locked: no new replies."), code="locked")


@transaction.atomic
def reply_create(*, user: User, thread: DiscussionThread, body: str) -> ThreadReply:
    # Lock the thread first: an instructor locking it and a reply cannot cross.
    thread = DiscussionThread.objects.select_for_update().select_related("course").get(pk=thread.pk)
    _check_reply(user=user, thread=thread)
    user_check_can_post(user=user)
    reply = ThreadReply(thread=thread, author=user, body=body.strip())
    reply.full_clean()
    reply.save()
    DiscussionThread.objects.filter(pk=thread.pk).update(
        reply_count=F("reply_count") + 1, last_activity_at=reply.created_at
    )
    ThreadSubscription.objects.get_or_create(thread=thread, user=user)
    if bulk_loading_active():
        reply_notify_subscribers(reply_id=reply.pk)
    else:
        enqueue_on_commit("community.thread_reply_notify", str(reply.pk))
    return reply


def reply_notify_subscribers(*, reply_id: UUID | str) -> int:
    """One notification per subscriber (not the author).  Called by the task; idempotent per user."""
    reply = ThreadReply.objects.select_related("thread__course", "author").filter(pk=reply_id).first()
    if reply is None or reply.is_hidden:
        return 0
    thread = reply.thread
    url = reverse("community:thread", kwargs={"thread_id": thread.pk}) + f"#reply-{reply.pk}"
    already = set(Notification.objects.filter(url=url).values_list("user_id", flat=True))
    count = 0
    subscribers = ThreadSubscription.objects.filter(thread=thread).exclude(user_id=reply.author_id)
    for sub in subscribers.select_related("user"):
        if sub.user_id in already or not sub.user.is_active:
            continue
        notification_create(
            user=sub.user,
            category=Notification.Category.DISCUSSION,
            title=f"{reply.author.get_full_name()} replied in “{thread.title}”",
            body=plain_text(reply.body),
            url=url,
        )
        count += 1
    return count


def _check_manage_thread(*, user: User, thread: DiscussionThread) -> None:
    if not permissions.can_read_discussions(user, thread.course):
        raise Http404(_("No such thread."))
    if not permissions.can_manage_thread(user, thread):
        raise PermissionDenied(_("Only the course's instructors and moderators can do this."))


@transaction.atomic
def thread_set_flags(
    *, user: User, thread: DiscussionThread, pinned: bool | None = None, locked: bool | None = None
) -> DiscussionThread:
    """Pin/unpin, lock/unlock (the course's instructors and moderators)."""
    _check_manage_thread(user=user, thread=thread)
    thread = DiscussionThread.objects.select_for_update().get(pk=thread.pk)
    changes = {}
    if pinned is not None and thread.is_pinned != pinned:
        changes["is_pinned"] = [thread.is_pinned, pinned]
        thread.is_pinned = pinned
    if locked is not None and thread.is_locked != locked:
        changes["is_locked"] = [thread.is_locked, locked]
        thread.is_locked = locked
    if changes:
        thread.save(update_fields=[*changes, "updated_at"])
        audit_log_create(actor=user, action="community.thread_update", target=thread, changes=changes)
    return thread


@transaction.atomic
def thread_accept_answer(*, user: User, thread: DiscussionThread, reply: ThreadReply | None) -> DiscussionThread:
    """Mark a reply as the accepted answer (or clear it): the thread's author or its instructors."""

    if not permissions.can_read_discussions(user, thread.course):
        raise Http404(_("No such thread."))
    if not permissions.can_accept_answer(user, thread):
        raise PermissionDenied(_("Only the person who asked or the instructors can accept an answer."))
    if reply is not None and (reply.thread_id != thread.pk or reply.is_hidden):
        raise ValidationError(_("Choose a visible reply of this thread."), code="invalid")
    thread = DiscussionThread.objects.select_for_update().get(pk=thread.pk)
    previous_id = thread.accepted_reply_id
    thread.accepted_reply = reply
    thread.save(update_fields=["accepted_reply", "updated_at"])
    _accepted_answer_points(thread=thread, previous_id=previous_id, reply=reply)
    if reply is not None and reply.author_id != user.pk:
        notification_create(
            user=reply.author,
            category=Notification.Category.DISCUSSION,
            title=f"Your reply was accepted as the answer in “{thread.title}”",
            url=reverse("community:thread", kwargs={"thread_id": thread.pk}) + f"#reply-{reply.pk}",
        )
    return thread


def _accepted_answer_points(*, thread: DiscussionThread, previous_id, reply: ThreadReply | None) -> None:
    """Points for an accepted answer (learning's ledger): taken back from a replaced one; none for one's own."""
    if previous_id is not None and (reply is None or reply.pk != previous_id):
        previous_author = ThreadReply.objects.filter(pk=previous_id).values_list("author_id", flat=True).first()
        if previous_author is not None:
            learning_services.points_answer_unaccepted(user_id=previous_author, reply_id=previous_id)
    if reply is not None and reply.pk != previous_id and reply.author_id != thread.author_id:
        learning_services.points_answer_accepted(user_id=reply.author_id, reply_id=reply.pk, course_id=thread.course_id)


def thread_subscribe(*, user: User, thread: DiscussionThread, subscribed: bool) -> bool:
    if not permissions.can_read_discussions(user, thread.course):
        raise Http404(_("No such thread."))
    if subscribed:
        ThreadSubscription.objects.get_or_create(thread=thread, user=user)
    else:
        ThreadSubscription.objects.filter(thread=thread, user=user).delete()
    return subscribed
