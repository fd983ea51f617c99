"""Employer "Find candidates": only opted-in (public AND open to work) resumes of active accounts, matching
keywords/skill/location; employer managers and employer-request staff only (students, instructors: 403);
constant query counts on the page and the API."""

import pytest
from django.urls import reverse

from accounts import services_resumes as resumes
from billing.models import EmployerPartner
from tests.factories import AdminFactory, InstructorFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    partner = EmployerPartner.objects.create(name="Acme Corp")
    user = StudentFactory(first_name="Hannah")
    partner.managers.add(user)
    return user


def _candidate(first_name="Cara", *, public=True, open_to_work=True, skill="Python", location="Lyon", headline="Dev"):
    user = StudentFactory(first_name=first_name)
    resumes.resume_update(
        user=user,
        data={"is_public": public, "open_to_work": open_to_work, "location": location, "headline": headline},
    )
    resumes.resume_entry_create(user=user, kind="skill", title=skill)
    return user


def test_only_opted_in_candidates_are_found(client, manager):
    _candidate("Alice")
    _candidate("Bob", public=False)
    _candidate("Carl", open_to_work=False)
    gone = _candidate("Dora")
    gone.is_active = False
    gone.save()
    client.force_login(manager)
    response = client.get(reverse("billing:employer_candidates"))
    names = [r.user.first_name for r in response.context["page"].object_list]
    assert names == ["Alice"]
    assert reverse("public_profile", args=[response.context["page"].object_list[0].slug]) in response.content.decode()


def test_filters(client, manager):
    _candidate("Alice", skill="Python", location="Lyon", headline="Data analyst")
    _candidate("Bob", skill="Java", location="Berlin", headline="Backend developer")
    client.force_login(manager)

    def names(**params):
        response = client.get(reverse("billing:employer_candidates"), params)
        return sorted(r.user.first_name for r in response.context["page"].object_list)

    assert names(skill="java") == ["Bob"]
    assert names(location="lyon") == ["Alice"]
    assert names(q="data analyst") == ["Alice"]
    assert names(q="python") == ["Alice"]  # a skill entry matches keywords too
    assert names(q="data java") == []  # every keyword must match
    assert client.get(reverse("billing:employer_candidates"), {"q": "a\x00b"}).status_code == 400  # site-wide rule


def test_denied_to_students_and_instructors(client, api_client):
    for user in (StudentFactory(), InstructorFactory()):
        client.force_login(user)
        assert client.get(reverse("billing:employer_candidates")).status_code == 403
        api_client.force_authenticate(user)
        assert api_client.get(reverse("api:billing-employer-candidates")).status_code == 403
    inactive_partner = EmployerPartner.objects.create(name="Old Ltd", is_active=False)
    former = StudentFactory()
    inactive_partner.managers.add(former)
    client.force_login(former)
    assert client.get(reverse("billing:employer_candidates")).status_code == 403


def test_staff_may_search(client):
    client.force_login(AdminFactory())
    assert client.get(reverse("billing:employer_candidates")).status_code == 200


def test_api_results(api_client, manager):
    _candidate("Alice", skill="Python")
    api_client.force_authenticate(manager)
    body = api_client.get(reverse("api:billing-employer-candidates"), {"skill": "python"}).json()
    assert body["count"] == 1 and body["results"][0]["skills"] == ["Python"]
    assert "email" not in body["results"][0]


def test_query_counts(client, api_client, manager):
    client.force_login(manager)
    api_client.force_authenticate(manager)
    made = []

    def load(n):
        while len(made) < n:
            made.append(_candidate(f"C{len(made)}x"))
        response, page_q = count_queries(lambda: client.get(reverse("billing:employer_candidates")))
        assert len(response.context["page"].object_list) == n
        api, api_q = count_queries(lambda: api_client.get(reverse("api:billing-employer-candidates")))
        assert api.json()["count"] == n
        return {"page": page_q, "api": api_q}

    assert_same_queries_at_two_sizes(load)
