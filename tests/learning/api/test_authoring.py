"""Instructor API for assignments (learning/api/authoring.py): the admin's rules, 404 for others' assignments."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from courses import services as course_services
from learning.models import Assignment
from tests.courses.factories import CollaboratorFactory, ContentFactory, CourseFactory, PublishedCourseFactory
from tests.factories import AdminFactory, InstructorFactory, StudentFactory
from tests.learning.factories import AssignmentFactory, SubmissionFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db

API = "/api/v1/instructor"


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def owner():
    return InstructorFactory()


@pytest.fixture
def api(owner) -> APIClient:
    return client_for(owner)


@pytest.fixture
def course(owner):
    return CourseFactory(instructor=owner)


def _error(response) -> dict:
    return response.json()["error"]


def test_assignment_create_update_list_and_delete(api, course):
    url = f"{API}/courses/{course.pk}/assignments/"
    created = api.post(
        url,
        {"title": "Essay", "description": "Write 500 words.", "due_at": "2027-03-01T17:00:00+02:00", "points": 40},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["points"] == 40 and body["submission_count"] == 0
    assignment = Assignment.objects.get(pk=body["id"])
    assert assignment.due_at == dt.datetime(2027, 3, 1, 15, 0, tzinfo=dt.UTC)
    assert assignment.instructor_id == course.instructor_id

    changed = api.patch(
        f"{API}/assignments/{assignment.pk}/", {"due_at": None, "allow_late": True, "points": 50}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assignment.refresh_from_db()
    assert (assignment.due_at, assignment.allow_late, assignment.points) == (None, True, 50)

    listed = api.get(url)
    assert [a["id"] for a in listed.json()] == [str(assignment.pk)]
    assert api.get(f"{API}/assignments/{assignment.pk}/").json()["title"] == "Essay"

    assert api.delete(f"{API}/assignments/{assignment.pk}/").status_code == 204
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"description": "x"}, "title"),
        ({"title": "T"}, "description"),
        ({"title": "T", "description": "x", "points": 0}, "points"),
        ({"title": "T", "description": "x", "points": 10**30}, "points"),
        ({"title": "T", "description": "x", "due_at": "tomorrow"}, "due_at"),
        ({"title": "T", "description": "x", "due_at": "99999-01-01T00:00:00Z"}, "due_at"),
        ({"title": "T" * 201, "description": "x"}, "title"),
        ({"title": "T", "description": "a\x00b"}, "body"),
    ],
)
def test_assignment_validation_is_a_400_with_field_messages(api, course, payload, field):
    response = api.post(f"{API}/courses/{course.pk}/assignments/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in _error(response)["fields"]
    assert not Assignment.objects.filter(course=course).exists()


def test_an_instructor_cannot_edit_another_instructors_assignment_404(course):
    assignment = AssignmentFactory(course=course, title="Theirs", points=20)
    other = client_for(InstructorFactory())
    url = f"{API}/assignments/{assignment.pk}/"
    for response in (
        other.get(url),
        other.patch(url, {"title": "Mine now", "points": 1}, format="json"),
        other.delete(url),
        other.get(f"{API}/courses/{course.pk}/assignments/"),
        other.post(f"{API}/courses/{course.pk}/assignments/", {"title": "T", "description": "x"}, format="json"),
    ):
        assert response.status_code == 404
        assert _error(response)["code"] == "not_found"
    assignment.refresh_from_db()
    assert (assignment.title, assignment.points) == ("Theirs", 20)
    assert Assignment.objects.filter(course=course).count() == 1


def test_students_403_anonymous_401(course):
    assignment = AssignmentFactory(course=course)
    url = f"{API}/assignments/{assignment.pk}/"
    for api in (client_for(StudentFactory()), APIClient()):
        assert api.get(url).status_code in (401, 403)
        assert api.patch(url, {"title": "X"}, format="json").status_code in (401, 403)
        assert api.delete(url).status_code in (401, 403)
    assert client_for(StudentFactory()).delete(url).status_code == 403
    assert Assignment.objects.filter(pk=assignment.pk, title=assignment.title).exists()


def test_co_authors_and_superusers_author_assignments(course):
    for user in (CollaboratorFactory(course=course).user, AdminFactory()):
        response = client_for(user).post(
            f"{API}/courses/{course.pk}/assignments/", {"title": "T", "description": "x"}, format="json"
        )
        assert response.status_code == 201
    assert Assignment.objects.filter(course=course).count() == 2


def test_published_course_assignments_change_through_a_revision(owner, api):
    live = PublishedCourseFactory(instructor=owner)
    assignment = AssignmentFactory(course=live, title="Live")
    response = api.patch(f"{API}/assignments/{assignment.pk}/", {"title": "Changed"}, format="json")
    assert response.status_code == 409 and _error(response)["code"] == "revision_required"
    created = api.post(f"{API}/courses/{live.pk}/assignments/", {"title": "T", "description": "x"}, format="json")
    assert created.status_code == 409
    assignment.refresh_from_db()
    assert assignment.title == "Live"

    revision = api.post(f"{API}/courses/{live.pk}/revision/").json()
    copies = api.get(f"{API}/courses/{revision['id']}/assignments/").json()
    assert [a["title"] for a in copies] == ["Live"]
    edited = api.patch(f"{API}/assignments/{copies[0]['id']}/", {"title": "Revised"}, format="json")
    assert edited.status_code == 200
    assignment.refresh_from_db()
    assert assignment.title == "Live"


def test_course_in_review_is_409_course_locked(owner, api, course):
    ContentFactory(course=course)
    course_services.course_submit(course=course, user=owner)
    response = api.post(f"{API}/courses/{course.pk}/assignments/", {"title": "T", "description": "x"}, format="json")
    assert response.status_code == 409 and _error(response)["code"] == "course_locked"


def test_assignment_with_submissions_is_not_deleted(api, course):
    submission = SubmissionFactory(assignment=AssignmentFactory(course=course))
    response = api.delete(f"{API}/assignments/{submission.assignment_id}/")
    assert response.status_code == 409 and _error(response)["code"] == "has_submissions"
    assert Assignment.objects.filter(pk=submission.assignment_id).exists()
    listed = api.get(f"{API}/courses/{course.pk}/assignments/").json()
    assert listed[0]["submission_count"] == 1


def test_assignment_list_runs_a_constant_number_of_queries(owner, api):
    def load(n):
        course = CourseFactory(instructor=owner)
        for _ in range(n):
            SubmissionFactory(assignment=AssignmentFactory(course=course))
        response, queries = count_queries(lambda: api.get(f"{API}/courses/{course.pk}/assignments/"))
        assert len(response.json()) == n
        return queries

    assert_same_queries_at_two_sizes(load)


def test_schema_documents_assignment_authoring():
    text = APIClient().get("/api/schema/").content.decode()
    assert "/api/v1/instructor/courses/{course_id}/assignments/" in text
    assert "learning: instructor assignments" in text
