"""The community API (community/api/): same permissions as the pages, JSON errors, and every list at the
same number of queries at two list sizes."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from community import services
from community.models import Conversation, DiscussionThread, FlaggedItem, Review, SupportTicket, Survey
from learning import services as learning_services
from tests.community.factories import ReplyFactory, SurveyFactory, SurveyQuestionFactory, ThreadFactory, TicketFactory
from tests.core.factories import NotificationFactory
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(name, *args):
    return reverse(f"api:community-{name}", args=args)


def test_anonymous_is_401():
    assert api().get(url("notification-list")).status_code in (401, 403)


def test_notifications_read_and_preferences(student):
    NotificationFactory.create_batch(3, user=student)
    client = api(student)
    assert client.get(url("notification-list")).json()["count"] == 3
    assert client.get(url("notification-unread")).json() == {"unread": 3}
    assert client.post(url("notification-read"), {}, format="json").json() == {"marked": 3, "unread": 0}
    response = client.put(url("notification-prefs"), [{"category": "discussion", "channel": "daily"}], format="json")
    assert {p["category"]: p["channel"] for p in response.json()}["discussion"] == "daily"
    bad = client.put(url("notification-prefs"), [{"category": "discussion", "channel": "hourly"}], format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_choice"


def test_threads_members_only(course, enrolled, outsider, instructor):
    client = api(enrolled)
    response = client.post(url("course-threads", course.slug), {"title": "Q", "body": "<script>x</script>hi"},
                           format="json")  # fmt: skip
    assert response.status_code == 201
    thread_id = response.json()["id"]
    assert "<script" not in response.json()["body_html"]
    assert client.get(url("course-threads", course.slug)).json()["count"] == 1
    assert client.post(url("thread-replies", thread_id), {"body": "me"}, format="json").status_code == 201
    stranger = api(outsider)
    assert stranger.get(url("course-threads", course.slug)).status_code == 404
    assert stranger.get(url("thread", thread_id)).status_code == 404
    assert stranger.get(url("thread-replies", thread_id)).status_code == 404
    assert stranger.post(url("thread-replies", thread_id), {"body": "x"}, format="json").status_code == 404
    # pin: students 403, instructors yes
    assert client.patch(url("thread", thread_id), {"is_pinned": True}, format="json").status_code == 403
    assert api(instructor).patch(url("thread", thread_id), {"is_pinned": True}, format="json").json()["is_pinned"]
    assert client.delete(url("thread-sub", thread_id)).json() == {"subscribed": False}


def test_reviews_api(course, enrolled, outsider):
    assert (
        api(enrolled).post(url("course-reviews", course.slug), {"rating": 5, "body": "ok"}, format="json").status_code
        == 201
    )
    assert api(outsider).post(url("course-reviews", course.slug), {"rating": 5}, format="json").status_code == 403
    assert api().get(url("course-reviews", course.slug)).json()["count"] == 1


def test_flags_and_moderation_api(settings, course, enrolled, moderator):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 1
    thread = ThreadFactory(course=course)
    response = api(enrolled).post(url("flag-create"), {"kind": "thread", "object_id": str(thread.pk),
                                                       "reason": "spam"}, format="json")  # fmt: skip
    assert response.status_code == 201
    thread.refresh_from_db()
    assert thread.is_hidden
    assert api(enrolled).get(url("moderation-queue")).status_code == 403
    queue = api(moderator).get(url("moderation-queue")).json()
    assert queue["count"] == 1 and queue["results"][0]["is_hidden"]
    item = FlaggedItem.objects.get()
    assert (
        api(moderator).post(url("moderation-decide", item.pk), {"action": "dismiss"}, format="json").status_code == 400
    )
    response = api(moderator).post(
        url("moderation-decide", item.pk), {"action": "dismiss", "note": "ok"}, format="json"
    )
    assert response.status_code == 200 and not response.json()["is_hidden"]


def test_tickets_api(student, outsider, support):
    response = api(student).post(url("tickets"), {"subject": "Help", "body": "Please"}, format="multipart")
    assert response.status_code == 201
    number = response.json()["number"]
    assert api(outsider).get(url("ticket", number)).status_code == 404
    assert api(student).post(url("ticket-status", number), {"status": "resolved"}, format="json").status_code == 403
    closed = api(support).post(url("ticket-status", number), {"status": "closed"}, format="json")
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "invalid_transition"
    assert api(support).post(url("ticket-messages", number), {"body": "Hi"}, format="multipart").status_code == 201
    assert api(support).post(url("ticket-status", number), {"status": "resolved"}, format="json").status_code == 200
    assert api(student).post(url("ticket-rate", number), {"rating": 4}, format="json").json()["satisfaction"] == 4
    assert api(student).post(url("ticket-assign", number), {"assignee": None}, format="json").status_code == 403
    assert api(support).get(url("tickets") + "?queue=1").json()["count"] == 1
    assert api(outsider).get(url("tickets") + "?queue=1").json()["count"] == 0


def test_messages_api(course, enrolled, instructor, outsider):
    response = api(enrolled).post(url("conversations"), {"user": str(instructor.pk)}, format="json")
    assert response.status_code == 201
    cid = response.json()["id"]
    assert api(enrolled).post(url("conversation-messages", cid), {"body": "hi"}, format="json").status_code == 201
    assert api(instructor).get(url("conversations")).json()["results"][0]["unread"] == 1
    assert api(outsider).get(url("conversation-messages", cid)).status_code == 404
    assert api(outsider).post(url("conversations"), {"user": str(instructor.pk)}, format="json").status_code == 403


def test_surveys_api(course, enrolled, instructor, outsider):
    survey = SurveyFactory(audience="course", course=course)
    question = SurveyQuestionFactory(survey=survey, kind="rating")
    assert api(enrolled).get(url("surveys")).json()["count"] == 1
    assert api(outsider).get(url("survey", survey.pk)).status_code == 404
    body = {"answers": {str(question.pk): "5"}}
    assert api(enrolled).post(url("survey-respond", survey.pk), body, format="json").status_code == 201
    assert api(enrolled).post(url("survey-respond", survey.pk), body, format="json").status_code == 400
    assert api(enrolled).get(url("survey-results", survey.pk)).status_code == 404
    assert api(instructor).get(url("survey-results", survey.pk)).json()[0]["average"] == 5.0


def test_list_apis_same_queries_at_two_sizes(settings, course, enrolled, instructor, support, moderator):
    """Every list API of the app, each at the same number of queries with SMALL and LARGE rows."""
    settings.COMMUNITY_POST_RATE_LIMIT = 0
    replied = ThreadFactory(course=course)  # the thread whose replies are listed
    talk = services.conversation_start(user=enrolled, other=instructor)  # the conversation whose messages are listed
    flagged: set = set()

    def load(n: int) -> dict:
        ThreadFactory.create_batch(n - DiscussionThread.objects.filter(course=course).count(), course=course)
        for thread in DiscussionThread.objects.filter(course=course).exclude(pk__in=flagged):
            services.flag_create(user=enrolled, target=thread, reason="spam")
            flagged.add(thread.pk)
        ReplyFactory.create_batch(n - replied.replies.count(), thread=replied)
        for _ in range(n - SupportTicket.objects.count()):
            TicketFactory(requester=enrolled)
        for _ in range(n - Review.objects.filter(course=course).count()):
            other = StudentFactory()
            learning_services.enrollment_create(user=other, course=course)
            services.review_save(user=other, course=course, rating=4)
        for _ in range(n - Conversation.objects.filter(instructor=instructor).count()):
            other = StudentFactory()
            learning_services.enrollment_create(user=other, course=course)
            services.message_send(user=other, conversation=services.conversation_start(user=other, other=instructor),
                                  body="x")  # fmt: skip
        for i in range(n - talk.messages.count()):
            services.message_send(user=enrolled if i % 2 == 0 else instructor, conversation=talk, body=f"m{i}")
        SurveyFactory.create_batch(n - Survey.objects.count(), audience="course", course=course)
        # last: the messages above notified `enrolled` too
        NotificationFactory.create_batch(n - enrolled.notifications.count(), user=enrolled)
        checks = {  # list: (user, path)
            "threads": (enrolled, url("course-threads", course.slug)),
            "replies": (enrolled, url("thread-replies", replied.pk)),
            "notifications": (enrolled, url("notification-list")),
            "reviews": (None, url("course-reviews", course.slug)),
            "moderation queue": (moderator, url("moderation-queue") + "?status=open"),
            "ticket queue": (support, url("tickets") + "?queue=1"),
            "own tickets": (enrolled, url("tickets")),
            "conversations": (instructor, url("conversations")),
            "messages": (enrolled, url("conversation-messages", talk.pk)),
            "surveys": (enrolled, url("surveys")),
        }
        counts = {}
        for name, (user, path) in checks.items():
            client = api(user)
            response, counts[name] = count_queries(lambda client=client, path=path: client.get(path))
            assert response.status_code == 200, name
            assert (response.data["count"], len(response.data["results"])) == (n, n), name  # the rows are listed
        return counts

    assert_same_queries_at_two_sizes(load)
