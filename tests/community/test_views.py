"""The community pages (community/views.py), section by section as in the module: notifications,
reviews, discussions, flags, tickets, messages, surveys.  Who may see what (404 for outsiders),
forms and errors on the page, escaping, and the query-count rule for every list page: the same
number of queries at two list sizes (tests.community.helpers)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import ContentFlag, Conversation, DiscussionThread, Review, SupportTicket, Survey
from courseworx.core import notifications as notification_services
from courseworx.core.models import Notification, NotificationPreference
from learning import services as learning_services
from tests.community.factories import ReplyFactory, SurveyFactory, SurveyQuestionFactory, ThreadFactory, TicketFactory
from tests.community.helpers import (
    PNG,
    flag_all,
    open_ticket,
    png_file,
    survey_answers,
)
from tests.core.factories import NotificationFactory
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db

CAT = Notification.Category.DISCUSSION


# --- notifications --------------------------------------------------------------------------------
def test_unsubscribe_link_get_confirms_post_turns_off(client, student):
    token = notification_services.unsubscribe_token_make(user=student, category=CAT)
    url = reverse("community:unsubscribe", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert b"Stop these e-mails?" in response.content
    assert not NotificationPreference.objects.filter(user=student).exists()  # GET changes nothing
    response = client.post(url)  # no login, no CSRF token (one-click)
    assert response.status_code == 200
    assert notification_services.notification_channel_get(user=student, category=CAT) == "off"


def test_unsubscribe_forged_token_is_refused(client, student):
    token = notification_services.unsubscribe_token_make(user=student, category=CAT)
    response = client.post(reverse("community:unsubscribe", kwargs={"token": token[:-3] + "abc"}))
    assert response.status_code == 400
    assert not NotificationPreference.objects.filter(user=student).exists()


def test_bell_shows_unread_count_accessibly(student_client, student):
    NotificationFactory.create_batch(3, user=student)
    NotificationFactory(user=student, read_at="2026-01-01T00:00:00Z")
    response = student_client.get(reverse("community:notification_bell"))
    assert b'aria-label="Notifications: 3 unread"' in response.content
    page = student_client.get("/")
    assert b'hx-get="/notifications/bell/"' in page.content


def test_bell_anonymous_is_empty(client):
    assert client.get(reverse("community:notification_bell")).status_code == 204


def test_mark_read_htmx_and_only_own(student_client, student, outsider):
    mine = NotificationFactory(user=student)
    theirs = NotificationFactory(user=outsider)
    response = student_client.post(reverse("community:notification_read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    mine.refresh_from_db()
    assert mine.read_at is not None
    student_client.post(reverse("community:notification_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(student_client, student):
    NotificationFactory.create_batch(3, user=student)
    student_client.post(reverse("community:notification_read_all"))
    assert notification_services.notification_unread_count(user=student) == 0


def test_preferences_page_saves(student_client, student):
    data = dict.fromkeys(Notification.Category.values, "immediate")
    data["grading"] = "daily"
    data["message"] = "off"
    response = student_client.post(reverse("community:notification_preferences"), data)
    assert response.status_code == 302
    prefs = notification_services.notification_preferences_get(user=student)
    assert prefs["grading"] == "daily" and prefs["message"] == "off" and prefs["discussion"] == "immediate"


def test_notifications_page_same_queries_at_two_sizes(student_client, student):
    url = reverse("community:notifications")

    def load(n: int) -> int:
        NotificationFactory.create_batch(n - student.notifications.count(), user=student)
        response, queries = count_queries(lambda: student_client.get(url))
        assert response.status_code == 200
        page = response.context["page"]
        assert (page.paginator.count, len(page.object_list)) == (n, n)  # the notifications are listed
        return queries

    assert_same_queries_at_two_sizes(load)


# --- reviews --------------------------------------------------------------------------------------
def test_review_page_form_and_post(client, course, enrolled):
    client.force_login(enrolled)
    url = reverse("community:course_reviews", kwargs={"slug": course.slug})
    assert b"Review this course" in client.get(url).content
    response = client.post(reverse("community:review_save", kwargs={"slug": course.slug}), {"rating": 5, "body": "Yes"})
    assert response.status_code == 302
    assert Review.objects.get(author=enrolled).rating == 5


def test_outsider_post_is_refused(client, course, outsider):
    client.force_login(outsider)
    client.post(reverse("community:review_save", kwargs={"slug": course.slug}), {"rating": 5})
    assert not Review.objects.exists()


def test_reviews_page_same_queries_at_two_sizes(client, course):
    url = reverse("community:course_reviews", kwargs={"slug": course.slug})

    def load(n: int) -> int:
        for _ in range(n - Review.objects.filter(course=course).count()):
            user = StudentFactory()
            learning_services.enrollment_create(user=user, course=course)
            services.review_save(user=user, course=course, rating=4, body="ok")
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        page = response.context["page"]
        assert (page.paginator.count, len(page.object_list)) == (n, n)  # the reviews are listed
        return queries

    assert_same_queries_at_two_sizes(load)


# --- discussions ----------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, course):
    response = client.get(reverse("community:course_discussions", kwargs={"slug": course.slug}))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_dropped_student_loses_access(client, course, student):
    EnrollmentFactory(user=student, course=course, status="dropped")
    client.force_login(student)
    assert client.get(reverse("community:course_discussions", kwargs={"slug": course.slug})).status_code == 404


def test_page_escapes_title(client, course, enrolled):
    thread = services.thread_create(user=enrolled, course=course, title="<script>alert(1)</script>", body="x")
    client.force_login(enrolled)
    content = client.get(reverse("community:thread", kwargs={"thread_id": thread.pk})).content
    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;" in content


def test_muted_user_sees_error_on_page(client, course, enrolled, moderator):
    thread = ThreadFactory(course=course)
    services.user_mute_create(user=enrolled, until=timezone.now() + timedelta(days=1), reason="spam", by=moderator)
    client.force_login(enrolled)
    response = client.post(reverse("community:thread", kwargs={"thread_id": thread.pk}), {"body": "hello"})
    assert response.status_code == 200
    assert b"cannot post until" in response.content
    assert not thread.replies.exists()


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


def test_threads_and_replies_pages_same_queries_at_two_sizes(client, course, enrolled):
    first = ThreadFactory(course=course)  # the thread whose replies are listed
    threads_url = reverse("community:course_discussions", kwargs={"slug": course.slug})
    replies_url = reverse("community:thread", kwargs={"thread_id": first.pk})
    client.force_login(enrolled)

    def load(n: int) -> dict:
        ThreadFactory.create_batch(n - DiscussionThread.objects.filter(course=course).count(), course=course)
        ReplyFactory.create_batch(n - first.replies.count(), thread=first)
        counts = {}
        for name, url in (("threads", threads_url), ("replies", replies_url)):
            response, counts[name] = count_queries(lambda url=url: client.get(url))
            assert response.status_code == 200
            page = response.context["page"]
            assert (page.paginator.count, len(page.object_list)) == (n, n), name  # the rows are listed
        return counts

    assert_same_queries_at_two_sizes(load)


# --- flags ----------------------------------------------------------------------------------------
def test_hidden_thread_is_404_for_members_but_visible_to_instructor(client, settings, thread, members, instructor):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 1
    flag_all(members[:1], thread)
    client.force_login(members[1])
    url = reverse("community:thread", kwargs={"thread_id": thread.pk})
    assert client.get(url).status_code == 404
    listing = client.get(reverse("community:course_discussions", kwargs={"slug": thread.course.slug}))
    assert b"Buy cheap pills" not in listing.content
    client.force_login(instructor)
    assert b"Hidden" in client.get(url).content


def test_flag_page(client, thread, members):
    client.force_login(members[0])
    url = reverse("community:flag", kwargs={"kind": "thread", "object_id": thread.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam", "details": "ads", "next": "/"})
    assert response.status_code == 302
    assert ContentFlag.objects.filter(flagger=members[0]).exists()
    assert client.get(reverse("community:flag", kwargs={"kind": "nope", "object_id": thread.pk})).status_code == 404


# --- support tickets ------------------------------------------------------------------------------
def test_users_see_only_their_tickets(client, student, outsider, support):
    ticket = open_ticket(student, attachments=[SimpleUploadedFile("s.png", PNG)])
    attachment = ticket.messages.get().attachments.get()
    client.force_login(outsider)
    assert client.get(reverse("community:ticket", args=[ticket.number])).status_code == 404
    assert client.get(reverse("community:ticket_attachment", args=[attachment.pk])).status_code == 404
    assert b"Cannot log in" not in client.get(reverse("community:tickets") + "?view=queue").content
    client.force_login(student)
    assert client.get(reverse("community:ticket", args=[ticket.number])).status_code == 200
    assert client.get(reverse("community:ticket_attachment", args=[attachment.pk])).status_code == 200
    client.force_login(support)
    assert b"Cannot log in" in client.get(reverse("community:tickets") + "?view=queue").content


def test_new_ticket_page(client, student):
    client.force_login(student)
    response = client.post(
        reverse("community:ticket_new"),
        {"subject": "Video", "category": "technical", "priority": "normal", "body": "It stutters",
         "attachments": [SimpleUploadedFile("a.png", PNG)]},
    )  # fmt: skip
    ticket = SupportTicket.objects.get()
    assert response["Location"] == reverse("community:ticket", args=[ticket.number])


def test_ticket_lists_same_queries_at_two_sizes(client, support, student):
    """The requester's own list, Support's queue and Support's "assigned to me"."""
    url = reverse("community:tickets")

    def load(n: int) -> dict:
        for _ in range(n - SupportTicket.objects.count()):
            TicketFactory(requester=student, assignee=support)
        counts = {}
        for user, view in ((student, ""), (support, "queue"), (support, "mine")):
            client.force_login(user)
            response, counts[view or "own"] = count_queries(lambda view=view: client.get(f"{url}?view={view}"))
            assert response.status_code == 200
            page = response.context["page"]
            assert (page.paginator.count, len(page.object_list)) == (n, n), view  # the tickets are listed
        return counts

    assert_same_queries_at_two_sizes(load)


