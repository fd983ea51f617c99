"""Discussions (community.services.discussions): members only, replies, pin/lock/accept by the right
people, subscriptions and notifications, sanitising."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from community import services
from community.models import ThreadSubscription
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
