"""A course in several categories (seed CourseCategories), one of them primary (`Course.category`):
the services and the admin keep the primary among `categories`, the catalog and the API filter by any
of them without duplicates, the course page lists them all."""

import importlib

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from courses import services
from courses.models import Course
from courses.selectors import course_snapshot
from tests.courses.admin.helpers import change_url, course_form_data
from tests.courses.factories import CategoryFactory, CourseFactory, PublishedCourseFactory
from tests.courses.utils import queries_of
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

CATALOG = "/courses/"


def _slugs(response) -> list[str]:
    return [c.slug for c in response.context["courses"]]


def _ids(course) -> set:
    return set(course.categories.values_list("pk", flat=True))


def test_services_always_keep_the_primary_among_the_categories():
    primary, second, third = CategoryFactory(), CategoryFactory(), CategoryFactory()
    owner = InstructorFactory()
    course = services.course_create(
        instructor=owner, title="Colour theory", description="d", category=primary, categories=[second]
    )
    assert _ids(course) == {primary.pk, second.pk}
    services.course_update(course=course, user=owner, data={"categories": [third]})  # primary not sent
    assert _ids(course) == {primary.pk, third.pk}
    services.course_update(course=course, user=owner, data={"category": second})  # a new primary joins
    course.refresh_from_db()
    assert course.category == second and second.pk in _ids(course)
    services.course_categories_set(course=course, categories=[])
    assert _ids(course) == {second.pk}


def test_catalog_finds_a_course_by_any_category_once(client):
    data, business = CategoryFactory(slug="data"), CategoryFactory(slug="business")
    sub = CategoryFactory(slug="analytics", parent=business)
    both = PublishedCourseFactory(category=data)
    both.categories.set([data, business, sub])  # two matching categories for ?category=business
    only_data = PublishedCourseFactory(category=data)
    only_data.categories.set([data])
    assert _slugs(client.get(CATALOG, {"category": "business"})) == [both.slug]
    assert sorted(_slugs(client.get(CATALOG, {"category": "data"}))) == sorted([both.slug, only_data.slug])
    response = client.get(CATALOG, {"category": "business"})
    assert response.context["paginator"].count == 1


def test_catalog_category_filter_queries_do_not_grow(client):
    primary, second = CategoryFactory(), CategoryFactory(slug="second")

    def load(total: int) -> int:
        for _ in range(Course.objects.count(), total):
            PublishedCourseFactory(category=primary).categories.set([primary, second])
        count, response = queries_of(client, CATALOG, {"category": "second"})
        assert response.context["paginator"].count == total
        return count

    assert load(2) == load(9)


def test_course_page_shows_every_category(client):
    primary, second = CategoryFactory(name="Data Analysis"), CategoryFactory(name="Business")
    course = PublishedCourseFactory(category=primary)
    course.categories.set([primary, second])
    page = client.get(course.get_absolute_url()).content.decode()
    assert f">{primary.name}</a>, <a" in page and f"?category={second.slug}" in page  # the primary first


def test_api_exposes_and_filters_and_writes_categories():
    primary, second = CategoryFactory(slug="data"), CategoryFactory(slug="business")
    course = PublishedCourseFactory(category=primary)
    course.categories.set([primary, second])
    PublishedCourseFactory(category=primary)
    anon = APIClient()
    body = anon.get("/api/v1/courses/", {"category": "business"}).json()
    assert [c["slug"] for c in body["results"]] == [course.slug]
    assert sorted(c["slug"] for c in body["results"][0]["categories"]) == ["business", "data"]

    owner = InstructorFactory()
    api = APIClient()
    api.force_authenticate(owner)
    created = api.post(
        "/api/v1/instructor/courses/",
        {"title": "Sales data", "description": "d", "category": "data", "categories": ["business"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert sorted(c["slug"] for c in created.json()["categories"]) == ["business", "data"]
    bad = api.patch(f"/api/v1/instructor/courses/{created.json()['id']}/", {"categories": ["nope"]}, format="json")
    assert bad.status_code == 400


def test_admin_edits_categories_and_adds_the_primary(client):
    primary, second, third = CategoryFactory(), CategoryFactory(), CategoryFactory()
    course = CourseFactory(category=primary)
    client.force_login(course.instructor)
    data = course_form_data(course, categories=[str(second.pk), str(third.pk)])
    response = client.post(change_url(course), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _ids(course) == {primary.pk, second.pk, third.pk}
    assert "categories" in client.get(change_url(course)).content.decode()


def test_data_migration_copies_the_primary():
    course = CourseFactory(category=CategoryFactory())
    CourseFactory(category=None)
    course.categories.clear()
    migration = importlib.import_module("courses.migrations.0011_course_categories_copy_primary")
    migration.copy_primary(apps, None)
    migration.copy_primary(apps, None)  # again: nothing doubled
    assert Course.categories.through.objects.count() == 1 and _ids(course) == {course.category_id}


def test_snapshots_and_revisions_keep_the_categories():
    primary, second = CategoryFactory(name="A"), CategoryFactory(name="B")
    course = PublishedCourseFactory(category=primary)
    course.categories.set([primary, second])
    snapshot = course_snapshot(course=course)
    assert [c["name"] for c in snapshot["course"]["categories"]] == ["A", "B"]
    revision = services.course_revision_start(course=course, user=course.instructor)
    assert _ids(revision) == {primary.pk, second.pk}
