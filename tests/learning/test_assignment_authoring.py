"""Assignments follow their course's review lock (service and admin), default to published like lessons,
are listed in the course outline, and their course choice offers only the author's editable courses."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courses import services as course_services
from courseworx.core.exceptions import ConflictError
from learning import services
from learning.models import Assignment
from tests.courses.factories import ContentFactory, CourseFactory, PublishedCourseFactory
from tests.factories import AdminFactory, InstructorFactory
from tests.learning.factories import AssignmentFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(title="Draft course")
    ContentFactory(course=course)
    return course


def assignment_post(course, **fields):
    return {"course": str(course.pk), "title": "Essay", "description": "Write.", "points": "10",
            "is_published": "on"} | fields  # fmt: skip


def test_new_assignments_are_published_by_default():
    assert Assignment._meta.get_field("is_published").default is True


def test_service_creates_and_updates_while_the_course_is_editable(course):
    assignment = services.assignment_create(course=course, user=course.instructor, title="Essay",
                                                         description="Write.", points=10)  # fmt: skip
    assert assignment.instructor == course.instructor and assignment.is_published
    services.assignment_update(assignment=assignment, user=course.instructor, data={"points": 20})
    assert Assignment.objects.get(pk=assignment.pk).points == 20


@pytest.mark.parametrize("action", ["create", "update", "delete"])
def test_service_refuses_while_the_course_is_in_review(course, action):
    assignment = AssignmentFactory(course=course, points=10)
    course_services.course_submit(course=course, user=course.instructor)
    with pytest.raises(PermissionDenied, match="in review"):
        if action == "create":
            services.assignment_create(course=course, user=course.instructor, title="Late",
                                                   description="x")  # fmt: skip
        elif action == "update":
            services.assignment_update(assignment=assignment, user=course.instructor, data={"points": 99})
        else:
            services.assignment_delete(assignment=assignment, user=course.instructor)
    assert Assignment.objects.filter(course=course).count() == 1
    assert Assignment.objects.get(pk=assignment.pk).points == 10


def test_service_refuses_published_courses_and_other_authors(course):
    published = PublishedCourseFactory()
    with pytest.raises(PermissionDenied, match="published"):
        services.assignment_create(course=published, user=published.instructor, title="x", description="x")
    with pytest.raises(PermissionDenied):
        services.assignment_create(course=course, user=InstructorFactory(), title="x", description="x")


def test_service_refuses_unknown_fields_and_deleting_handed_in_work(course):
    assignment = AssignmentFactory(course=course)
    with pytest.raises(Exception, match="cannot be set"):
        services.assignment_update(assignment=assignment, user=course.instructor, data={"course": None})
    SubmissionFactory(assignment=assignment)
    with pytest.raises(ConflictError) as caught:
        services.assignment_delete(assignment=assignment, user=course.instructor)
    assert caught.value.code == "has_submissions"


def test_admin_course_choice_offers_only_editable_own_courses(client, course):
    mine_in_review = CourseFactory(instructor=course.instructor, title="In review")
    ContentFactory(course=mine_in_review)
    course_services.course_submit(course=mine_in_review, user=course.instructor)
    PublishedCourseFactory(instructor=course.instructor, title="Live")
    CourseFactory(title="Somebody else's")
    client.force_login(course.instructor)
    response = client.get(f"{reverse('admin:learning_assignment_add')}?course={course.pk}")
    form = response.context["adminform"].form
    assert list(form.fields["course"].queryset) == [course]
    assert form.initial["course"] == course.pk and form["is_published"].value() is True


def test_admin_adds_through_the_service_and_returns_to_the_outline(client, course, monkeypatch):
    calls = []
    original = services.assignment_create
    monkeypatch.setattr(services, "assignment_create", lambda **kw: calls.append(kw) or original(**kw))
    client.force_login(course.instructor)
    response = client.post(reverse("admin:learning_assignment_add"), assignment_post(course))
    assert response.status_code == 302
    assert response.url == reverse("admin:courses_course_outline", args=[course.pk]) + "#group-assignments"
    essay = Assignment.objects.get(title="Essay")
    assert calls and essay.instructor == course.instructor
    outline = client.get(reverse("admin:courses_course_outline", args=[course.pk]))
    assert reverse("admin:learning_assignment_change", args=[essay.pk]) in outline.text


def test_admin_refuses_assignment_changes_while_the_course_is_in_review(client, course):
    assignment = AssignmentFactory(course=course, title="Essay", points=10)
    course_services.course_submit(course=course, user=course.instructor)
    client.force_login(course.instructor)
    url = reverse("admin:learning_assignment_change", args=[assignment.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]  # read-only
    client.post(url, assignment_post(course, points="99"))
    assert Assignment.objects.get(pk=assignment.pk).points == 10
    response = client.post(reverse("admin:learning_assignment_add"), assignment_post(course, title="Sneaked in"))
    assert response.status_code == 200 and "course" in response.context["adminform"].form.errors
    assert not Assignment.objects.filter(title="Sneaked in").exists()
    assert (
        client.post(reverse("admin:learning_assignment_delete", args=[assignment.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_another_author_cannot_touch_the_assignment(client, course):
    assignment = AssignmentFactory(course=course, title="Essay")
    client.force_login(InstructorFactory())
    url = reverse("admin:learning_assignment_change", args=[assignment.pk])
    assert client.get(url).status_code == 302  # outside their rows: back to the admin index
    client.post(url, assignment_post(course, title="Hijacked"))
    assert Assignment.objects.get(pk=assignment.pk).title == "Essay"


def test_superuser_may_edit_assignments_of_any_course(client, course):
    assignment = AssignmentFactory(course=course, points=10)
    course_services.course_submit(course=course, user=course.instructor)
    client.force_login(AdminFactory())
    response = client.post(reverse("admin:learning_assignment_change", args=[assignment.pk]),
                           assignment_post(course, points="15"))  # fmt: skip
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).points == 15
