"""Flags and moderation: anyone signed in who can see content may report it; N open flags hide it
automatically; moderators hide / restore / dismiss / mute from the admin queue with a required note;
nothing is destroyed; every action is logged and the reporters are told the outcome."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from community import services
from community.models import ContentFlag, DiscussionThread, FlaggedItem, ModerationAction, ThreadReply, UserMute
from courseworx.core.models import AuditLog
from learning import services as learning_services
from tests.community.factories import ReplyFactory, ReviewFactory, ThreadFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(course):
    users = StudentFactory.create_batch(4)
    for user in users:
        learning_services.enrollment_create(user=user, course=course)
    return users


@pytest.fixture
def thread(course, enrolled):
    return services.thread_create(user=enrolled, course=course, title="Buy cheap pills", body="spam spam")


def _flag(users, target, reason="spam"):
    return [services.flag_create(user=u, target=target, reason=reason) for u in users]


def test_auto_hide_after_threshold(settings, thread, members):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 3
    _flag(members[:2], thread)
    thread.refresh_from_db()
    assert not thread.is_hidden and thread.open_flag_count == 2
    _flag(members[2:3], thread)
    thread.refresh_from_db()
    assert thread.is_hidden and thread.hidden_reason == "flags" and thread.hidden_at
    item = FlaggedItem.objects.get()
    assert item.open_flag_count == 3 and item.status == "open"
    assert ModerationAction.objects.filter(action="auto_hide", item=item).exists()
    # Hidden for members, still there for the moderators and the instructor.
    assert DiscussionThread.objects.filter(pk=thread.pk).exists()


def test_hidden_thread_is_404_for_members_but_visible_to_instructor(client, settings, thread, members, instructor):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 1
    _flag(members[:1], thread)
    client.force_login(members[1])
    url = reverse("community:thread", kwargs={"thread_id": thread.pk})
    assert client.get(url).status_code == 404
    listing = client.get(reverse("community:course_discussions", kwargs={"slug": thread.course.slug}))
    assert b"Buy cheap pills" not in listing.content
    client.force_login(instructor)
    assert b"Hidden" in client.get(url).content


def test_cannot_flag_twice_or_own_content(thread, members, enrolled):
    _flag(members[:1], thread)
    with pytest.raises(ValidationError, match="already reported"):
        _flag(members[:1], thread)
    with pytest.raises(ValidationError, match="own content"):
        _flag([enrolled], thread)


def test_outsider_cannot_flag_what_they_cannot_see(thread, outsider):
    with pytest.raises(Http404):
        _flag([outsider], thread)


def test_anyone_signed_in_can_flag_a_review_and_a_lesson(course, outsider, lesson):
    review = ReviewFactory(enrollment__course=course)
    services.flag_create(user=outsider, target=review, reason="abuse")
    lesson.is_preview = True
    lesson.save()
    services.flag_create(user=outsider, target=lesson, reason="copyright")
    assert FlaggedItem.objects.count() == 2


def test_hide_then_restore_keeps_content_and_notifies(settings, thread, members, moderator):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 10
    _flag(members[:2], thread)
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
    _flag(members[:2], thread)
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
    _flag(members[:1], thread)
    services.moderation_mute(moderator=moderator, item=FlaggedItem.objects.get(), note="Spammer", days=3)
    assert UserMute.objects.filter(user=enrolled).exists()
    with pytest.raises(PermissionDenied):
        services.reply_create(user=enrolled, thread=thread, body="more spam")


def test_only_moderators_moderate(thread, members, instructor):
    _flag(members[:1], thread)
    with pytest.raises(PermissionDenied):
        services.moderation_hide(moderator=instructor, item=FlaggedItem.objects.get(), note="x")


def test_flag_page(client, thread, members):
    client.force_login(members[0])
    url = reverse("community:flag", kwargs={"kind": "thread", "object_id": thread.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam", "details": "ads", "next": "/"})
    assert response.status_code == 302
    assert ContentFlag.objects.filter(flagger=members[0]).exists()
    assert client.get(reverse("community:flag", kwargs={"kind": "nope", "object_id": thread.pk})).status_code == 404


# --- the admin queue ---------------------------------------------------------------------------
def test_queue_changelist_and_review_page(client, settings, thread, members, moderator, course):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 10
    reply = ReplyFactory(thread=thread, body="reply in context")
    _flag(members[:2], thread)
    services.flag_create(user=members[2], target=reply, reason="abuse")
    client.force_login(moderator)
    response = client.get(reverse("admin:community_flaggeditem_changelist"))
    assert response.status_code == 200
    assert b"Buy cheap pills" in response.content and b"reply in context" in response.content
    item = FlaggedItem.objects.get(object_id=str(reply.pk))
    page = client.get(reverse("admin:community_moderate", args=[item.pk]))
    assert page.status_code == 200
    assert b"reply in context" in page.content and b"Harassment" in page.content
    # A decision without a note is refused.
    response = client.post(reverse("admin:community_moderate", args=[item.pk]), {"action": "hide", "note": ""})
    assert response.status_code == 200
    reply.refresh_from_db()
    assert not reply.is_hidden
    response = client.post(reverse("admin:community_moderate", args=[item.pk]), {"action": "hide", "note": "Rude"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.is_hidden


def test_queue_bulk_action_asks_for_note(client, thread, members, moderator):
    _flag(members[:1], thread)
    item = FlaggedItem.objects.get()
    client.force_login(moderator)
    response = client.post(
        reverse("admin:community_flaggeditem_changelist"),
        {"action": "dismiss_selected", "_selected_action": [str(item.pk)]},
    )
    assert response.status_code == 302
    bulk_url = response["Location"]
    assert client.get(bulk_url).status_code == 200
    response = client.post(bulk_url, {"action": "dismiss", "note": "Fine"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "resolved"


@pytest.mark.parametrize("who", ["student", "instructor"])
def test_queue_is_for_moderators_only(client, who, student, instructor):
    client.force_login({"student": student, "instructor": instructor}[who])
    response = client.get(reverse("admin:community_flaggeditem_changelist"))
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("size", [2, 12])
def test_queue_constant_queries(client, course, moderator, members, size, django_assert_max_num_queries):
    for _ in range(size):
        services.flag_create(user=members[0], target=ThreadFactory(course=course), reason="spam")
        services.flag_create(user=members[1], target=ReplyFactory(thread__course=course), reason="abuse")
    client.force_login(moderator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("admin:community_flaggeditem_changelist"))
    assert response.status_code == 200
    cl = response.context["cl"]
    assert (cl.result_count, len(cl.result_list)) == (2 * size, 2 * size)  # every flagged thread and reply