def test_ticket_page_same_queries_at_two_sizes(client, settings, tmp_path, student, support):
    """The messages of a ticket, each with an attachment."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.COMMUNITY_POST_RATE_LIMIT = 0
    ticket = open_ticket(student, attachments=[png_file("first.png")])
    url = reverse("community:ticket", args=[ticket.number])
    client.force_login(student)

    def load(n: int) -> int:
        for i in range(n - ticket.messages.count()):
            services.ticket_reply(user=support if i % 2 == 0 else student, ticket=ticket, body=f"Message {i}",
                                  attachments=[png_file(f"shot-{ticket.messages.count()}.png")])  # fmt: skip
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert len(response.context["messages_list"]) == n
        assert response.content.count(b"bi-paperclip") == n  # every message's attachment is offered
        return queries

    assert_same_queries_at_two_sizes(load)


# --- messages -------------------------------------------------------------------------------------
def test_message_pages(client, course, enrolled, instructor, outsider):
    client.force_login(enrolled)
    inbox = client.get(reverse("community:inbox"))
    assert instructor.get_full_name().encode() in inbox.content
    response = client.post(reverse("community:conversation_start"), {"user": str(instructor.pk)})
    url = response["Location"]
    response = client.post(url, {"body": "Question about lesson 2"}, HTTP_HX_REQUEST="true")
    assert b"Question about lesson 2" in response.content
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_inbox_same_queries_at_two_sizes(client, instructor):
    course = PublishedCourseFactory(instructor=instructor)
    client.force_login(instructor)

    def load(n: int) -> int:
        for _ in range(n - Conversation.objects.filter(instructor=instructor).count()):
            student = StudentFactory()
            learning_services.enrollment_create(user=student, course=course)
            conversation = services.conversation_start(user=student, other=instructor)
            services.message_send(user=student, conversation=conversation, body="hi")
        response, queries = count_queries(lambda: client.get(reverse("community:inbox")))
        assert response.status_code == 200
        assert len(response.context["conversations"]) == n and response.context["unread_total"] == n
        assert len(response.context["contacts"]) == n  # the students to write to
        return queries

    assert_same_queries_at_two_sizes(load)


def test_conversation_page_same_queries_at_two_sizes(client, settings, course, enrolled, instructor):
    settings.COMMUNITY_POST_RATE_LIMIT = 0
    conversation = services.conversation_start(user=enrolled, other=instructor)
    url = reverse("community:conversation", kwargs={"conversation_id": conversation.pk})
    client.force_login(instructor)

    def load(n: int) -> int:
        for i in range(n - conversation.messages.count()):
            services.message_send(user=enrolled if i % 2 == 0 else instructor, conversation=conversation, body=f"m{i}")
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert len(response.context["messages_list"]) == n
        return queries

    assert_same_queries_at_two_sizes(load)


# --- surveys --------------------------------------------------------------------------------------
def test_survey_pages(client, survey, enrolled, instructor, outsider):
    client.force_login(enrolled)
    assert b"How clear?" in client.get(reverse("community:survey", args=[survey.pk])).content
    response = client.post(reverse("community:survey", args=[survey.pk]), survey_answers(survey))
    assert response.status_code == 302
    assert client.get(reverse("community:survey_results", args=[survey.pk])).status_code == 404
    client.force_login(instructor)
    assert b"average of 5" in client.get(reverse("community:survey_results", args=[survey.pk])).content
    client.force_login(outsider)
    assert client.get(reverse("community:survey", args=[survey.pk])).status_code == 404


def test_results_page_escapes_text(client, survey, enrolled, instructor):
    services.survey_answer(
        user=enrolled, survey=survey, answers=survey_answers(survey, text="<script>alert(1)</script>")
    )
    client.force_login(instructor)
    content = client.get(reverse("community:survey_results", args=[survey.pk])).content
    assert b"<script>alert(1)</script>" not in content


def test_surveys_page_same_queries_at_two_sizes(client, course, enrolled, instructor):
    """The surveys a learner may answer (some answered), and the instructor's own."""
    url = reverse("community:surveys")

    def load(n: int) -> dict:
        for i in range(n - Survey.objects.count()):
            survey = SurveyFactory(audience="course", course=course, created_by=instructor)
            question = SurveyQuestionFactory(survey=survey, kind="rating")
            if i % 2:
                services.survey_answer(user=enrolled, survey=survey, answers={str(question.pk): "4"})
        counts = {}
        client.force_login(enrolled)
        response, counts["learner"] = count_queries(lambda: client.get(url))
        assert response.status_code == 200 and len(response.context["surveys"]) == n
        client.force_login(instructor)
        response, counts["instructor"] = count_queries(lambda: client.get(url))
        assert response.status_code == 200 and len(response.context["editable"]) == n
        return counts

    assert_same_queries_at_two_sizes(load)


def test_results_page_same_queries_at_two_sizes(client, course, survey, instructor):
    url = reverse("community:survey_results", args=[survey.pk])
    client.force_login(instructor)

    def load(n: int) -> int:
        for _ in range(n - survey.responses.count()):
            user = StudentFactory()
            learning_services.enrollment_create(user=user, course=course)
            services.survey_answer(user=user, survey=survey, answers=survey_answers(survey))
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        results = response.context["results"]
        assert [r["answers"] for r in results] == [n, n, n]
        assert len(results[2]["texts"]) == n  # every text answer is listed
        return queries

    assert_same_queries_at_two_sizes(load)
