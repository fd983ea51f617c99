"""Moderation of lessons (called by community when a flagged lesson is hidden or restored).

This is the lower layer's interface: community calls these; courses never imports community.
Why a lesson is hidden is a read: `courses.selectors.content_moderation_reason`.
"""

from django.db import transaction

from ..models import CourseContent
from ..selectors import MODERATION_KEY


@transaction.atomic
def content_moderation_hide(*, content_id, reason: str) -> bool:
    """Take a published lesson out of the course (unpublish it), remembering that moderation did it.

    Nothing is deleted; `content_moderation_restore` puts it back.  A lesson its authors had already
    unpublished is left alone; one moderation already hid only gets the new reason.  True when the
    lesson was hidden now.
    """
    content = CourseContent.objects.select_for_update().get(pk=content_id)
    if not content.is_published:
        if (content.metadata or {}).get(MODERATION_KEY) not in (None, reason):  # already hidden: new reason
            content.metadata = {**content.metadata, MODERATION_KEY: reason}
            content.save(update_fields=["metadata", "updated_at"])
        return False
    content.is_published = False
    content.metadata = {**(content.metadata or {}), MODERATION_KEY: reason}
    content.save(update_fields=["is_published", "metadata", "updated_at"])
    return True


@transaction.atomic
def content_moderation_restore(*, content_id, only_reason: str | None = None) -> bool:
    """Publish again a lesson that moderation hid (optionally only when hidden for `only_reason`)."""
    content = CourseContent.objects.select_for_update().get(pk=content_id)
    reason = (content.metadata or {}).get(MODERATION_KEY)
    if reason is None or (only_reason is not None and reason != only_reason):
        return False
    content.is_published = True
    content.metadata = {k: v for k, v in content.metadata.items() if k != MODERATION_KEY}
    content.save(update_fields=["is_published", "metadata", "updated_at"])
    return True
