"""Flags and moderation (community.services.moderation): anyone signed in who can see content may
report it; N open flags hide it automatically; moderators hide / restore / dismiss / mute with a
required note; nothing is destroyed; every action is logged and the reporters are told the outcome.
Lessons are hidden by unpublishing them (the courses app's moderation interface), never deleted."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from community import services
from community.models import ContentFlag, DiscussionThread, FlaggedItem, ModerationAction, ThreadReply, UserMute
from courses.selectors import content_moderation_reason
from courseworx.core.models import AuditLog
from tests.community.factories import ReviewFactory
from tests.community.helpers import flag_all
from tests.courses.factories import ContentFactory
from tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def test_auto_hide_after_threshold(settings, thread, members):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 3
    flag_all(members[:2], thread)
    thread.refresh_from_db()
    assert not thread.is_hidden and thread.open_flag_count == 2
    flag_all(members[2:3], thread)
    thread.refresh_from_db()
    assert thread.is_hidden and thread.hidden_reason == "flags" and thread.hidden_at
    item = FlaggedItem.objects.get()
    assert item.open_flag_count == 3 and item.status == "open"
    assert ModerationAction.objects.filter(action="auto_hide", item=item).exists()
    # Hidden for members, still there for the moderators and the instructor.
    assert DiscussionThread.objects.filter(pk=thread.pk).exists()


def test_cannot_flag_twice_or_own_content(thread, members, enrolled):
    flag_all(members[:1], thread)
    with pytest.raises(ValidationError, match="already reported"):
        flag_all(members[:1], thread)
    with pytest.raises(ValidationError, match="own content"):
        flag_all([enrolled], thread)


def test_outsider_cannot_flag_what_they_cannot_see(thread, outsider):
    with pytest.raises(Http404):
        flag_all([outsider], thread)


def test_anyone_signed_in_can_flag_a_review_and_a_lesson(course, outsider, lesson):
    review = ReviewFactory(enrollment__course=course)
    services.flag_create(user=outsider, target=review, reason="abuse")
    lesson.is_preview = True
    lesson.save()
    services.flag_create(user=outsider, target=lesson, reason="copyright")
    assert FlaggedItem.objects.count() == 2


def test_hide_then_restore_keeps_content_and_notifies(settings, thread, members, moderator):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 10
    flag_all(members[:2], thread)
    item = FlaggedItem.objects.get()
    with pytest.raises(ValidationError, match="note"):
        services.moderation_hide(moderator=moderator, item=item, note="  ")
    services.moderation_hide(moderator=moderator, item=item, note="Advertising")
    thread.refresh_from_db()
    assert thread.is_hidden and thread.hidden_reason == "moderator"
    assert thread.title == "Buy cheap pills" and thread.body == "spam spam"  # nothing destroyed
    assert set(ContentFlag.objects.values_list("status", flat=True)) == {"upheld"}
    item.refresh_from_db()
    assert item.status == "resolved" and item.open_flag_count == 0
    for user in members[:2]:
        assert user.notifications.filter(category="moderation", title__contains="hidden").exists()
    services.moderation_restore(moderator=moderator, item=item, note="On second thought, fine")
    thread.refresh_from_db()
    assert not thread.is_hidden and thread.hidden_at is None and thread.body == "spam spam"
    log = list(ModerationAction.objects.filter(item=item).order_by("created_at").values_list("action", "moderator"))
    assert log == [("hide", moderator.pk), ("restore", moderator.pk)]
    assert AuditLog.objects.filter(action="community.moderation_hide", actor=moderator, reason="Advertising").exists()


def test_dismiss_restores_auto_hidden(settings, thread, members, moderator):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 2
    flag_all(members[:2], thread)
    thread.refresh_from_db()
    assert thread.is_hidden
    services.moderation_dismiss(moderator=moderator, item=FlaggedItem.objects.get(), note="Not spam")
    thread.refresh_from_db()
    assert not thread.is_hidden
    assert set(ContentFlag.objects.values_list("status", flat=True)) == {"dismissed"}
    assert members[0].notifications.filter(category="moderation", title__contains="stays visible").exists()


def test_hidden_review_leaves_the_rating(settings, course, members, moderator):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 1
    services.review_save(user=members[0], course=course, rating=1, body="awful")
    services.review_save(user=members[1], course=course, rating=5, body="great")
    course.refresh_from_db()
    assert course.rating == Decimal("3.00")
    review = members[0].course_reviews.get()
    services.flag_create(user=members[2], target=review, reason="abuse")
    course.refresh_from_db()
    assert (course.rating, course.rating_count) == (Decimal("5.00"), 1)
    services.moderation_restore(moderator=moderator, item=FlaggedItem.objects.get(), note="ok")
    course.refresh_from_db()
    assert (course.rating, course.rating_count) == (Decimal("3.00"), 2)


def test_hidden_reply_leaves_count(settings, thread, members):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 1
    reply = services.reply_create(user=members[0], thread=thread, body="rude")
    services.flag_create(user=members[1], target=reply, reason="abuse")
    thread.refresh_from_db()
    assert thread.reply_count == 0
    assert ThreadReply.objects.filter(pk=reply.pk, is_hidden=True).exists()


def test_mute_author(thread, members, moderator, enrolled):
    flag_all(members[:1], thread)
    services.moderation_mute(moderator=moderator, item=FlaggedItem.objects.get(), note="Spammer", days=3)
    assert UserMute.objects.filter(user=enrolled).exists()
    with pytest.raises(PermissionDenied):
        services.reply_create(user=enrolled, thread=thread, body="more spam")


def test_only_moderators_moderate(thread, members, instructor):
    flag_all(members[:1], thread)
    with pytest.raises(PermissionDenied):
        services.moderation_hide(moderator=instructor, item=FlaggedItem.objects.get(), note="x")


# --- lessons --------------------------------------------------------------------------------------
@pytest.fixture
def moderator_user():
    return ModeratorFactory()


def test_a_lesson_is_hidden_automatically_after_the_threshold_and_dismissing_restores_it(
    settings, course, lesson, members, moderator_user
):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 3
    flag_all(members[:2], lesson, reason="copyright")
    lesson.refresh_from_db()
    assert lesson.is_published
    flag_all(members[2:3], lesson, reason="copyright")
    lesson.refresh_from_db()
    assert not lesson.is_published and content_moderation_reason(lesson) == "flags"
    item = FlaggedItem.objects.get()
    assert ModerationAction.objects.filter(action="auto_hide", item=item).exists()
    services.moderation_dismiss(moderator=moderator_user, item=item, note="Our own material, licensed.")
    lesson.refresh_from_db()
    assert lesson.is_published and content_moderation_reason(lesson) is None


def test_a_moderator_hides_and_restores_a_lesson_and_nothing_is_lost(settings, course, lesson, members, moderator_user):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 10
    flag_all(members[:1], lesson, reason="copyright")
    item = FlaggedItem.objects.get()
    services.moderation_hide(moderator=moderator_user, item=item, note="Copied from a paid book.")
    lesson.refresh_from_db()
    assert not lesson.is_published and content_moderation_reason(lesson) == "moderator"
    assert lesson.title  # still there
    services.moderation_restore(moderator=moderator_user, item=item, note="The author showed a licence.")
    lesson.refresh_from_db()
    assert lesson.is_published


def test_restoring_never_publishes_a_lesson_its_author_had_unpublished(course, members, moderator_user):
    draft = ContentFactory(section=course.sections.first(), order=5, is_published=True, is_preview=True)
    services.flag_create(user=members[0], target=draft, reason="other")
    item = FlaggedItem.objects.get()
    draft.is_published = False  # the author takes it down while the flag is open
    draft.save(update_fields=["is_published"])
    services.moderation_restore(moderator=moderator_user, item=item, note="Nothing wrong.")
    draft.refresh_from_db()
    assert not draft.is_published


def test_a_moderator_upholding_an_auto_hidden_lesson_becomes_the_reason(
    settings, course, lesson, members, moderator_user
):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 1
    flag_all(members[:1], lesson, reason="copyright")
    item = FlaggedItem.objects.get()
    services.moderation_hide(moderator=moderator_user, item=item, note="Confirmed: copied material.")
    lesson.refresh_from_db()
    assert not lesson.is_published and content_moderation_reason(lesson) == "moderator"
