"""Community in the Django admin (community/admin.py): the moderation queue (Moderators), support
tickets (Support), surveys (staff and instructors, their own courses only), internal docs (staff);
who is refused; the query-count rule for the changelists."""

import pytest
from django.urls import reverse

from community import services
from community.models import DiscussionThread, FlaggedItem, InternalDoc, Review, SupportTicket, Survey, ThreadReply
from tests.community.factories import ReplyFactory, ReviewFactory, SurveyFactory, ThreadFactory, TicketFactory
from tests.community.helpers import flag_all, open_ticket
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


# --- moderation queue -----------------------------------------------------------------------------
def test_queue_changelist_and_review_page(client, settings, thread, members, moderator, course):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 10
    reply = ReplyFactory(thread=thread, body="reply in context")
    flag_all(members[:2], thread)
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
    flag_all(members[:1], thread)
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


def test_queue_same_queries_at_two_sizes(client, course, moderator, members):
    """Flagged threads and replies, shown with their content: n of each."""
    client.force_login(moderator)
    url = reverse("admin:community_flaggeditem_changelist")

    def load(n: int) -> int:
        for _ in range(n - FlaggedItem.objects.count() // 2):
            services.flag_create(user=members[0], target=ThreadFactory(course=course), reason="spam")
            services.flag_create(user=members[1], target=ReplyFactory(thread__course=course), reason="abuse")
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        cl = response.context["cl"]
        assert (cl.result_count, len(cl.result_list)) == (2 * n, 2 * n)  # every flagged thread and reply
        return queries

    assert_same_queries_at_two_sizes(load)


def test_moderated_content_changelists_same_queries_at_two_sizes(client, course, moderator):
    """Threads, replies and reviews as moderators list them."""
    client.force_login(moderator)
    thread = ThreadFactory(course=course)
    models = {"discussionthread": DiscussionThread, "threadreply": ThreadReply, "review": Review}

    def load(n: int) -> dict:
        ThreadFactory.create_batch(n - DiscussionThread.objects.count(), course=course)
        ReplyFactory.create_batch(n - ThreadReply.objects.count(), thread=thread)
        ReviewFactory.create_batch(n - Review.objects.count(), enrollment__course=course)
        counts = {}
        for name, model in models.items():
            response, counts[name] = count_queries(
                lambda name=name: client.get(reverse(f"admin:community_{name}_changelist"))
            )
            assert response.status_code == 200, name
            assert len(response.context["cl"].result_list) == n == model.objects.count(), name
        return counts

    assert_same_queries_at_two_sizes(load)


# --- support tickets ------------------------------------------------------------------------------
def test_admin_support_works_ticket(client, student, support):
    ticket = open_ticket(student)
    client.force_login(support)
    url = reverse("admin:community_supportticket_change", args=[ticket.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"assignee": str(support.pk), "new_status": "resolved", "reply": "Fixed on our side",
         "messages-TOTAL_FORMS": "1", "messages-INITIAL_FORMS": "1", "messages-MIN_NUM_FORMS": "0",
         "messages-MAX_NUM_FORMS": "1000", "messages-0-id": str(ticket.messages.get().pk),
         "messages-0-ticket": str(ticket.pk)},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.assignee == support and ticket.first_response_at


def test_admin_refused_to_students_and_moderators(client, student, moderator):
    for user in (student, moderator):
        client.force_login(user)
        assert client.get(reverse("admin:community_supportticket_changelist")).status_code in (302, 403)


def test_ticket_changelist_same_queries_at_two_sizes(client, support):
    client.force_login(support)
    url = reverse("admin:community_supportticket_changelist")

    def load(n: int) -> int:
        for _ in range(n - SupportTicket.objects.count()):
            TicketFactory(requester=StudentFactory(), assignee=support)
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        cl = response.context["cl"]
        assert (cl.result_count, len(cl.result_list)) == (n, n)
        return queries

    assert_same_queries_at_two_sizes(load)


# --- surveys --------------------------------------------------------------------------------------
def test_instructor_builds_survey_for_own_course_only(client, course, instructor, other_instructor):
    client.force_login(instructor)
    base = {"questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0", "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000", "questions-0-order": "1", "questions-0-text": "Rate it",
            "questions-0-kind": "rating", "questions-0-options": "[]", "questions-0-required": "on"}  # fmt: skip
    response = client.post(reverse("admin:community_survey_add"),
                           {**base, "title": "Mine", "audience": "course", "course": str(course.pk)})  # fmt: skip
    assert response.status_code == 302, response.content[:3000]
    assert Survey.objects.get(title="Mine").questions.count() == 1
    response = client.post(reverse("admin:community_survey_add"), {**base, "title": "All", "audience": "all"})
    assert response.status_code == 200 and not Survey.objects.filter(title="All").exists()
    foreign = PublishedCourseFactory(instructor=other_instructor)
    response = client.post(reverse("admin:community_survey_add"),
                           {**base, "title": "Theirs", "audience": "course", "course": str(foreign.pk)})  # fmt: skip
    assert not Survey.objects.filter(title="Theirs").exists()
    other_survey = SurveyFactory(audience="course", course=foreign)
    assert client.get(reverse("admin:community_survey_change", args=[other_survey.pk])).status_code in (302, 403, 404)


def test_survey_changelist_same_queries_at_two_sizes(client, course, instructor):
    client.force_login(instructor)
    url = reverse("admin:community_survey_changelist")

    def load(n: int) -> int:
        SurveyFactory.create_batch(
            n - Survey.objects.filter(course=course).count(), audience="course", course=course, created_by=instructor
        )
        SurveyFactory(audience="course", course=PublishedCourseFactory())  # someone else's: never listed
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == n
        return queries

    assert_same_queries_at_two_sizes(load)


# --- internal docs --------------------------------------------------------------------------------
def test_internal_docs_staff_only(client, support, instructor, student):
    doc = InternalDoc.objects.create(title="Refund policy", slug="refunds", body="# Refunds\n<script>x</script>")
    assert "<script" not in doc.body_html
    client.force_login(support)
    assert b"Refund policy" in client.get(reverse("admin:community_internaldoc_changelist") + "?q=refund").content
    for user in (instructor, student):
        client.force_login(user)
        assert client.get(reverse("admin:community_internaldoc_changelist")).status_code in (302, 403)
