"""Community write paths.  People are notified through `courseworx.core.notifications`.

Every function is keyword-only and atomic.  Writes that need a permission split a `_check_...`
step (validation, permission, mutes, rate limit: raises before anything changes) from the change
itself.  Side effects (e-mails) go out through Celery tasks enqueued on commit; enqueuing or
sending never raises into the request that caused it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseContent
from courses.permissions import can_view_course
from courses.ratings import course_rating_refresh
from courses.services import content_moderation_hide, content_moderation_restore
from courses.validators import validate_content_file
from courseworx.core.bulk import bulk_loading_active
from courseworx.core.enqueue import enqueue_on_commit as _on_commit
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.storage import file_delete_on_commit
from courseworx.core.text import plain_text

from . import permissions
from .models import (
    ContentFlag,
    Conversation,
    DiscussionThread,
    FlaggedItem,
    Message,
    ModeratedContent,
    ModerationAction,
    Review,
    SupportTicket,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    ThreadReply,
    ThreadSubscription,
    TicketAttachment,
    TicketMessage,
    UserMute,
)

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


# =================================================================================================
# Posting guards: mutes and the per-user rate limit
# =================================================================================================
def user_mute_active(*, user) -> UserMute | None:
    return UserMute.objects.filter(user_id=user.pk, until__gt=timezone.now()).order_by("-until").first()


def _check_can_post(*, user) -> None:
    """Every posting service calls this first: muted users and fast posters are refused."""
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied("Sign in to post.")
    mute = user_mute_active(user=user)
    if mute is not None:
        raise PermissionDenied(
            f"You cannot post until {timezone.localtime(mute.until):%d %b %Y %H:%M} (muted by a moderator)."
        )
    limit = int(_setting("COMMUNITY_POST_RATE_LIMIT", 6))
    window = int(_setting("COMMUNITY_POST_RATE_WINDOW", 60))
    if limit <= 0 or bulk_loading_active():
        return
    bucket = int(timezone.now().timestamp() // window)
    key = f"community:posts:{user.pk}:{bucket}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count > limit:
        raise ValidationError(
            "You are posting too fast: at most %(limit)s posts per %(window)s seconds. Try again in a minute.",
            code="rate_limited",
            params={"limit": limit, "window": window},
        )


def user_mute_create(*, user, until, reason: str, by) -> UserMute:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the user is muted."})
    mute = UserMute(user=user, until=until, reason=reason.strip(), muted_by=by)
    mute.full_clean()
    mute.save()
    return mute


def mute_until(days: int):
    return timezone.now() + timedelta(days=days)


# =================================================================================================
# Reviews
# =================================================================================================
def _check_review(*, user, course) -> None:
    if not permissions.can_review_course(user, course):
        raise PermissionDenied("Only students enrolled in this course can review it.")
    _check_can_post(user=user)


def _rating_refresh(course_id) -> None:
    course_rating_refresh(course_id=course_id, reviews=Review.objects.filter(is_hidden=False))


@transaction.atomic
def review_save(*, user, course, rating: int, body: str = "") -> Review:
    """Create the user's review of a course, or change it (one per enrolment)."""

    _check_review(user=user, course=course)
    enrollment = permissions.active_enrollment(user, course)
    review = Review.objects.select_for_update().filter(course=course, author=user).first()
    if review is None:
        review = Review(course=course, author=user, enrollment_id=enrollment.pk)
    review.rating = rating
    review.body = body.strip()
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:  # a double submit created it meanwhile
        raise ValidationError("You have already reviewed this course.", code="duplicate") from exc
    _rating_refresh(course.pk)
    return review


@transaction.atomic
def review_reply(*, user, review: Review, reply: str) -> Review:
    if not permissions.can_reply_to_review(user, review):
        raise PermissionDenied("Only the course's instructors can reply to its reviews.")
    _check_can_post(user=user)
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.reply = reply.strip()
    review.replied_by = user if review.reply else None
    review.replied_at = timezone.now() if review.reply else None
    review.full_clean()
    review.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
    if review.reply:
        notification_create(
            user=review.author,
            category=Notification.Category.DISCUSSION,
            title=f"The instructor replied to your review of {review.course.title}",
            body=plain_text(review.reply),
            url=reverse("community:course_reviews", kwargs={"slug": review.course.slug}),
        )
    return review


