"""Revisions on the course page (courses.admin.revisions): start one, find it, who may."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Course
from tests.courses.admin.helpers import change_url
from tests.courses.factories import ContentFactory, CourseFactory
from tests.factories import InstructorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

S = Course.Status


@pytest.fixture
def live(reviewer):
    course = CourseFactory(title="Live course")
    ContentFactory(course=course, title="A lesson")
    services.course_submit(course=course, user=course.instructor)
    services.course_approve(course=course, reviewer=reviewer)
    return course


def revise_url(course):
    return reverse("admin:courses_course_revise", args=[course.pk])


def test_author_starts_a_revision_from_the_published_course(client, live):
    client.force_login(live.instructor)
    page = client.get(change_url(live))
    assert revise_url(live) in page.text and "Start a new revision" in page.text
    assert "restore its latest version" not in page.text
    assert client.get(revise_url(live)).status_code == 200

    response = client.post(revise_url(live))
    revision = Course.objects.get(revision_of=live)
    assert response.status_code == 302 and response.url == change_url(revision)
    page = client.get(change_url(revision))
    assert page.status_code == 200 and page.context["has_change_permission"] is True
    assert "This is a revision of the live course" in page.text and change_url(live) in page.text

    # The live course now leads to its revision, and the course list shows courses, not revisions.
    page = client.get(change_url(live))
    assert "Open the revision in progress" in page.text and change_url(revision) in page.text
    listing = client.get(reverse("admin:courses_course_changelist"))
    assert [c.pk for c in listing.context["cl"].result_list] == [live.pk]
    # Starting again is refused with a message; nothing new is made.
    client.post(revise_url(live))
    assert Course.objects.filter(revision_of=live).count() == 1


def test_other_instructors_reviewers_and_students_cannot_start_one(client, live, student):
    client.force_login(InstructorFactory())
    assert client.get(revise_url(live)).status_code == 404
    assert client.post(revise_url(live)).status_code == 404
    client.force_login(ReviewerFactory())
    assert "Start a new revision" not in client.get(change_url(live)).text
    assert client.post(revise_url(live)).status_code == 403
    client.force_login(student)
    response = client.post(revise_url(live))
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert not Course.objects.filter(revision_of=live).exists()


def test_no_revision_button_on_a_draft(client):
    draft = CourseFactory()
    client.force_login(draft.instructor)
    assert "Start a new revision" not in client.get(change_url(draft)).text
    client.post(revise_url(draft))
    assert not Course.objects.filter(revision_of=draft).exists()


def test_the_outline_of_a_revision_badges_what_changed_since_the_live_course(client, reviewer):
    live = CourseFactory(title="Two lessons")
    ContentFactory(course=live, title="A lesson", order=0)
    ContentFactory(course=live, title="Another lesson", order=1)
    services.course_submit(course=live, user=live.instructor)
    services.course_approve(course=live, reviewer=reviewer)
    revision = services.course_revision_start(course=live, user=live.instructor)
    edited = revision.contents.get(title="A lesson")
    services.content_update(content=edited, user=live.instructor, data={"title": "A better lesson"})
    untouched = revision.contents.get(title="Another lesson")

    client.force_login(live.instructor)
    page = client.get(reverse("admin:courses_course_outline", args=[revision.pk]))
    assert page.status_code == 200
    changed = page.context["outline"].changed_ids
    assert edited.pk in changed and untouched.pk not in changed
    assert page.text.count("cw-badge-changed") == 1  # one badge: the edited lesson

    live_page = client.get(reverse("admin:courses_course_outline", args=[live.pk]))
    assert "cw-badge-changed" not in live_page.text  # the live course itself: nothing changed since approval
