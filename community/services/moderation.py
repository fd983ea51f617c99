"""Flags and moderation: anyone who can see content may flag it; `COMMUNITY_FLAG_HIDE_THRESHOLD` open
flags hide it until a moderator looks; moderators hide / restore / dismiss / mute with a required note.

Nothing is deleted: threads, replies and reviews are soft-hidden (`ModeratedContent.is_hidden`), lessons
are unpublished through the courses app's moderation interface.  Every decision writes a
`ModerationAction` and an audit row, and tells the flaggers the outcome.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeGuard

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, Model, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import CourseContent
from courses.services import content_moderation_hide, content_moderation_restore
from courseworx.core.live_settings import setting_value
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from learning import services as learning_services

from .. import permissions
from ..models import (
    ContentFlag,
    DiscussionThread,
    FlaggedItem,
    ModeratedContent,
    ModerationAction,
    Review,
    ThreadReply,
    UserMute,
)
from ..selectors import FlagTarget, flag_target_author_id, flag_target_course
from .guards import mute_until, user_mute_create
from .reviews import review_rating_refresh


# --- flags ---------------------------------------------------------------------------------------
def _check_flag(*, user: User, target: FlagTarget) -> None:
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to report content."))
    if not permissions.can_see_flag_target(user, target):
        raise Http404(_("No such content."))
    if flag_target_author_id(target) == user.pk:
        raise ValidationError(_("You cannot report your own content."), code="own_content")


def _hide_target(target: Model, *, reason: str, now: datetime) -> bool:
    """Soft delete (conditional UPDATE; True when it was visible).  Lessons: the courses app unpublishes them."""

    if isinstance(target, CourseContent):
        return content_moderation_hide(content_id=target.pk, reason=reason)
    model = type(target)
    if not issubclass(model, ModeratedContent):
        return False
    changed = model._default_manager.filter(pk=target.pk, is_hidden=False).update(
        is_hidden=True, hidden_reason=reason, hidden_at=now
    )
    if changed:
        _visibility_changed(target, hidden=True)
    return bool(changed)


def _restore_target(target: Model, *, only_reason: str | None = None) -> bool:
    if isinstance(target, CourseContent):
        return content_moderation_restore(content_id=target.pk, only_reason=only_reason)
    model = type(target)
    if not issubclass(model, ModeratedContent):
        return False
    changed = model._default_manager.filter(pk=target.pk, is_hidden=True).update(
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


def _visibility_changed(target: Model, *, hidden: bool) -> None:
    """Keep what depends on visibility right: the course rating, a thread's visible reply count."""
    if isinstance(target, Review):
        review_rating_refresh(course_id=target.course_id)
        if hidden:  # its points are taken back, and given again if a moderator restores it
            learning_services.points_review_removed(user_id=target.author_id, review_id=target.pk)
        else:
            learning_services.points_review_posted(
                user_id=target.author_id, review_id=target.pk, course_id=target.course_id
            )
    elif isinstance(target, ThreadReply):
        _thread_reply_count_refresh(target.thread_id)
        if hidden:
            unaccepted = DiscussionThread.objects.filter(pk=target.thread_id, accepted_reply_id=target.pk).update(
                accepted_reply=None
            )
            if unaccepted:
                learning_services.points_answer_unaccepted(user_id=target.author_id, reply_id=target.pk)


@transaction.atomic
def flag_create(*, user: User, target: FlagTarget, reason: str, details: str = "") -> ContentFlag:
    """Report content (a thread, reply, review or lesson: `selectors.flag_target_get`).  With
    COMMUNITY_FLAG_HIDE_THRESHOLD open flags it is hidden until reviewed."""
    _check_flag(user=user, target=target)
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(type(target))
    course = flag_target_course(target)
    item, _created = FlaggedItem.objects.get_or_create(
        content_type=content_type,
        object_id=str(target.pk),
        defaults={"course": course, "author_id": flag_target_author_id(target)},
    )
    if ContentFlag.objects.filter(item=item, flagger=user, status=ContentFlag.Status.OPEN).exists():
        raise ValidationError(_("You have already reported this; a moderator will look at it."), code="duplicate")
    flag = ContentFlag(item=item, flagger=user, reason=reason, details=details.strip())
    flag.full_clean()
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already reported this; a moderator will look at it."), code="duplicate"
        ) from exc
    # Counters in SQL: concurrent flags never lose an increment.
    FlaggedItem.objects.filter(pk=item.pk).update(
        open_flag_count=F("open_flag_count") + 1, status=FlaggedItem.Status.OPEN, last_flagged_at=now, resolved_at=None
    )
    model = type(target)
    if issubclass(model, ModeratedContent):
        model.objects.filter(pk=target.pk).update(open_flag_count=F("open_flag_count") + 1)
        threshold = int(setting_value("COMMUNITY_FLAG_HIDE_THRESHOLD"))
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
        threshold = int(setting_value("COMMUNITY_FLAG_HIDE_THRESHOLD"))
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


