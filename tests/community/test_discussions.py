"""Discussions: members only (pages 404 for outsiders), replies, pin/lock/accept by the right
people, subscriptions and notifications, mutes and the rate limit, sanitising, paging."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import DiscussionThread, ThreadSubscription, UserMute
from courseworx.core.models import Notification
from tests.community.factories import ReplyFactory, ThreadFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_member_starts_thread_and_instructor_is_notified(course, enrolled, instructor, lesson):
    thread = services.thread_create(user=enrolled, course=course, title="Loops?", body="How?", lesson=lesson)
    assert thread.lesson == lesson
    assert ThreadSubscription.objects.filter(thread=thread, user=enrolled).exists()
    assert instructor.notifications.filter(category="discussion").count() == 1


def test_outsider_cannot_post_or_read(client, course, outsider):
    with pytest.raises(Http404):
        services.thread_create(user=outsider, course=course, title="Hi", body="x")
    thread = ThreadFactory(course=course)
    client.force_login(outsider)
    assert client.get(reverse("community:course_discussions", kwargs={"slug": course.slug})).status_code == 404
    assert client.get(reverse("community:thread", kwargs={"thread_id": thread.pk})).status_code == 404
    assert client.post(reverse("community:thread", kwargs={"thread_id": thread.pk}), {"body": "x"}).status_code == 404


def test_anonymous_is_sent_to_login(client, course):
    response = client.get(reverse("community:course_discussions", kwargs={"slug": course.slug}))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_dropped_student_loses_access(client, course, student):
    EnrollmentFactory(user=student, course=course, status="dropped")
    client.force_login(student)
    assert client.get(reverse("community:course_discussions", kwargs={"slug": course.slug})).status_code == 404


def test_html_and_js_are_neutralised(course, enrolled):
    thread = services.thread_create(
        user=enrolled,
        course=course,
        title="<b>Title</b>",
        body='<script>alert("x")</script><img src=x onerror="alert(1)">'
        '<a href="javascript:alert(1)" onclick="x()">l</a>',
    )
    for bad in ("<script", "alert(", "onerror", "onclick", "javascript:", "<img"):
        assert bad not in thread.body_html
    reply = services.reply_create(user=enrolled, thread=thread, body="<iframe src='//evil'></iframe>**ok**")
    assert "<iframe" not in reply.body_html and "<strong>ok</strong>" in reply.body_html


def test_page_escapes_title(client, course, enrolled):
    thread = services.thread_create(user=enrolled, course=course, title="<script>alert(1)</script>", body="x")
    client.force_login(enrolled)
    content = client.get(reverse("community:thread", kwargs={"thread_id": thread.pk})).content
    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;" in content


def test_muted_user_cannot_post(course, enrolled, moderator):
    thread = services.thread_create(user=enrolled, course=course, title="T", body="B")
    services.user_mute_create(user=enrolled, until=timezone.now() + timedelta(days=1), reason="spam", by=moderator)
    with pytest.raises(PermissionDenied, match="cannot post"):
        services.thread_create(user=enrolled, course=course, title="T2", body="B")
    with pytest.raises(PermissionDenied):
        services.reply_create(user=enrolled, thread=thread, body="x")
    with pytest.raises(PermissionDenied):
        services.review_save(user=enrolled, course=course, rating=5)


def test_expired_mute_allows_posting(course, enrolled, moderator):
    UserMute.objects.create(
        user=enrolled, until=timezone.now() - timedelta(minutes=1), reason="old", muted_by=moderator
    )
    services.thread_create(user=enrolled, course=course, title="T", body="B")


def test_muted_user_sees_error_on_page(client, course, enrolled, moderator):
    thread = ThreadFactory(course=course)
    services.user_mute_create(user=enrolled, until=timezone.now() + timedelta(days=1), reason="spam", by=moderator)
    client.force_login(enrolled)
    response = client.post(reverse("community:thread", kwargs={"thread_id": thread.pk}), {"body": "hello"})
    assert response.status_code == 200
    assert b"cannot post until" in response.content
    assert not thread.replies.exists()


def test_rate_limit(settings, course, enrolled):
    settings.COMMUNITY_POST_RATE_LIMIT = 2
    thread = services.thread_create(user=enrolled, course=course, title="T", body="B")
    services.reply_create(user=enrolled, thread=thread, body="1")
    with pytest.raises(ValidationError, match="too fast"):
        services.reply_create(user=enrolled, thread=thread, body="2")


def test_reply_notifies_subscribers_not_author(course, enrolled, instructor, django_capture_on_commit_callbacks):
    thread = services.thread_create(user=enrolled, course=course, title="T", body="B")
    other = StudentFactory()
    EnrollmentFactory(user=other, course=course)
    services.thread_subscribe(user=other, thread=thread, subscribed=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(user=instructor, thread=thread, body="Answer")
    assert enrolled.notifications.filter(category="discussion", title__contains="replied").count() == 1
    assert other.notifications.filter(category="discussion").count() == 1
    assert not instructor.notifications.filter(title__contains="replied").exists()
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_unsubscribed_gets_nothing(course, enrolled, instructor, django_capture_on_commit_callbacks):
    thread = services.thread_create(user=enrolled, course=course, title="T", body="B")
    services.thread_subscribe(user=enrolled, thread=thread, subscribed=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(user=instructor, thread=thread, body="Answer")
    assert not Notification.objects.filter(user=enrolled, title__contains="replied").exists()


def test_pin_lock_by_instructor_only(client, course, enrolled, instructor):
    thread = services.thread_create(user=enrolled, course=course, title="T", body="B")
    with pytest.raises(PermissionDenied):
        services.thread_set_flags(user=enrolled, thread=thread, pinned=True)
    client.force_login(instructor)
    client.post(reverse("community:thread_action", args=[thread.pk, "pin"]))
    client.post(reverse("community:thread_action", args=[thread.pk, "lock"]))
    thread.refresh_from_db()
    assert thread.is_pinned and thread.is_locked
    with pytest.raises(ValidationError, match="locked"):
        services.reply_create(user=enrolled, thread=thread, body="x")
    services.reply_create(user=instructor, thread=thread, body="still can")


def test_accept_answer(course, enrolled, instructor):
    thread = services.thread_create(user=enrolled, course=course, title="T", body="B")
    reply = services.reply_create(user=instructor, thread=thread, body="A")
    other = StudentFactory()
    EnrollmentFactory(user=other, course=course)
    with pytest.raises(PermissionDenied):
        services.thread_accept_answer(user=other, thread=thread, reply=reply)
    services.thread_accept_answer(user=enrolled, thread=thread, reply=reply)
    thread.refresh_from_db()
    assert thread.accepted_reply == reply
    foreign = ReplyFactory(thread=ThreadFactory(course=course))
    with pytest.raises(ValidationError):
        services.thread_accept_answer(user=enrolled, thread=thread, reply=foreign)


def test_pages_work_for_member(client, course, enrolled, lesson):
    client.force_login(enrolled)
    url = reverse("community:thread_new", kwargs={"slug": course.slug})
    response = client.post(url, {"title": "Help", "body": "Please", "lesson": lesson.pk})
    thread = DiscussionThread.objects.get()
    assert response["Location"] == reverse("community:thread", kwargs={"thread_id": thread.pk})
    response = client.post(response["Location"], {"body": "self-reply"})
    assert response.status_code == 302
    assert (
        client.get(
            reverse("community:course_discussions", kwargs={"slug": course.slug}) + f"?lesson={lesson.pk}"
        ).status_code
        == 200
    )
    assert (
        b"Help" in client.get(reverse("community:course_discussions", kwargs={"slug": course.slug}) + "?q=hel").content
    )


def test_paging(client, course, enrolled):
    ThreadFactory.create_batch(25, course=course)
    client.force_login(enrolled)
    url = reverse("community:course_discussions", kwargs={"slug": course.slug})
    assert b"Page 1 of 2" in client.get(url).content
    assert client.get(url + "?page=2").context["page"].object_list.__len__() == 5


@pytest.mark.parametrize("size", [3, 30])
def test_list_and_thread_constant_queries(client, course, enrolled, size, django_assert_max_num_queries):
    threads = ThreadFactory.create_batch(size, course=course)
    ReplyFactory.create_batch(size, thread=threads[0])
    client.force_login(enrolled)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("community:course_discussions", kwargs={"slug": course.slug}))
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (size, min(size, 20))  # the threads are listed
    with django_assert_max_num_queries(14):
        response = client.get(reverse("community:thread", kwargs={"thread_id": threads[0].pk}))
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (size, min(size, 20))  # the replies are listed
