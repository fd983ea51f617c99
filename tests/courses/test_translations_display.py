"""A translated course is shown in the chosen language with the original as fallback: the language switcher
(set_language), the catalog, the course page and the player, in a constant number of queries; the search
finds courses by their translated titles."""

import pytest
from django.conf import settings
from django.urls import reverse

from courses.models import Course, Translation
from learning import services as learning_services
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db

CATALOG = reverse("courses:catalog")


def translate(course, target, target_id, field, text, language="fr"):
    Translation.objects.create(
        course=course, language=language, target=target, target_id=target_id, field=field, text=text
    )


@pytest.fixture
def course():
    """A published course: title and one section translated into French, the other section, a lesson's
    title and the short description not (fallback); an article whose body is translated."""
    course = PublishedCourseFactory(title="Bread basics", slug="bread", language="en", short_description="Bake bread.")
    first = SectionFactory(course=course, title="Getting started", order=0)
    SectionFactory(course=course, title="Going further", order=1)
    lesson = ContentFactory(section=first, title="Your first loaf", order=0, article_body="Knead the **dough**.")
    ContentFactory(section=first, title="Shaping", order=1)
    translate(course, "course", course.pk, "title", "Les bases du pain")
    translate(course, "section", first.pk, "title", "Premiers pas")
    translate(course, "content", lesson.pk, "title", "Votre premier pain")
    translate(course, "content", lesson.pk, "article_body", "Pétrir la **pâte**.<script>alert(1)</script>")
    return course


def choose(client, language):
    """The navbar's switcher: Django's set_language (a cookie, then LocaleMiddleware)."""
    referer = f"http://testserver{CATALOG}?page=1"
    response = client.post(reverse("set_language"), {"language": language}, HTTP_REFERER=referer)
    assert response.status_code == 302 and response.url == referer  # back to the page it was sent from
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def test_the_switcher_is_in_the_navbar_without_inline_script(client):
    page = client.get(CATALOG).text
    assert reverse("set_language") in page and 'name="language"' in page and "data-autosubmit" in page
    assert "onchange" not in page


def test_catalog_and_course_page_in_the_chosen_language_with_fallback(client, course):
    choose(client, "fr")
    catalog = client.get(CATALOG).text
    assert "Les bases du pain" in catalog and "Bread basics" not in catalog
    page = client.get(course.get_absolute_url()).text
    assert "Les bases du pain" in page and "Premiers pas" in page and "Votre premier pain" in page
    assert "Going further" in page and "Shaping" in page and "Bake bread." in page  # not translated: the original
    choose(client, "en")
    page = client.get(course.get_absolute_url()).text
    assert "Bread basics" in page and "Les bases du pain" not in page and "Premiers pas" not in page
    choose(client, "de")  # no German translation at all: the original everywhere
    assert "Bread basics" in client.get(course.get_absolute_url()).text


def test_the_player_shows_the_translation_and_a_sanitised_translated_article(client, course):
    student = StudentFactory()
    EnrollmentFactory(user=student, course=course)
    client.force_login(student)
    lesson = course.contents.get(title="Your first loaf")
    url = reverse("learning:lesson", args=[course.slug, lesson.pk])
    choose(client, "fr")
    page = client.get(url).text
    assert "Les bases du pain" in page and "Premiers pas" in page and "Votre premier pain" in page
    assert "Pétrir la <strong>pâte</strong>" in page and "<script>alert(1)</script>" not in page
    assert "Shaping" in page  # fallback
    assert Course.objects.get(pk=course.pk).title == "Bread basics"  # display only: nothing saved
    choose(client, "en")
    page = client.get(url).text
    assert "Knead the <strong>dough</strong>" in page and "Votre premier pain" not in page


def test_catalog_in_french_runs_the_same_queries_at_two_sizes(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    def load(n):
        Course.objects.all().delete()
        for i in range(n):
            c = PublishedCourseFactory(title=f"Course {i}")
            translate(c, "course", c.pk, "title", f"Cours {i}")
        response, queries = count_queries(lambda: client.get(CATALOG))
        assert response.text.count("Cours ") >= n and len(response.context["page_obj"].object_list) == n
        return queries

    assert_same_queries_at_two_sizes(load)


def test_player_in_french_runs_the_same_queries_at_two_sizes(client):
    student = StudentFactory()
    client.force_login(student)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    def load(n):
        course = PublishedCourseFactory()
        section = SectionFactory(course=course, order=0)
        lessons = [ContentFactory(section=section, order=i, title=f"Lesson {i}") for i in range(n)]
        for lesson in lessons:
            translate(course, "content", lesson.pk, "title", f"Leçon {lesson.order}")
        EnrollmentFactory(user=student, course=course)
        learning_services.lesson_mark_complete(user=student, content=lessons[0])
        url = reverse("learning:lesson", args=[course.slug, lessons[0].pk])
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200 and response.text.count("Leçon ") >= n
        return queries

    assert_same_queries_at_two_sizes(load)


def test_search_finds_a_course_by_its_translated_title(client, course):
    PublishedCourseFactory(title="Cheese making", slug="cheese")
    response = client.get(CATALOG, {"q": "bases pain"})
    slugs = [c.slug for c in response.context["page_obj"].object_list]
    assert slugs == ["bread"]
    assert [c.slug for c in client.get(CATALOG, {"q": "fromage"}).context["page_obj"].object_list] == []
    # a draft's translation is never found
    draft = PublishedCourseFactory(title="Soup", slug="soup", status=Course.Status.DRAFT)
    translate(draft, "course", draft.pk, "title", "La soupe du pain")
    assert [c.slug for c in client.get(CATALOG, {"q": "soupe"}).context["page_obj"].object_list] == []