def _is_lesson(target: Model | None) -> TypeGuard[CourseContent]:
    return isinstance(target, CourseContent)


# --- moderation ----------------------------------------------------------------------------------
MODERATION_OUTCOMES: dict[str, str] = {
    ModerationAction.Action.HIDE: "was hidden by a moderator",
    ModerationAction.Action.RESTORE: "was reviewed and stays visible",
    ModerationAction.Action.DISMISS: "was reviewed and stays visible",
}


def _check_moderate(*, moderator: User, note: str) -> None:
    if not permissions.can_moderate(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    if not (note or "").strip():
        raise ValidationError({"note": "A resolution note is required."}, code="required")


def _lock_item(item: FlaggedItem) -> FlaggedItem:
    return FlaggedItem.objects.select_for_update().select_related("content_type").get(pk=item.pk)


def _resolve_item(*, item: FlaggedItem, moderator: User, action: str, note: str, flag_status: str) -> list[ContentFlag]:
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
        model._default_manager.filter(pk=item.object_id).update(open_flag_count=0)
    outcome = MODERATION_OUTCOMES.get(action, "was reviewed")
    for flagger in {f.flagger for f in open_flags}:
        notification_create(
            user=flagger,
            category=Notification.Category.MODERATION,
            title=f"Your report was reviewed: the content {outcome}",
            body=note,
        )
    return open_flags


def _log(
    *, moderator: User, action: str, item: FlaggedItem, note: str, target_user_id=None, details: dict | None = None
) -> None:
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
def moderation_hide(*, moderator: User, item: FlaggedItem, note: str) -> FlaggedItem:
    """Hide the content (soft delete), uphold its open flags, tell the flaggers."""
    _check_moderate(moderator=moderator, note=note)
    item = _lock_item(item)
    target = item.target
    if target is None or not (isinstance(target, ModeratedContent) or _is_lesson(target)):
        raise ValidationError(_("This content cannot be hidden."))
    _hide_target(target, reason=ModeratedContent.HiddenReason.MODERATOR, now=timezone.now())
    if not _is_lesson(target):  # already hidden by flags: the moderator's decision is the reason now
        type(target).objects.filter(pk=target.pk).update(hidden_reason=ModeratedContent.HiddenReason.MODERATOR)
    flags = _resolve_item(item=item, moderator=moderator, action="hide", note=note,
                          flag_status=ContentFlag.Status.UPHELD)  # fmt: skip
    _log(moderator=moderator, action=ModerationAction.Action.HIDE, item=item, note=note,
         details={"flags": len(flags)})  # fmt: skip
    return item


@transaction.atomic
def moderation_restore(*, moderator: User, item: FlaggedItem, note: str) -> FlaggedItem:
    """Make hidden content visible again; open flags are dismissed."""
    _check_moderate(moderator=moderator, note=note)
    item = _lock_item(item)
    target = item.target
    if target is None or not (isinstance(target, ModeratedContent) or _is_lesson(target)):
        raise ValidationError(_("Only hidden threads, replies, reviews and lessons can be restored."))
    _restore_target(target)
    flags = _resolve_item(item=item, moderator=moderator, action="restore", note=note,
                          flag_status=ContentFlag.Status.DISMISSED)  # fmt: skip
    _log(moderator=moderator, action=ModerationAction.Action.RESTORE, item=item, note=note,
         details={"flags": len(flags)})  # fmt: skip
    return item


@transaction.atomic
def moderation_dismiss(*, moderator: User, item: FlaggedItem, note: str) -> FlaggedItem:
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
def moderation_mute(*, moderator: User, item: FlaggedItem, note: str, days: int) -> UserMute:
    """Mute the content's author from posting for `days` days (flags stay open)."""
    _check_moderate(moderator=moderator, note=note)
    item = _lock_item(item)
    author = item.author
    if author is None:
        raise ValidationError(_("This content has no author to mute."))
    if not 1 <= int(days) <= 365:
        raise ValidationError({"days": "Mute for 1 to 365 days."})
    mute = user_mute_create(user=author, until=mute_until(int(days)), reason=note, by=moderator)
    _log(moderator=moderator, action=ModerationAction.Action.MUTE, item=item, note=note,
         details={"days": int(days), "until": mute.until.isoformat()})  # fmt: skip
    notification_create(
        user=author,
        category=Notification.Category.MODERATION,
        title=f"You cannot post until {timezone.localtime(mute.until):%d %b %Y}",
        body=f"A moderator muted you: {note}",
    )
    return mute