# =================================================================================================
# Discussions
# =================================================================================================
def _check_thread_post(*, user, course) -> None:
    if not permissions.can_post_in_course(user, course):
        raise Http404("No such course discussion.")
    _check_can_post(user=user)


@transaction.atomic
def thread_create(*, user, course, title: str, body: str, lesson=None) -> DiscussionThread:
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


def _check_reply(*, user, thread) -> None:
    if not permissions.can_read_discussions(user, thread.course):
        raise Http404("No such thread.")
    if thread.is_hidden and not permissions.can_see_hidden(user, thread.course):
        raise Http404("No such thread.")
    if not permissions.can_reply_to_thread(user, thread):
        raise ValidationError("This thread is locked: no new replies.", code="locked")


@transaction.atomic
def reply_create(*, user, thread: DiscussionThread, body: str) -> ThreadReply:
    # Lock the thread first: an instructor locking it and a reply cannot cross.
    thread = DiscussionThread.objects.select_for_update().select_related("course").get(pk=thread.pk)
    _check_reply(user=user, thread=thread)
    _check_can_post(user=user)
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
        _on_commit("community.thread_reply_notify", str(reply.pk))
    return reply


def reply_notify_subscribers(*, reply_id) -> int:
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


def _check_manage_thread(*, user, thread) -> None:
    if not permissions.can_read_discussions(user, thread.course):
        raise Http404("No such thread.")
    if not permissions.can_manage_thread(user, thread):
        raise PermissionDenied("Only the course's instructors and moderators can do this.")


@transaction.atomic
def thread_set_flags(*, user, thread: DiscussionThread, pinned: bool | None = None, locked: bool | None = None):
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
def thread_accept_answer(*, user, thread: DiscussionThread, reply: ThreadReply | None) -> DiscussionThread:
    """Mark a reply as the accepted answer (or clear it): the thread's author or its instructors."""

    if not permissions.can_read_discussions(user, thread.course):
        raise Http404("No such thread.")
    if not permissions.can_accept_answer(user, thread):
        raise PermissionDenied("Only the person who asked or the instructors can accept an answer.")
    if reply is not None and (reply.thread_id != thread.pk or reply.is_hidden):
        raise ValidationError("Choose a visible reply of this thread.", code="invalid")
    thread = DiscussionThread.objects.select_for_update().get(pk=thread.pk)
    thread.accepted_reply = reply
    thread.save(update_fields=["accepted_reply", "updated_at"])
    if reply is not None and reply.author_id != user.pk:
        notification_create(
            user=reply.author,
            category=Notification.Category.DISCUSSION,
            title=f"Your reply was accepted as the answer in “{thread.title}”",
            url=reverse("community:thread", kwargs={"thread_id": thread.pk}) + f"#reply-{reply.pk}",
        )
    return thread


def thread_subscribe(*, user, thread: DiscussionThread, subscribed: bool) -> bool:
    if not permissions.can_read_discussions(user, thread.course):
        raise Http404("No such thread.")
    if subscribed:
        ThreadSubscription.objects.get_or_create(thread=thread, user=user)
    else:
        ThreadSubscription.objects.filter(thread=thread, user=user).delete()
    return subscribed


# =================================================================================================
# Flags and moderation
# =================================================================================================
FLAG_KINDS = ("thread", "reply", "review", "lesson")


def flag_target_model(kind: str):
    return {"thread": DiscussionThread, "reply": ThreadReply, "review": Review, "lesson": CourseContent}[kind]


