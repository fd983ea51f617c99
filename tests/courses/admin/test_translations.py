"""The course's translation pages in the admin (courses.admin.translations): every field beside its
original, saved through services.translation_save; only the course's teachers and superusers."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Course, Translation
from tests.courses.admin.helpers import change_url
from tests.courses.factories import ContentFactory, CourseFactory, SectionFactory
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(title="Pottery basics", language="en", short_description="Learn pottery.")
    section = SectionFactory(course=course, title="Intro", order=0)
    ContentFactory(section=section, title="Clay", order=0, article_body="Clay is **wet**.")
    return course


def edit_url(course, language="fr"):
    return reverse("admin:courses_course_translation", args=[course.pk, language])


def names(course):
    section = course.sections.get()
    lesson = course.contents.get()
    return {
        "title": f"course-{course.pk}-title",
        "short": f"course-{course.pk}-short_description",
        "section": f"section-{section.pk}-title",
        "lesson": f"content-{lesson.pk}-title",
        "body": f"content-{lesson.pk}-article_body",
    }


def test_the_course_page_links_the_translations_and_the_page_shows_originals(client, course):
    client.force_login(course.instructor)
    assert reverse("admin:courses_course_translations", args=[course.pk]) in client.get(change_url(course)).text
    index = client.get(reverse("admin:courses_course_translations", args=[course.pk]))
    assert index.status_code == 200 and "Français" in index.text and edit_url(course) in index.text
    assert edit_url(course, "en") not in index.text  # the course's own language
    page = client.get(edit_url(course))
    assert page.status_code == 200
    for name in names(course).values():
        assert f'name="{name}"' in page.text
    assert "Clay is **wet**." in page.text and "Learn pottery." in page.text  # the originals beside


def test_an_instructor_saves_a_whole_language(client, course):
    client.force_login(course.instructor)
    n = names(course)
    response = client.post(
        edit_url(course),
        {n["title"]: "Les bases de la poterie", n["short"]: "", n["section"]: "Introduction", n["lesson"]: "L'argile",
         n["body"]: "L'argile est **humide**."},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == edit_url(course)
    rows = {(t.target, t.field): t.text for t in Translation.objects.filter(course=course, language="fr")}
    assert rows == {
        ("course", "title"): "Les bases de la poterie",
        ("section", "title"): "Introduction",
        ("content", "title"): "L'argile",
        ("content", "article_body"): "L'argile est **humide**.",
    }
    page = client.get(edit_url(course))
    assert "4 of" in page.text and 'value="Les bases de la poterie"' in page.text


def test_errors_are_shown_on_their_field_and_nothing_is_saved(client, course):
    client.force_login(course.instructor)
    n = names(course)
    response = client.post(edit_url(course), {n["title"]: "x" * 201, n["section"]: "Introduction"})
    assert response.status_code == 200
    assert "no more than 200 characters" in response.text
    assert not Translation.objects.filter(course=course).exists()


def test_unknown_language_is_404(client, course):
    client.force_login(course.instructor)
    assert client.get(edit_url(course, "xx")).status_code == 404
    assert client.get(edit_url(course, "en")).status_code == 404


def test_another_instructor_and_a_reviewer_cannot_translate(client, course):
    n = names(course)
    client.force_login(InstructorFactory())
    assert client.get(edit_url(course)).status_code == 404
    assert client.post(edit_url(course), {n["title"]: "Piraté"}).status_code == 404
    client.force_login(ReviewerFactory())
    assert client.get(edit_url(course)).status_code == 403
    assert client.post(edit_url(course), {n["title"]: "Piraté"}).status_code == 403
    assert not Translation.objects.exists()
    client.force_login(AdminFactory())  # superusers act for the course's teachers
    assert client.post(edit_url(course), {n["title"]: "Poterie"}).status_code == 302
    assert Translation.objects.filter(course=course).count() == 1


def test_a_live_course_is_translated_through_its_revision(client, course, reviewer):
    services.course_submit(course=course, user=course.instructor)
    services.course_approve(course=course, reviewer=reviewer)
    client.force_login(course.instructor)
    page = client.get(edit_url(course))
    assert "start a new revision" in page.text.lower() and "readonly" in page.text
    assert 'type="submit"' not in page.text.split('<form method="post"', 1)[1]
    n = names(course)
    response = client.post(edit_url(course), {n["title"]: "Poterie"}, follow=True)
    assert "revision" in response.text and not Translation.objects.exists()
    revision = services.course_revision_start(course=course, user=course.instructor)
    page = client.get(edit_url(course))
    assert edit_url(revision) in page.text  # "Translate in the revision in progress"
    response = client.post(edit_url(revision), {f"course-{revision.pk}-title": "Poterie"})
    assert response.status_code == 302
    assert Translation.objects.get(course=revision).text == "Poterie"
    assert not Translation.objects.filter(course=course).exists()
    assert Course.objects.get(pk=course.pk).status == Course.Status.PUBLISHED


def test_the_reviewer_sees_a_revision_s_translation_changes(client, course, reviewer):
    services.translation_save(
        course=course, language="fr", values={"course": {"title": "Poterie"}}, user=course.instructor
    )
    services.course_submit(course=course, user=course.instructor)
    services.course_approve(course=course, reviewer=reviewer)
    revision = services.course_revision_start(course=course, user=course.instructor)
    services.translation_save(
        course=revision, language="fr", values={"course": {"title": "La poterie"}}, user=course.instructor
    )
    services.course_submit(course=revision, user=course.instructor)
    client.force_login(reviewer)
    page = client.get(reverse("admin:courses_review", args=[revision.pk]))
    assert page.status_code == 200
    assert "Français: course title" in page.text and "La poterie" in page.text and "Poterie" in page.text
