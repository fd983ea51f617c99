"""A course nobody may see yet is indistinguishable from one that does not exist (issue 12, defect 7).

A draft course's slug, its lessons' ids and an unpublished lesson's id used to answer differently from
unknown ones: `/learn/<draft>/` redirected (302) where an unknown slug was a 404, and the quiz-attempt
API said "This lesson is not a quiz" (400) or "Enrol first" (403) for a draft's lessons — revealing that
they exist and their type.  Now every /learn/ page and learning API call that takes a course slug/id or a
lesson id answers exactly like an unknown one (learning.permissions.can_see_course / can_see_lesson).
"""

import re
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from courses.models import Course
from tests.courses.factories import (
    ContentFactory,
    CourseFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

UNKNOWN_SLUG = "no-such-course"


def normalised(response) -> tuple[int, str, str]:
    """Status, Location and body, without what differs on every request (CSRF tokens, CSP nonces)."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", body)
    body = re.sub(r'nonce="[^"]+"', "NONCE", body)
    return response.status_code, response.get("Location", ""), body


def world():
    draft = CourseFactory(status=Course.Status.DRAFT)
    section = SectionFactory(course=draft)
    quiz = QuizContentFactory(section=section)
    QuestionFactory(content=quiz)
    article = ContentFactory(section=section)

    published = PublishedCourseFactory()
    pub_section = SectionFactory(course=published)
    hidden_quiz = QuizContentFactory(section=pub_section, is_published=False)
    QuestionFactory(content=hidden_quiz)
    hidden_article = ContentFactory(section=pub_section, is_published=False)
    return draft, quiz, article, published, hidden_quiz, hidden_article


# --- Pages ---------------------------------------------------------------------------------------

COURSE_PAGES = [  # (url name, method)
    ("learning:course_home", "get"),
    ("learning:course_notes", "get"),
    ("learning:course_assignments", "get"),
    ("learning:my_attendance", "get"),
    ("learning:enrol", "post"),
    ("learning:drop", "post"),
    ("learning:saved_toggle", "post"),
]
LESSON_PAGES = [
    ("learning:lesson", "get"),
    ("learning:lesson_file", "get"),
    ("learning:lesson_complete", "post"),
    ("learning:lesson_heartbeat", "post"),
    ("learning:lesson_note", "get"),
    ("learning:quiz_start", "post"),
]


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.IN_REVIEW, Course.Status.ARCHIVED])
@pytest.mark.parametrize(("name", "method"), COURSE_PAGES)
def test_a_hidden_course_page_answers_like_an_unknown_slug(client, name, method, status):
    client.force_login(StudentFactory())
    hidden = CourseFactory(status=status)
    expected = normalised(getattr(client, method)(reverse(name, args=[UNKNOWN_SLUG])))
    assert expected[0] == 404
    assert normalised(getattr(client, method)(reverse(name, args=[hidden.slug]))) == expected


@pytest.mark.parametrize(("name", "method"), LESSON_PAGES)
def test_a_hidden_lesson_page_answers_like_an_unknown_lesson(client, name, method):
    client.force_login(StudentFactory())
    draft, quiz, article, published, hidden_quiz, hidden_article = world()
    expected = normalised(getattr(client, method)(reverse(name, args=[published.slug, uuid.uuid4()])))
    assert expected[0] == 404
    for course, lesson in ((draft, quiz), (draft, article), (published, hidden_quiz), (published, hidden_article)):
        response = getattr(client, method)(reverse(name, args=[course.slug, lesson.pk]))
        assert normalised(response) == expected, (name, lesson.kind, course.status)


@pytest.mark.parametrize("name", ["learning:course_home", "learning:course_notes"])
def test_anonymous_visitors_get_the_same_answer_for_a_draft_and_an_unknown_slug(client, name):
    draft = CourseFactory()
    unknown = client.get(reverse(name, args=[UNKNOWN_SLUG]))
    hidden = client.get(reverse(name, args=[draft.slug]))
    # Both send the visitor to log in first (nothing is looked up before that); only `next` differs.
    assert unknown.status_code == hidden.status_code == 302
    assert unknown.url.replace(UNKNOWN_SLUG, draft.slug) == hidden.url


# --- API -----------------------------------------------------------------------------------------


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(StudentFactory())
    return client


def test_quiz_attempt_api_does_not_reveal_a_hidden_lessons_type(api):
    draft, quiz, article, published, hidden_quiz, hidden_article = world()
    expected = api.post(reverse("api:learning-quiz-start", args=[uuid.uuid4()]))
    assert expected.status_code == 404
    for lesson in (quiz, article, hidden_quiz, hidden_article):
        response = api.post(reverse("api:learning-quiz-start", args=[lesson.pk]))
        assert (response.status_code, response.json()) == (404, expected.json()), lesson.kind


def test_lesson_complete_and_note_apis_answer_a_hidden_lesson_like_an_unknown_one(api):
    draft, quiz, article, published, hidden_quiz, hidden_article = world()
    unknown_complete = api.post(reverse("api:learning-lesson-complete", args=[uuid.uuid4()]))
    unknown_note = api.post(reverse("api:learning-notes"), {"content": str(uuid.uuid4()), "body": "x"}, format="json")
    assert unknown_complete.status_code == unknown_note.status_code == 404
    for lesson in (quiz, article, hidden_quiz, hidden_article):
        response = api.post(reverse("api:learning-lesson-complete", args=[lesson.pk]))
        assert (response.status_code, response.json()) == (404, unknown_complete.json())
        response = api.post(reverse("api:learning-notes"), {"content": str(lesson.pk), "body": "x"}, format="json")
        assert (response.status_code, response.json()) == (404, unknown_note.json())


def test_enrolment_api_answers_a_draft_like_an_unknown_course(api):
    draft = CourseFactory()
    url = reverse("api:learning-enrollments")
    expected = api.post(url, {"course": str(uuid.uuid4())}, format="json")
    assert expected.status_code == 404
    for value in (str(draft.pk), draft.slug):
        response = api.post(url, {"course": value}, format="json")
        assert (response.status_code, response.json()) == (404, expected.json())
    assert api.post(url, {"course": UNKNOWN_SLUG}, format="json").json() == expected.json()


# --- Who still sees a course that is not published -----------------------------------------------


def test_students_keep_learning_in_a_course_sent_back_to_draft(client):
    course = PublishedCourseFactory()
    lesson = ContentFactory(section=SectionFactory(course=course))
    enrollment = EnrollmentFactory(course=course)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    client.force_login(enrollment.user)
    response = client.get(reverse("learning:course_home", args=[course.slug]))
    assert response.status_code == 302
    assert response.url == reverse("learning:lesson", args=[course.slug, lesson.pk])
    assert client.get(response.url).status_code == 200


def test_authors_open_their_draft_and_its_unpublished_lessons(client):
    """In the player's preview mode (they are not enrolled): the lesson page sends them there."""
    draft, quiz, article, published, hidden_quiz, hidden_article = world()
    client.force_login(draft.instructor)
    response = client.get(reverse("learning:lesson", args=[draft.slug, article.pk]))
    assert response.url == reverse("learning:lesson_preview", args=[draft.slug, article.pk])
    assert client.get(response.url).status_code == 200
    client.force_login(published.instructor)
    response = client.get(reverse("learning:lesson", args=[published.slug, hidden_article.pk]), follow=True)
    assert response.status_code == 200
    assert response.context["player"].preview and response.context["player"].hidden_from_students


def test_a_published_courses_lessons_still_say_enrol_first(api):
    course = PublishedCourseFactory()
    quiz = QuizContentFactory(section=SectionFactory(course=course))
    QuestionFactory(content=quiz)
    response = api.post(reverse("api:learning-quiz-start", args=[quiz.pk]))
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Enrol in this course first."
