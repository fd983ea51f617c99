"""The translations API (courses.api.translations) and Accept-Language on the catalog API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from courses.models import Translation
from tests.courses.factories import ContentFactory, CourseFactory, PublishedCourseFactory, SectionFactory
from tests.courses.services.utils import approve
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory, StudentFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def course():
    course = CourseFactory(title="Pottery basics", language="en")
    section = SectionFactory(course=course, title="Intro", order=0)
    ContentFactory(section=section, title="Clay", order=0, article_body="Clay is **wet**.")
    return course


def url(course, language="fr"):
    return reverse("api:instructor-course-translation", args=[course.pk, language])


def test_get_lists_every_field_with_its_original(course):
    lesson = course.contents.get()
    response = client_for(course.instructor).get(url(course))
    assert response.status_code == 200
    data = response.json()
    assert data["language"] == "fr" and data["course"]["title"] == ""
    assert data["originals"]["course"]["title"] == "Pottery basics"
    assert data["originals"]["lessons"][str(lesson.pk)]["article_body"] == "Clay is **wet**."


def test_put_writes_the_translation(course):
    section, lesson = course.sections.get(), course.contents.get()
    body = {
        "course": {"title": "Les bases de la poterie"},
        "sections": {str(section.pk): {"title": "Introduction"}},
        "lessons": {str(lesson.pk): {"title": "L'argile", "article_body": "L'argile est **humide**."}},
    }
    response = client_for(course.instructor).put(url(course), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["lessons"][str(lesson.pk)]["title"] == "L'argile"
    assert Translation.objects.filter(course=course, language="fr").count() == 4


@pytest.mark.parametrize(
    ("language", "body", "field"),
    [
        ("xx", {"course": {"title": "x"}}, "language"),
        ("fr", {"course": {"slug": "x"}}, "course.slug"),
        ("fr", {"chapters": {}}, "chapters"),
        ("fr", {"course": {"title": "a\u0000b"}}, None),
    ],
)
def test_bad_input_is_a_400_with_field_messages(course, language, body, field):
    response = client_for(course.instructor).put(url(course, language), body, format="json")
    assert response.status_code == 400
    if field:
        assert field in response.json()["error"]["fields"], response.json()
    assert not Translation.objects.exists()


def test_unknown_language_on_get_is_400(course):
    response = client_for(course.instructor).get(url(course, "xx"))
    assert response.status_code == 400 and "language" in response.json()["error"]["fields"]


def test_other_instructors_get_404_and_students_403(course):
    body = {"course": {"title": "Piraté"}}
    other = client_for(InstructorFactory())
    assert other.get(url(course)).status_code == 404
    assert other.put(url(course), body, format="json").status_code == 404
    assert client_for(StudentFactory()).put(url(course), body, format="json").status_code == 403
    assert APIClient().put(url(course), body, format="json").status_code in (401, 403)
    assert not Translation.objects.exists()
    assert client_for(AdminFactory()).put(url(course), body, format="json").status_code == 200


def test_a_published_course_is_a_409_revision_required(course):
    approve(course, ReviewerFactory())
    response = client_for(course.instructor).put(url(course), {"course": {"title": "x"}}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "revision_required"


def test_the_schema_documents_the_endpoint(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    path = "/api/v1/instructor/courses/{course_id}/translations/{language}/"
    assert set(schema["paths"][path]) >= {"get", "put"}


# -- readers: Accept-Language --------------------------------------------------------------------------
@pytest.fixture
def translated():
    course = PublishedCourseFactory(title="Bread basics", language="en", slug="bread")
    section = SectionFactory(course=course, title="Getting started", order=0)
    lesson = ContentFactory(section=section, title="Your first loaf", is_published=True)
    services_rows = [
        ("course", course.pk, "title", "Les bases du pain"),
        ("section", section.pk, "title", "Premiers pas"),
        ("content", lesson.pk, "article_body", "Pétrir la **pâte**."),
    ]
    for target, target_id, field, text in services_rows:
        Translation.objects.create(
            course=course, language="fr", target=target, target_id=target_id, field=field, text=text
        )
    return course


def test_catalog_api_follows_accept_language_with_fallback(translated):
    api = APIClient()
    listing = api.get(reverse("api:course-list"), HTTP_ACCEPT_LANGUAGE="fr").json()
    assert [c["title"] for c in listing["results"]] == ["Les bases du pain"]
    detail = api.get(reverse("api:course-detail", args=["bread"]), HTTP_ACCEPT_LANGUAGE="fr").json()
    assert detail["title"] == "Les bases du pain"
    assert "Premiers pas" in str(detail) and "Your first loaf" in str(detail)  # untranslated: the original
    english = api.get(reverse("api:course-detail", args=["bread"]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["title"] == "Bread basics" and "Premiers pas" not in str(english)
    german = api.get(reverse("api:course-detail", args=["bread"]), HTTP_ACCEPT_LANGUAGE="de").json()
    assert german["title"] == "Bread basics"  # no German translation: the original
