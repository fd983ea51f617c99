"""The review queue, approval requests and versions (courses.admin.review)."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Course, CourseApprovalRequest, CourseVersion
from tests.courses.admin.helpers import change_url
from tests.courses.factories import (
    ContentFactory,
    CourseFactory,
)
from tests.courses.utils import queries_of
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

S = Course.Status


# --- review queue ---------------------------------------------------------------------------------


def test_reviewer_sees_queue_and_approves(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor, note="v1")
    client.force_login(reviewer)
    index = client.get(reverse("admin:index"))
    assert reverse("admin:courses_coursereviewqueue_changelist") in index.text

    queue = client.get(reverse("admin:courses_coursereviewqueue_changelist"))
    assert queue.status_code == 200 and "Course of A" in queue.text
    review_url = reverse("admin:courses_review", args=[course_a.pk])
    assert review_url in queue.text

    page = client.get(review_url)
    assert page.status_code == 200
    assert "First submission" in page.text and "A lesson" in page.text

    response = client.post(review_url, {"decision": "approve", "note": "Good"})
    assert response.status_code == 302
    course_a.refresh_from_db()
    assert course_a.status == S.PUBLISHED
    assert CourseVersion.objects.get(course=course_a).number == 1


def test_review_request_changes_needs_note(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    client.force_login(reviewer)
    review_url = reverse("admin:courses_review", args=[course_a.pk])
    response = client.post(review_url, {"decision": "request_changes", "note": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == ["Explain what needs to change."]
    assert Course.objects.get(pk=course_a.pk).status == S.IN_REVIEW

    response = client.post(review_url, {"decision": "request_changes", "note": "More examples"})
    assert response.status_code == 302
    assert Course.objects.get(pk=course_a.pk).status == S.CHANGES_REQUESTED


def test_review_page_shows_diff_against_last_version(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    v1 = services.course_approve(course=course_a, reviewer=reviewer)
    services.course_version_restore(version=v1, user=course_a.instructor)
    services.content_create(section=course_a.sections.get(), user=course_a.instructor, title="Brand new lesson",
                            kind="article", article_body="x")  # fmt: skip
    services.course_submit(course=course_a, user=course_a.instructor)
    client.force_login(reviewer)
    page = client.get(reverse("admin:courses_review", args=[course_a.pk]))
    assert "Changes since version 1" in page.text
    assert "Brand new lesson" in page.text and page.context["diff"][0]["change"] == "added"


def test_reviewer_cannot_review_own_course_in_admin(client, reviewer):
    course = CourseFactory(instructor=reviewer)
    ContentFactory(course=course)
    services.course_submit(course=course, user=reviewer)
    client.force_login(reviewer)
    url = reverse("admin:courses_review", args=[course.pk])
    page = client.get(url)
    assert "another reviewer must decide" in page.text
    client.post(url, {"decision": "approve"})
    assert Course.objects.get(pk=course.pk).status == S.IN_REVIEW


def test_instructors_have_no_review_queue(client, course_a):
    services.course_submit(course=course_a, user=course_a.instructor)
    client.force_login(InstructorFactory())
    assert client.get(reverse("admin:courses_coursereviewqueue_changelist")).status_code == 403
    assert client.get(reverse("admin:courses_review", args=[course_a.pk])).status_code == 403


def test_review_queue_query_count_is_constant(client, reviewer):
    client.force_login(reviewer)
    url = reverse("admin:courses_coursereviewqueue_changelist")

    def load(n: int) -> int:
        for _ in range(Course.objects.filter(status=S.IN_REVIEW).count(), n):
            course = CourseFactory()
            ContentFactory(course=course)
            services.course_submit(course=course, user=course.instructor)
        count, response = queries_of(client, url)
        assert len(response.context["cl"].result_list) == n
        return count

    assert load(2) == load(12)


# --- versions ---------------------------------------------------------------------------------


def test_versions_are_immutable_and_restorable_by_authors(client, course_a, reviewer, admin_user):
    services.course_submit(course=course_a, user=course_a.instructor)
    v1 = services.course_approve(course=course_a, reviewer=reviewer)
    url = reverse("admin:courses_courseversion_change", args=[v1.pk])

    client.force_login(admin_user)
    page = client.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert client.get(reverse("admin:courses_courseversion_delete", args=[v1.pk])).status_code == 403

    client.force_login(course_a.instructor)
    restore_url = reverse("admin:courses_courseversion_restore", args=[v1.pk])
    assert restore_url in client.get(url).text
    assert client.get(restore_url).status_code == 200
    response = client.post(restore_url)
    assert response.status_code == 302 and response.url == change_url(course_a)
    assert Course.objects.get(pk=course_a.pk).status == S.DRAFT

    client.force_login(InstructorFactory())
    assert client.post(restore_url).status_code in (302, 403)


def test_approval_requests_are_read_only(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    request = CourseApprovalRequest.objects.get()
    client.force_login(reviewer)
    page = client.get(reverse("admin:courses_courseapprovalrequest_change", args=[request.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] is False


def test_review_queue_is_oldest_first_and_says_what_it_lists(client, reviewer):
    # Created and submitted in the same order: the newest course first (the model's ordering) would be wrong.
    for title in ("Submitted first", "Submitted second"):
        course = CourseFactory(title=title)
        ContentFactory(course=course)
        services.course_submit(course=course, user=course.instructor)
    client.force_login(reviewer)
    response = client.get(reverse("admin:courses_coursereviewqueue_changelist"))
    assert [c.title for c in response.context["cl"].result_list] == ["Submitted first", "Submitted second"]
    assert "Courses awaiting review" in response.text
    assert "review queue" not in response.text.lower()
    assert "2 courses awaiting review" in response.text


def test_review_page_after_a_change_request_compares_with_the_last_submission(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    services.course_request_changes(course=course_a, reviewer=reviewer, note="Rename it")
    services.course_update(course=course_a, user=course_a.instructor, data={"title": "A better title"})
    services.course_submit(course=course_a, user=course_a.instructor, note="Renamed")
    client.force_login(reviewer)
    page = client.get(reverse("admin:courses_review", args=[course_a.pk]))
    assert "Changes since the last submission" in page.text and "First submission" not in page.text
    rows = page.context["diff_rows"]
    assert [(r["label"], r["change"], [(f["label"], f["before"], f["after"]) for f in r["fields"]]) for r in rows] == [
        ("Course", "changed", [("Title", "Course of A", "A better title")])
    ]
    assert "<dt>Status</dt><dd>In review</dd>" in page.text
    assert "Rename it" in page.text and "Renamed" in page.text  # the last review and the author's answer


def test_review_page_of_a_revision_compares_with_the_live_course(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    services.course_approve(course=course_a, reviewer=reviewer)
    revision = services.course_revision_start(course=course_a, user=course_a.instructor)
    lesson = revision.contents.get()
    long_text = "\n".join(f"Paragraph {i}." for i in range(6))
    services.content_update(content=lesson, user=course_a.instructor, data={"article_body": long_text})
    services.course_submit(course=revision, user=course_a.instructor)
    client.force_login(reviewer)
    queue = client.get(reverse("admin:courses_coursereviewqueue_changelist"))
    assert "Revision of a live course" in queue.text
    page = client.get(reverse("admin:courses_review", args=[revision.pk]))
    assert "Changes from the published course" in page.text and "Revision of" in page.text
    (row,) = page.context["diff_rows"]
    assert (row["label"], row["title"], row["change"]) == ("Lesson", "A lesson", "changed")
    (field,) = row["fields"]
    assert field["label"] == "Article body" and ("add", "+Paragraph 5.") in field["text_diff"]
    assert '<span class="cw-line cw-line-add">+Paragraph 5.</span>' in page.text

    response = client.post(reverse("admin:courses_review", args=[revision.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert course_a.contents.get().article_body == long_text
    assert not Course.objects.filter(pk=revision.pk).exists()


def test_the_reviewers_note_follows_the_author_to_the_course_page_and_the_outline(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    services.course_request_changes(course=course_a, reviewer=reviewer, note="Add a summary <b>lesson</b>.")
    client.force_login(course_a.instructor)
    for url in (change_url(course_a), reverse("admin:courses_course_outline", args=[course_a.pk])):
        page = client.get(url)
        assert "Changes requested by the reviewer" in page.text, url
        assert "Add a summary &lt;b&gt;lesson&lt;/b&gt;." in page.text, url  # the note, escaped


def test_regression_the_review_page_counts_one_lesson_in_the_singular(client, course_a, reviewer):
    """Issue 19 §6 (browser journeys): the review summary said "1 lessons in 1 section"."""
    services.course_submit(course=course_a, user=course_a.instructor)
    client.force_login(reviewer)
    page = client.get(reverse("admin:courses_review", args=[course_a.pk])).text
    assert "1 section · 1 lesson<" in page and "1 lessons" not in page
