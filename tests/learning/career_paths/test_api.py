"""Career paths API: list/detail of published paths, join/leave, my paths; denials; 409 JSON of the enrolment
API for a member skipping ahead; query counts of the lists at two sizes."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learning import services
from learning.models import CareerPath, Enrollment, UserCareerPath
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

from .helpers import complete, make_path

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(name, *args):
    return reverse(f"api:learning-{name}", args=args)


def test_list_and_detail_show_published_paths_with_courses_in_order(student):
    path, (a, b) = make_path(2, title="Data analyst")
    draft, _ = make_path(1, published=False)
    listed = api().get(url("career-paths")).json()
    assert [p["slug"] for p in listed["results"]] == [path.slug]
    assert listed["results"][0]["course_count"] == 2 and listed["results"][0]["is_member"] is False
    assert api().get(url("career-path", draft.slug)).status_code == 404
    assert api(student).get(url("career-path", draft.pk)).status_code == 404
    detail = api(student).get(url("career-path", path.pk)).json()
    assert [c["course"]["id"] for c in detail["courses"]] == [str(a.course_id), str(b.course_id)]
    assert [c["state"] for c in detail["courses"]] == ["available", "available"]  # not a member: nothing locked
    assert detail["courses"][1]["prerequisites"] == [str(a.course_id)]
    assert detail["membership"] is None and detail["progress"]["required_total"] == 2
    assert api().get(url("career-path", path.slug)).status_code == 200


def test_join_leave_and_my_paths(student, django_capture_on_commit_callbacks):
    path, (a, b) = make_path(2)
    assert api().post(url("career-path-membership", path.slug)).status_code == 401
    joined = api(student).post(url("career-path-membership", path.slug))
    assert joined.status_code == 200 and joined.json()["membership"]["path"] == path.slug
    assert [c["state"] for c in joined.json()["courses"]] == ["available", "locked"]
    complete(student, a.course, django_capture_on_commit_callbacks)
    mine = api(student).get(url("my-career-paths")).json()["results"]
    assert [(m["path"], m["required_done"], m["required_count"], m["percent"]) for m in mine] == [(path.slug, 1, 2, 50)]
    assert api(student).get(url("career-paths"), {"joined": "true"}).json()["count"] == 1
    assert api(student).get(url("career-paths"), {"joined": "false"}).json()["count"] == 0
    assert api(StudentFactory()).get(url("my-career-paths")).json()["results"] == []  # nobody else's
    left = api(student).delete(url("career-path-membership", path.slug))
    assert left.status_code == 200 and left.json()["membership"] is None
    again = api(student).delete(url("career-path-membership", path.slug))
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_member"


def test_a_completed_path_is_not_left(student, django_capture_on_commit_callbacks):
    path, (a,) = make_path(1)
    api(student).post(url("career-path-membership", path.slug))
    complete(student, a.course, django_capture_on_commit_callbacks)
    response = api(student).delete(url("career-path-membership", path.slug))
    assert response.status_code == 409 and response.json()["error"]["code"] == "completed"
    detail = api(student).get(url("career-path", path.slug)).json()
    assert detail["membership"]["completed_at"] and detail["membership"]["certificate"]


def test_enrolment_api_answers_409_to_a_member_skipping_ahead(student, django_capture_on_commit_callbacks):
    path, (a, b) = make_path(2)
    services.career_path_join(user=student, path=path)
    response = api(student).post(url("enrollments"), {"course": str(b.course_id)}, format="json")
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "path_prerequisites" and a.course.title in error["message"]
    assert not Enrollment.objects.filter(user=student, course=b.course).exists()
    complete(student, a.course, django_capture_on_commit_callbacks)
    assert api(student).post(url("enrollments"), {"course": str(b.course_id)}, format="json").status_code == 201


def test_denials_and_bad_input(student):
    path, _ = make_path(1)
    assert api().get(url("my-career-paths")).status_code == 401
    assert api().delete(url("career-path-membership", path.slug)).status_code == 401
    assert api(student).post(url("career-path-membership", "no-such-path")).status_code == 404
    assert api(student).get(url("career-paths"), {"search": "x\x00y"}).status_code == 400  # never a 500
    draft, _ = make_path(1, published=False)
    assert api(student).post(url("career-path-membership", draft.slug)).status_code == 404
    assert not UserCareerPath.objects.filter(path=draft).exists()
    assert api(student).put(url("career-path", path.slug), {}).status_code == 405  # authoring is the admin's


def test_list_apis_run_the_same_queries_at_two_sizes(student):
    def catalog(n):
        CareerPath.objects.all().delete()
        for i in range(n):
            path, _ = make_path(2, slug=f"api-{n}-{i}")
            services.career_path_join(user=student, path=path)
        response, queries = count_queries(lambda: api(student).get(url("career-paths")))
        assert len(response.json()["results"]) == n
        mine, mine_queries = count_queries(lambda: api(student).get(url("my-career-paths")))
        assert len(mine.json()["results"]) == n
        return {"catalog": queries, "mine": mine_queries}

    assert_same_queries_at_two_sizes(catalog)

    def detail(n):
        CareerPath.objects.all().delete()
        path, _ = make_path(n, slug=f"detail-{n}")
        response, queries = count_queries(lambda: api(student).get(url("career-path", path.slug)))
        assert len(response.json()["courses"]) == n
        return queries

    assert_same_queries_at_two_sizes(detail)