def flag_target_get(*, kind: str, object_id):
    """The flaggable object (with what the permission checks need), or Http404."""
    if kind not in FLAG_KINDS:
        raise Http404("Unknown content.")
    model = flag_target_model(kind)
    related = {"thread": ["course"], "reply": ["thread__course"], "review": ["course"], "lesson": ["course"]}[kind]
    try:
        return model.objects.select_related(*related).get(pk=object_id)
    except (model.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such content.") from exc


def flag_target_course(target):
    if isinstance(target, ThreadReply):
        return target.thread.course
    return target.course


def flag_target_author_id(target):
    if isinstance(target, CourseContent):
        return target.course.instructor_id
    return target.author_id


def can_see_flag_target(user, target) -> bool:
    course = flag_target_course(target)
    if isinstance(target, Review):
        return can_view_course(user, course) and (not target.is_hidden or permissions.can_see_hidden(user, course))
    if isinstance(target, CourseContent):
        return can_view_course(user, course) and (
            permissions.is_course_member(user, course) or (target.is_preview and target.is_published)
        )
    if target.is_hidden and not permissions.can_see_hidden(user, course):
        return False
    return permissions.can_read_discussions(user, course)


def _check_flag(*, user, target) -> None:
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied("Sign in to report content.")
    if not can_see_flag_target(user, target):
        raise Http404("No such content.")
    if flag_target_author_id(target) == user.pk:
        raise ValidationError("You cannot report your own content.", code="own_content")


def _hide_target(target, *, reason: str, now) -> bool:
    """Soft delete (conditional UPDATE; True when it was visible).  Lessons: the courses app unpublishes them."""

    if isinstance(target, CourseContent):
        return content_moderation_hide(content_id=target.pk, reason=reason)
    model = type(target)
    if not issubclass(model, ModeratedContent):
        return False
    changed = model.objects.filter(pk=target.pk, is_hidden=False).update(
        is_hidden=True, hidden_reason=reason, hidden_at=now
    )
    if changed:
        _visibility_changed(target, hidden=True)
    return bool(changed)


def _restore_target(target, *, only_reason: str | None = None) -> bool:
    if isinstance(target, CourseContent):
        return content_moderation_restore(content_id=target.pk, only_reason=only_reason)
    model = type(target)
    if not issubclass(model, ModeratedContent):
        return False
    changed = model.objects.filter(pk=target.pk, is_hidden=True).update(
        is_hidden=False, hidden_reason="", hidden_at=None
    )
    if changed:
        _visibility_changed(target, hidden=False)
    return bool(changed)


def _thread_reply_count_refresh(thread_id) -> None:
    """Recount a thread's visible replies in one UPDATE (a subquery): never drifts, never negative."""
    visible = (
        ThreadReply.objects.filter(thread_id=OuterRef("pk"), is_hidden=False)
        .order_by()
        .values("thread_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    DiscussionThread.objects.filter(pk=thread_id).update(
        reply_count=Coalesce(Subquery(visible, output_field=IntegerField()), Value(0))
    )


def _visibility_changed(target, *, hidden: bool) -> None:
    """Keep what depends on visibility right: the course rating, a thread's visible reply count."""
    if isinstance(target, Review):
        _rating_refresh(target.course_id)
    elif isinstance(target, ThreadReply):
        _thread_reply_count_refresh(target.thread_id)
        if hidden:
            DiscussionThread.objects.filter(pk=target.thread_id, accepted_reply_id=target.pk).update(
                accepted_reply=None
            )


@transaction.atomic
def flag_create(*, user, target, reason: str, details: str = "") -> ContentFlag:
    """Report content.  With COMMUNITY_FLAG_HIDE_THRESHOLD open flags it is hidden until reviewed."""
    _check_flag(user=user, target=target)
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(type(target))
    course = flag_target_course(target)
    item, _ = FlaggedItem.objects.get_or_create(
        content_type=content_type,
        object_id=str(target.pk),
        defaults={"course": course, "author_id": flag_target_author_id(target)},
    )
    if ContentFlag.objects.filter(item=item, flagger=user, status=ContentFlag.Status.OPEN).exists():
        raise ValidationError("You have already reported this; a moderator will look at it.", code="duplicate")
    flag = ContentFlag(item=item, flagger=user, reason=reason, details=details.strip())
    flag.full_clean()
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError as exc:
        raise ValidationError("You have already reported this; a moderator will look at it.", code="duplicate") from exc
    # Counters in SQL: concurrent flags never lose an increment.
    FlaggedItem.objects.filter(pk=item.pk).update(
        open_flag_count=F("open_flag_count") + 1, status=FlaggedItem.Status.OPEN, last_flagged_at=now, resolved_at=None
    )
    model = type(target)
    if issubclass(model, ModeratedContent):
        model.objects.filter(pk=target.pk).update(open_flag_count=F("open_flag_count") + 1)
        threshold = int(_setting("COMMUNITY_FLAG_HIDE_THRESHOLD", 3))
        hidden = model.objects.filter(pk=target.pk, is_hidden=False, open_flag_count__gte=threshold).update(
            is_hidden=True, hidden_reason=ModeratedContent.HiddenReason.FLAGS, hidden_at=now
        )
        if hidden:
            _visibility_changed(target, hidden=True)
            ModerationAction.objects.create(
                moderator=None,
                action=ModerationAction.Action.AUTO_HIDE,
                item=item,
                content_type=content_type,
                object_id=str(target.pk),
                target_user_id=flag_target_author_id(target),
                note=f"Hidden automatically after {threshold} open flags; waiting for a moderator.",
            )
    elif _is_lesson(target):
        threshold = int(_setting("COMMUNITY_FLAG_HIDE_THRESHOLD", 3))
        count = FlaggedItem.objects.filter(pk=item.pk).values_list("open_flag_count", flat=True).get()
        if count >= threshold and _hide_target(target, reason=ModeratedContent.HiddenReason.FLAGS, now=now):
            ModerationAction.objects.create(
                moderator=None,
                action=ModerationAction.Action.AUTO_HIDE,
                item=item,
                content_type=content_type,
                object_id=str(target.pk),
                target_user_id=flag_target_author_id(target),
                note=f"Hidden automatically after {threshold} open flags; waiting for a moderator.",
            )
    return flag


def _is_lesson(target) -> bool:
    return isinstance(target, CourseContent)


MODERATION_OUTCOMES = {
    ModerationAction.Action.HIDE: "was hidden by a moderator",
    ModerationAction.Action.RESTORE: "was reviewed and stays visible",
    ModerationAction.Action.DISMISS: "was reviewed and stays visible",
}


def _check_moderate(*, moderator, note: str) -> None:
    if not permissions.can_moderate(moderator):
        raise PermissionDenied("Only moderators may do this.")
    if not (note or "").strip():
        raise ValidationError({"note": "A resolution note is required."}, code="required")


def _lock_item(item: FlaggedItem) -> FlaggedItem:
    return FlaggedItem.objects.select_for_update().select_related("content_type").get(pk=item.pk)


def _resolve_item(*, item: FlaggedItem, moderator, action: str, note: str, flag_status: str) -> list[ContentFlag]:
    now = timezone.now()
    open_flags = list(ContentFlag.objects.filter(item=item, status=ContentFlag.Status.OPEN).select_related("flagger"))
    ContentFlag.objects.filter(pk__in=[f.pk for f in open_flags]).update(
        status=flag_status, resolved_by=moderator, resolved_at=now, resolution_note=note
    )
    FlaggedItem.objects.filter(pk=item.pk).update(
        status=FlaggedItem.Status.RESOLVED, open_flag_count=0, resolved_at=now
    )
    model = item.content_type.model_class()
    if model is not None and issubclass(model, ModeratedContent):
        model.objects.filter(pk=item.object_id).update(open_flag_count=0)
    outcome = MODERATION_OUTCOMES.get(action, "was reviewed")
    for flagger in {f.flagger for f in open_flags}:
        notification_create(
            user=flagger,
            category=Notification.Category.MODERATION,
            title=f"Your report was reviewed: the content {outcome}",
            body=note,
        )
    return open_flags


def _log(*, moderator, action: str, item: FlaggedItem, note: str, target_user_id=None, details=None):
    ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        item=item,
        content_type=item.content_type,
        object_id=item.object_id,
        target_user_id=target_user_id or item.author_id,
        note=note,
        details=details or {},
    )
    audit_log_create(actor=moderator, action=f"community.moderation_{action}", target=item, reason=note,
                     changes=details or {})  # fmt: skip


@transaction.atomic
def moderation_hide(*, moderator, item: FlaggedItem, note: str) -> FlaggedItem:
    """Hide the content (soft delete), uphold its open flags, tell the flaggers."""
    _check_moderate(moderator=moderator, note=note)
    item = _lock_item(item)
    target = item.target
    if target is None or not (isinstance(target, ModeratedContent) or _is_lesson(target)):
        raise ValidationError("This content cannot be hidden.")
    _hide_target(target, reason=ModeratedContent.HiddenReason.MODERATOR, now=timezone.now())
    if not _is_lesson(target):  # already hidden by flags: the moderator's decision is the reason now
        type(target).objects.filter(pk=target.pk).update(hidden_reason=ModeratedContent.HiddenReason.MODERATOR)
    flags = _resolve_item(item=item, moderator=moderator, action="hide", note=note,
                          flag_status=ContentFlag.Status.UPHELD)  # fmt: skip
    _log(moderator=moderator, action=ModerationAction.Action.HIDE, item=item, note=note,
         details={"flags": len(flags)})  # fmt: skip
    return item


@transaction.atomic
def moderation_restore(*, moderator, item: FlaggedItem, note: str) -> FlaggedItem:
    """Make hidden content visible again; open flags are dismissed."""
    _check_moderate(moderator=moderator, note=note)
    item = _lock_item(item)
    target = item.target
    if target is None or not (isinstance(target, ModeratedContent) or _is_lesson(target)):
        raise ValidationError("Only hidden threads, replies, reviews and lessons can be restored.")
    _restore_target(target)
    flags = _resolve_item(item=item, moderator=moderator, action="restore", note=note,
                          flag_status=ContentFlag.Status.DISMISSED)  # fmt: skip
    _log(moderator=moderator, action=ModerationAction.Action.RESTORE, item=item, note=note,
         details={"flags": len(flags)})  # fmt: skip
    return item


@transaction.atomic
def moderation_dismiss(*, moderator, item: FlaggedItem, note: str) -> FlaggedItem:
    """The flags were wrong: dismiss them; content hidden automatically by flags becomes visible."""
    _check_moderate(moderator=moderator, note=note)
    item = _lock_item(item)
    target = item.target
    restored = False
    if isinstance(target, ModeratedContent) and target.hidden_reason == ModeratedContent.HiddenReason.FLAGS:
        restored = _restore_target(target)
    elif _is_lesson(target):
        restored = _restore_target(target, only_reason=ModeratedContent.HiddenReason.FLAGS)
    flags = _resolve_item(item=item, moderator=moderator, action="dismiss", note=note,
                          flag_status=ContentFlag.Status.DISMISSED)  # fmt: skip
    _log(moderator=moderator, action=ModerationAction.Action.DISMISS, item=item, note=note,
         details={"flags": len(flags), "restored": restored})  # fmt: skip
    return item


@transaction.atomic
def moderation_mute(*, moderator, item: FlaggedItem, note: str, days: int) -> UserMute:
    """Mute the content's author from posting for `days` days (flags stay open)."""
    _check_moderate(moderator=moderator, note=note)
    item = _lock_item(item)
    if item.author_id is None:
        raise ValidationError("This content has no author to mute.")
    if not 1 <= int(days) <= 365:
        raise ValidationError({"days": "Mute for 1 to 365 days."})
    mute = user_mute_create(user=item.author, until=mute_until(int(days)), reason=note, by=moderator)
    _log(moderator=moderator, action=ModerationAction.Action.MUTE, item=item, note=note,
         details={"days": int(days), "until": mute.until.isoformat()})  # fmt: skip
    notification_create(
        user=item.author,
        category=Notification.Category.MODERATION,
        title=f"You cannot post until {timezone.localtime(mute.until):%d %b %Y}",
        body=f"A moderator muted you: {note}",
    )
    return mute


# =================================================================================================
# Support tickets
# =================================================================================================
TICKET_TRANSITIONS = {
    SupportTicket.Status.OPEN: {SupportTicket.Status.PENDING, SupportTicket.Status.RESOLVED},
    SupportTicket.Status.PENDING: {SupportTicket.Status.OPEN, SupportTicket.Status.RESOLVED},
    SupportTicket.Status.RESOLVED: {SupportTicket.Status.CLOSED, SupportTicket.Status.OPEN},
    SupportTicket.Status.CLOSED: set(),
}
ATTACHMENT_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "csv", "docx", "xlsx"}
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}


