"""Notes with tags and notes on a whole course: the selector's tag filter, the notes page and the API.
A student only ever sees their own notes (denials tested on each surface)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learning import selectors, services
from learning.models import UserNote
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def notes_url(course) -> str:
    return reverse("learning:course_notes", args=[course.slug])


# --- selectors ---------------------------------------------------------------------------------


def test_the_tag_filter_lists_each_note_once_and_only_the_users(enrollment, student, course, lessons):
    services.note_save(user=student, content=lessons[0], body="loops note", tags="Loops, exam")
    services.note_save(user=student, content=lessons[1], body="vars note", tags="vars")
    services.note_course_create(user=student, course=course, body="course plan", tags="exam, plan")
    other = StudentFactory()
    EnrollmentFactory(user=other, course=course)
    services.note_course_create(user=other, course=course, body="not mine", tags="exam")

    exam = list(selectors.note_list(user=student, course=course, tag=" EXAM "))
    assert [n.body for n in exam] == ["course plan", "loops note"]  # course-level note first, no duplicates
    assert [n.body for n in selectors.note_list(user=student, tag="nothing")] == []
    assert selectors.note_tag_counts(user=student, course=course) == [
        ("exam", 2),
        ("loops", 1),
        ("plan", 1),
        ("vars", 1),
    ]


# --- pages -------------------------------------------------------------------------------------


def test_notes_page_adds_a_course_note_and_filters_by_tag(client, enrollment, student, course, lessons):
    services.note_save(user=student, content=lessons[0], body="Lesson thought", tags="loops")
    client.force_login(student)
    response = client.post(notes_url(course), {"body": "Whole course idea", "tags": "Plan, exam", "is_private": "on"})
    assert response.status_code == 302
    note = UserNote.objects.get(user=student, content__isnull=True)
    assert note.body == "Whole course idea" and sorted(t.name for t in note.tags.all()) == ["exam", "plan"]

    page = client.get(notes_url(course)).content.decode()
    assert "Whole course idea" in page and "Lesson thought" in page and "#plan" in page
    filtered = client.get(notes_url(course), {"tag": "plan"}).content.decode()
    assert "Whole course idea" in filtered and "Lesson thought" not in filtered
    empty = client.get(notes_url(course), {"tag": "nope"}).content.decode()
    assert "No notes tagged #nope" in empty


def test_notes_page_shows_errors_and_refuses_others(client, enrollment, student, course):
    client.force_login(student)
    response = client.post(notes_url(course), {"body": "x", "tags": "y" * 41})
    assert response.status_code == 200 and "at most 40 characters" in response.content.decode()
    assert not UserNote.objects.exists()

    note = services.note_course_create(user=student, course=course, body="Secret course note")
    intruder = StudentFactory()
    EnrollmentFactory(user=intruder, course=course)
    client.force_login(intruder)
    assert "Secret course note" not in client.get(notes_url(course)).content.decode()
    delete = reverse("learning:course_note_delete", args=[course.slug, note.pk])
    assert client.post(delete).status_code == 404
    assert UserNote.objects.filter(pk=note.pk).exists()
    client.force_login(student)
    assert client.post(delete).status_code == 302
    assert not UserNote.objects.filter(pk=note.pk).exists()


def test_the_lesson_note_panel_saves_tags(client, enrollment, student, lessons):
    client.force_login(student)
    url = reverse("learning:lesson_note", args=[lessons[0].course.slug, lessons[0].pk])
    response = client.post(url, {"body": "b", "tags": "One, two"}, HTTP_HX_REQUEST="true")
    assert 'value="one, two"' in response.content.decode()


def test_notes_page_queries_do_not_grow_with_notes(client, enrollment, student, course):
    client.force_login(student)

    def load(n):
        UserNote.objects.filter(user=student).delete()
        for i in range(n):
            services.note_course_create(user=student, course=course, body=f"note {i}", tags=f"t{i}, common")
        response, queries = count_queries(lambda: client.get(notes_url(course), {"tag": "common"}))
        assert len(response.context["notes"]) == n
        return queries

    assert_same_queries_at_two_sizes(load)


# --- API ---------------------------------------------------------------------------------------


def test_api_course_notes_tags_and_filter(enrollment, student, course, lessons):
    client = api(student)
    created = client.post(
        reverse("api:learning-notes"),
        {"course": str(course.pk), "body": "Course note", "tags": ["Plan"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["content_id"] is None and created.json()["tags"] == ["plan"]
    lesson = client.post(
        reverse("api:learning-notes"), {"content": str(lessons[0].pk), "body": "L", "tags": ["loops"]}, format="json"
    )
    assert lesson.json()["tags"] == ["loops"]
    listing = client.get(reverse("api:learning-notes"), {"tag": "plan"}).json()
    assert [n["body"] for n in listing["results"]] == ["Course note"]
    note_id = created.json()["id"]
    patched = client.patch(reverse("api:learning-note", args=[note_id]), {"tags": ["a", "b"]}, format="json")
    assert patched.json()["tags"] == ["a", "b"] and patched.json()["body"] == "Course note"
    bad = client.patch(reverse("api:learning-note", args=[note_id]), {"tags": ["z" * 41]}, format="json")
    assert bad.status_code == 400
    assert client.post(reverse("api:learning-notes"), {"body": "neither"}, format="json").status_code == 400


def test_api_denies_other_students_and_non_enrolled(enrollment, student, course):
    note = services.note_course_create(user=student, course=course, body="Mine", tags="secret")
    other = StudentFactory()
    EnrollmentFactory(user=other, course=course)
    client = api(other)
    assert client.get(reverse("api:learning-notes"), {"tag": "secret"}).json()["count"] == 0
    assert client.get(reverse("api:learning-note", args=[note.pk])).status_code == 404
    assert client.patch(reverse("api:learning-note", args=[note.pk]), {"tags": ["x"]}, format="json").status_code == 404
    outsider = api(StudentFactory())
    response = outsider.post(reverse("api:learning-notes"), {"course": str(course.pk), "body": "x"}, format="json")
    assert response.status_code == 403


# --- editing a course note on the page -----------------------------------------------------------


def test_notes_page_creates_edits_and_deletes_a_course_note(client, enrollment, student, course):
    client.force_login(student)
    assert client.post(notes_url(course), {"body": "First idea", "tags": "plan", "is_private": "on"}).status_code == 302
    note = UserNote.objects.get(user=student, content__isnull=True)
    page = client.get(notes_url(course)).content.decode()
    edit = reverse("learning:course_note_edit", args=[course.slug, note.pk])
    assert f'action="{edit}"' in page and "<details" in page and 'value="plan"' in page
    response = client.post(edit, {"body": "Better idea", "tags": "exam, plan"})  # no is_private: shared now
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "Better idea" and not note.is_private
    assert sorted(note.tags.values_list("name", flat=True)) == ["exam", "plan"]
    assert "Better idea" in client.get(notes_url(course), {"tag": "exam"}).content.decode()
    assert "Better idea" not in client.get(notes_url(course), {"tag": "other"}).content.decode()
    empty = client.post(edit, {"body": "", "tags": ""}, follow=True).content.decode()
    assert "This field is required" in empty
    note.refresh_from_db()
    assert note.body == "Better idea"
    client.post(reverse("learning:course_note_delete", args=[course.slug, note.pk]))
    assert not UserNote.objects.filter(pk=note.pk).exists()


def test_another_students_note_cannot_be_edited_or_seen(client, enrollment, student, course, lessons):
    note = services.note_course_create(user=student, course=course, body="Mine alone")
    lesson_note = services.note_save(user=student, content=lessons[0], body="Lesson note")
    intruder = StudentFactory()
    EnrollmentFactory(user=intruder, course=course)
    client.force_login(intruder)
    edit = reverse("learning:course_note_edit", args=[course.slug, note.pk])
    assert client.post(edit, {"body": "Hacked"}).status_code == 404
    note.refresh_from_db()
    assert note.body == "Mine alone"
    assert "Mine alone" not in client.get(notes_url(course)).content.decode()
    client.force_login(student)  # a lesson's note is edited in the lesson's panel, not here
    assert (
        client.post(reverse("learning:course_note_edit", args=[course.slug, lesson_note.pk]), {"body": "x"}).status_code
        == 404
    )
    other_course = EnrollmentFactory(user=student).course  # the note's own course only
    assert (
        client.post(reverse("learning:course_note_edit", args=[other_course.slug, note.pk]), {"body": "x"}).status_code
        == 404
    )
