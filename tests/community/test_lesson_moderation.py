"""Flagged lessons: hidden automatically after N flags or by a moderator (the lesson is unpublished,
nothing is deleted), restored by a moderator or when the flags are dismissed."""

import pytest

from community import services
from community.models import FlaggedItem, ModerationAction
from courses.selectors import content_moderation_reason
from learning import services as learning_services
from tests.courses.factories import ContentFactory
from tests.factories import ModeratorFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(course):
    users = StudentFactory.create_batch(3)
    for user in users:
        learning_services.enrollment_create(user=user, course=course)
    return users


@pytest.fixture
def moderator_user():
    return ModeratorFactory()


def _flag_all(users, lesson):
    for user in users:
        services.flag_create(user=user, target=lesson, reason="copyright")


def test_a_lesson_is_hidden_automatically_after_the_threshold_and_dismissing_restores_it(
    settings, course, lesson, members, moderator_user
):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 3
    _flag_all(members[:2], lesson)
    lesson.refresh_from_db()
    assert lesson.is_published
    _flag_all(members[2:], lesson)
    lesson.refresh_from_db()
    assert not lesson.is_published and content_moderation_reason(lesson) == "flags"
    item = FlaggedItem.objects.get()
    assert ModerationAction.objects.filter(action="auto_hide", item=item).exists()
    services.moderation_dismiss(moderator=moderator_user, item=item, note="Our own material, licensed.")
    lesson.refresh_from_db()
    assert lesson.is_published and content_moderation_reason(lesson) is None


def test_a_moderator_hides_and_restores_a_lesson_and_nothing_is_lost(settings, course, lesson, members, moderator_user):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 10
    _flag_all(members[:1], lesson)
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
    _flag_all(members[:1], lesson)
    item = FlaggedItem.objects.get()
    services.moderation_hide(moderator=moderator_user, item=item, note="Confirmed: copied material.")
    lesson.refresh_from_db()
    assert not lesson.is_published and content_moderation_reason(lesson) == "moderator"