def ticket_attachment_check(file) -> str:
    """Type (extension and leading bytes) and size of an uploaded attachment; returns its MIME type."""

    max_bytes = int(_setting("COMMUNITY_TICKET_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024
    ext = PurePosixPath(file.name).suffix.lower().lstrip(".")
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            "Attach images, PDF, text, CSV, Word or Excel files (not .%(ext)s).",
            code="invalid_file_type",
            params={"ext": ext or "?"},
        )
    if (getattr(file, "size", 0) or 0) > max_bytes:
        raise ValidationError("Attachments may be at most %(mb)s MB.", code="file_too_large",
                              params={"mb": max_bytes // (1024 * 1024)})  # fmt: skip
    return validate_content_file(file, "image" if ext in IMAGE_EXTENSIONS else "document")


def _attach(message: TicketMessage, files) -> None:
    files = list(files or [])
    if len(files) > int(_setting("COMMUNITY_TICKET_ATTACHMENTS_MAX", 5)):
        raise ValidationError({"attachments": "Too many attachments."})
    for file in files:
        mime = ticket_attachment_check(file)
        TicketAttachment.objects.create(message=message, file=file, name=file.name[:255], size=file.size,
                                        content_type=mime)  # fmt: skip


def _next_ticket_number() -> int:
    return (SupportTicket.objects.aggregate(n=Max("number"))["n"] or 1000) + 1


@transaction.atomic
def ticket_create(
    *, user, subject: str, body: str, category: str = "other", priority: str = "normal", course=None, lesson=None,
    attachments=(),
) -> SupportTicket:  # fmt: skip
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied("Sign in to contact support.")
    _check_can_post(user=user)
    if lesson is not None and course is not None and lesson.course_id != course.pk:
        raise ValidationError({"lesson": "This lesson belongs to another course."})
    if lesson is not None and course is None:
        course = lesson.course
    now = timezone.now()
    for attempt in range(5):
        ticket = SupportTicket(
            number=_next_ticket_number(), requester=user, subject=subject.strip(), category=category,
            priority=priority, course=course, lesson=lesson, last_activity_at=now,
        )  # fmt: skip
        ticket.full_clean(exclude=["number"])
        try:
            with transaction.atomic():
                ticket.save()
            break
        except IntegrityError:  # two tickets took the same number: take the next one
            if attempt == 4:
                raise
    message = TicketMessage(ticket=ticket, author=user, body=body.strip())
    message.full_clean()
    message.save()
    _attach(message, attachments)
    return ticket


def _check_ticket_reply(*, user, ticket) -> None:
    if not permissions.can_view_ticket(user, ticket):
        raise Http404("No such ticket.")
    if ticket.status == SupportTicket.Status.CLOSED:
        raise ValidationError("This ticket is closed. Open a new ticket if you need more help.", code="closed")


@transaction.atomic
def ticket_reply(*, user, ticket: SupportTicket, body: str, attachments=()) -> TicketMessage:
    """A message in the thread.  Support replying sets first_response_at and waits for the user
    (pending); the requester replying reopens a pending or resolved ticket."""

    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    _check_ticket_reply(user=user, ticket=ticket)
    _check_can_post(user=user)
    staff = permissions.can_handle_tickets(user) and user.pk != ticket.requester_id
    message = TicketMessage(ticket=ticket, author=user, body=body.strip(), is_staff_reply=staff)
    message.full_clean()
    message.save()
    _attach(message, attachments)
    now = timezone.now()
    fields = ["last_activity_at", "updated_at"]
    ticket.last_activity_at = now
    if staff:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        if ticket.status == SupportTicket.Status.OPEN:
            ticket.status = SupportTicket.Status.PENDING
            fields.append("status")
        if ticket.assignee_id is None:
            ticket.assignee = user
            fields.append("assignee")
    elif ticket.status in (SupportTicket.Status.PENDING, SupportTicket.Status.RESOLVED):
        ticket.status = SupportTicket.Status.OPEN
        ticket.resolved_at = None
        fields += ["status", "resolved_at"]
    ticket.save(update_fields=fields)
    url = reverse("community:ticket", kwargs={"number": ticket.number})
    if staff:
        notification_create(user=ticket.requester, category=Notification.Category.SUPPORT,
                            title=f"Support replied to ticket #{ticket.number}: {ticket.subject}",
                            body=plain_text(body), url=url)  # fmt: skip
    elif ticket.assignee_id:
        notification_create(user=ticket.assignee, category=Notification.Category.SUPPORT,
                            title=f"New reply on ticket #{ticket.number}: {ticket.subject}",
                            body=plain_text(body), url=url)  # fmt: skip
    return message


def _check_ticket_status(*, user, ticket, status: str) -> None:
    if not permissions.can_view_ticket(user, ticket):
        raise Http404("No such ticket.")
    if status not in TICKET_TRANSITIONS.get(ticket.status, set()):
        raise ConflictError(
            "A ticket that is %(old)s cannot become %(new)s.",
            code="invalid_transition",
            params={"old": ticket.get_status_display().lower(), "new": SupportTicket.Status(status).label.lower()},
        )
    requester_may = status == SupportTicket.Status.CLOSED or (
        status == SupportTicket.Status.OPEN and ticket.status == SupportTicket.Status.RESOLVED
    )
    if not permissions.can_handle_tickets(user) and not (ticket.requester_id == user.pk and requester_may):
        raise PermissionDenied("Only support staff can change this ticket's status.")


@transaction.atomic
def ticket_set_status(*, user, ticket: SupportTicket, status: str, note: str = "") -> SupportTicket:
    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    _check_ticket_status(user=user, ticket=ticket, status=status)
    old = ticket.status
    now = timezone.now()
    ticket.status = status
    ticket.last_activity_at = now
    if status == SupportTicket.Status.RESOLVED:
        ticket.resolved_at = now
    elif status == SupportTicket.Status.OPEN:
        ticket.resolved_at = None
    if status == SupportTicket.Status.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    ticket.save(update_fields=["status", "resolved_at", "closed_at", "last_activity_at", "updated_at"])
    audit_log_create(actor=user, action="community.ticket_status", target=ticket, reason=note,
                     changes={"status": [old, status]})  # fmt: skip
    if status == SupportTicket.Status.RESOLVED and user.pk != ticket.requester_id:
        notification_create(user=ticket.requester, category=Notification.Category.SUPPORT,
                            title=f"Ticket #{ticket.number} is resolved: tell us how we did",
                            body=note, url=reverse("community:ticket", kwargs={"number": ticket.number}))  # fmt: skip
    return ticket


@transaction.atomic
def ticket_assign(*, user, ticket: SupportTicket, assignee) -> SupportTicket:
    if not permissions.can_handle_tickets(user):
        raise PermissionDenied("Only support staff can assign tickets.")
    if assignee is not None and not permissions.can_handle_tickets(assignee):
        raise ValidationError({"assignee": "Assign tickets to members of the Support team."})
    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    old = ticket.assignee_id
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    audit_log_create(actor=user, action="community.ticket_assign", target=ticket,
                     changes={"assignee": [str(old or ""), str(getattr(assignee, "pk", "") or "")]})  # fmt: skip
    if assignee is not None and assignee.pk != user.pk:
        notification_create(user=assignee, category=Notification.Category.SUPPORT,
                            title=f"Ticket #{ticket.number} is assigned to you: {ticket.subject}",
                            url=reverse("community:ticket", kwargs={"number": ticket.number}))  # fmt: skip
    return ticket


@transaction.atomic
def ticket_rate(*, user, ticket: SupportTicket, rating: int, comment: str = "") -> SupportTicket:
    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    if not permissions.can_view_ticket(user, ticket):
        raise Http404("No such ticket.")
    if not permissions.can_rate_ticket(user, ticket):
        raise ValidationError("Rate a ticket once, after it is resolved.", code="not_rateable")
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": "Choose 1 to 5."})
    ticket.satisfaction = int(rating)
    ticket.satisfaction_comment = comment.strip()[:2000]
    ticket.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
    return ticket


# =================================================================================================
# Messages
# =================================================================================================
def _conversation_roles(user, other):
    """(student, instructor) when `user` and `other` may talk, else PermissionDenied."""

    if permissions.teaches_student(other, user):
        return user, other
    if permissions.teaches_student(user, other):
        return other, user
    raise PermissionDenied("You can message the instructors of courses you take (and they, their students).")


@transaction.atomic
def conversation_start(*, user, other, course=None) -> Conversation:
    student, instructor = _conversation_roles(user, other)
    conversation, _ = Conversation.objects.get_or_create(
        student=student, instructor=instructor, defaults={"course": course}
    )
    return conversation


@transaction.atomic
def message_send(*, user, conversation: Conversation, body: str) -> Message:
    if not permissions.is_conversation_participant(user, conversation):
        raise Http404("No such conversation.")
    # The relationship must still hold (a student who dropped every course of the instructor cannot write).
    if not permissions.teaches_student(conversation.instructor, conversation.student):
        raise PermissionDenied("This conversation is closed: the student no longer takes this instructor's courses.")
    _check_can_post(user=user)
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


def conversation_mark_read(*, user, conversation: Conversation) -> None:
    field = "student_read_at" if user.pk == conversation.student_id else "instructor_read_at"
    Conversation.objects.filter(pk=conversation.pk).update(**{field: timezone.now()})


# =================================================================================================
# Surveys
# =================================================================================================
def _check_survey_answer(*, user, survey: Survey) -> None:
    if not permissions.can_answer_survey(user, survey):
        raise Http404("No such survey.")
    if survey.closes_at and survey.closes_at <= timezone.now():
        raise ValidationError("This survey is closed.", code="closed")
    if SurveyResponse.objects.filter(survey=survey, user=user).exists():
        raise ValidationError("You have already answered this survey. Thank you!", code="duplicate")


def _survey_answer_row(question: SurveyQuestion, value) -> SurveyAnswer | None:
    value = "" if value is None else value
    if isinstance(value, str):
        value = value.strip()
    if value in ("", []):
        if question.required:
            raise ValidationError({str(question.pk): "Please answer this question."})
        return None
    answer = SurveyAnswer(question=question)
    if question.kind == SurveyQuestion.Kind.RATING:
        try:
            rating = int(value)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError({str(question.pk): "Choose 1 to 5."})
        answer.rating = rating
    elif question.kind == SurveyQuestion.Kind.SINGLE_CHOICE:
        if value not in question.options:
            raise ValidationError({str(question.pk): "Choose one of the options."})
        answer.choice = value
    else:
        answer.text = str(value)[:5000]
    return answer


@transaction.atomic
def survey_answer(*, user, survey: Survey, answers: dict) -> SurveyResponse:
    """Answer a survey once.  `answers`: {question id (str): value}."""
    _check_survey_answer(user=user, survey=survey)
    rows = []
    errors: dict = {}
    for question in survey.questions.order_by("order"):
        try:
            row = _survey_answer_row(question, answers.get(str(question.pk)))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if row is not None:
            rows.append(row)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, user=user)
    except IntegrityError as exc:
        raise ValidationError("You have already answered this survey. Thank you!", code="duplicate") from exc
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    return response


def survey_validate_audience(*, user, course, audience: str) -> None:
    """Check step for the survey builder (admin form clean, API)."""

    if audience == Survey.Audience.ALL:
        if course is not None:
            raise ValidationError({"course": "A survey for everyone is not tied to a course."})
        if not permissions.can_send_to_everyone(user):
            raise ValidationError({"audience": "Only staff can send a survey to everyone."})
    else:
        if course is None:
            raise ValidationError({"course": "Choose the course whose learners answer it."})
        if not (permissions.can_send_to_everyone(user) or permissions.is_course_staff(user, course)):
            raise ValidationError({"course": "You can attach surveys only to courses you teach."})


# =================================================================================================
# Personal data
# =================================================================================================
DELETED = "[deleted]"


def personal_data_anonymise_for_user(*, user) -> None:
    """Account deletion, community's part: texts the person wrote become "[deleted]" (threads keep
    their shape for the others), and support-ticket attachments go.

    Attachments deleted (rows now, files on commit): every attachment of the person's own tickets
    (whoever uploaded it: screenshots and documents about them) and every attachment they uploaded
    elsewhere.  Tickets keep their number, category and dates (support figures); the subject goes.
    Called by `reports.privacy.personal_data_delete` inside its transaction.
    """
    deleted_html = f"<p>{DELETED}</p>"
    with transaction.atomic():
        Review.objects.filter(author=user).update(body="", body_html="")
        DiscussionThread.objects.filter(author=user).update(title=DELETED, body=DELETED, body_html=deleted_html)
        ThreadReply.objects.filter(author=user).update(body=DELETED, body_html=deleted_html)
        Message.objects.filter(sender=user).update(body=DELETED, body_html=deleted_html)
        attachments = TicketAttachment.objects.filter(
            Q(message__ticket__requester=user) | Q(message__author=user)
        ).only("id", "file")
        file_delete_on_commit(*(a.file for a in attachments))
        TicketAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
        SupportTicket.objects.filter(requester=user).update(subject=DELETED, satisfaction_comment="")
        TicketMessage.objects.filter(author=user).update(body=DELETED, body_html=deleted_html)
        ContentFlag.objects.filter(flagger=user).update(details="")
