"""Issue 14, point 5: "Preview as a student" opens the player in preview mode; free-preview lessons open for
visitors.  Point 9: every lesson count comes from one rule; a quiz's minutes are its time limit.

- Who may preview (courses.permissions.can_preview_course): the course's teachers, reviewers and superusers,
  whatever the course's status; everyone else (another instructor, a student even when enrolled, a visitor)
  gets the 404 of an unknown course.
- A preview records nothing: no enrolment touch, completion, attempt, note, streak or activity event.
- A count test: the course page, the catalog API, My learning, the player and the enrolment API agree, also
  after the author changes the course under an enrolled learner.
"""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from courses import previews
from courses import services as course_services
from courses.models import Course, CourseContent
from courseworx.core import activity
from learning import services
from learning.models import Enrollment, LearningStreak, LessonCompletion, QuizAttempt, UserNote
from learning.services import _common as services_common
from tests.courses.factories import (
    ContentFactory,
    CourseFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

BANNER = "you are seeing this course as a student would; progress is not recorded"


def draft_course(**kwargs) -> tuple[Course, CourseContent, CourseContent]:
    course = CourseFactory(**kwargs)
    section = SectionFactory(course=course, order=1)
    article = ContentFactory(section=section, order=1, title="Reading the manual")
    quiz = QuizContentFactory(section=section, order=2, title="Check yourself", time_limit_minutes=15)
    QuestionFactory(content=quiz, question="Which city is the capital of France?")
    return course, article, quiz


def preview_urls(course, lesson) -> list[str]:
    return [previews.course_preview_url(course), previews.lesson_preview_url(lesson)]


# --- Who may preview -----------------------------------------------------------------------------------


def test_the_preview_links_are_the_players_preview_pages():
    course, article, _quiz = draft_course()
    assert previews.course_preview_url(course) == f"/learn/{course.slug}/preview/"
    assert previews.lesson_preview_url(article) == f"/learn/{course.slug}/preview/{article.pk}/"
    assert previews.lesson_preview_url(article, course=course) == previews.lesson_preview_url(article)


@pytest.mark.parametrize("who", ["another instructor", "student", "enrolled student", "visitor"])
def test_nobody_else_can_preview_a_draft_it_is_a_404_like_an_unknown_course(client, who):
    course, article, _quiz = draft_course()
    if who == "another instructor":
        client.force_login(InstructorFactory())
    elif who == "student":
        client.force_login(StudentFactory())
    elif who == "enrolled student":  # learners of a course sent back to draft keep learning, never previewing
        enrollment = EnrollmentFactory(course=course)
        client.force_login(enrollment.user)
    unknown = client.get(f"/learn/no-such-course/preview/{article.pk}/")
    assert unknown.status_code == 404
    for url in preview_urls(course, article):
        response = client.get(url)
        assert response.status_code == 404, url
        assert BANNER not in response.content.decode()


def test_a_student_cannot_preview_a_published_course_either(client):
    """A preview opens every lesson without enrolment: never for students, even of a free published course."""
    course = PublishedCourseFactory()
    lesson = ContentFactory(section=SectionFactory(course=course))
    client.force_login(StudentFactory())
    assert [client.get(url).status_code for url in preview_urls(course, lesson)] == [404, 404]


@pytest.mark.parametrize("who", ["owner", "co-author", "superuser"])
def test_authors_and_superusers_preview_a_draft(client, who):
    course, article, _quiz = draft_course()
    user = {"owner": lambda: course.instructor, "superuser": AdminFactory}.get(who, InstructorFactory)()
    if who == "co-author":
        course.collaborators.create(user=user)
    client.force_login(user)
    response = client.get(previews.course_preview_url(course))
    assert response.status_code == 302 and response.url == previews.lesson_preview_url(article)
    page = client.get(response.url)
    assert page.status_code == 200
    assert BANNER in page.content.decode()
    assert page.context["player"].preview is True


def test_a_reviewer_previews_a_course_in_review_and_its_lessons_open_from_the_player(client):
    course, article, quiz = draft_course(status=Course.Status.IN_REVIEW)
    client.force_login(ReviewerFactory())
    page = client.get(previews.lesson_preview_url(quiz))
    assert page.status_code == 200 and BANNER in page.content.decode()
    assert "Which city is the capital of France?" in page.content.decode()  # the questions, as students see them
    assert "Paris" in page.content.decode()
    # /learn/... (e.g. an old link, the course's lesson links) sends a reviewer to the preview, not a 404.
    response = client.get(reverse("learning:lesson", args=[course.slug, article.pk]))
    assert response.url == previews.lesson_preview_url(article)
    assert client.get(reverse("learning:course_home", args=[course.slug])).url == previews.course_preview_url(course)


def test_the_preview_shows_what_students_see_and_marks_a_lesson_they_do_not(client):
    course, article, quiz = draft_course()
    hidden = ContentFactory(section=article.section, order=3, title="Not ready yet", is_published=False)
    client.force_login(course.instructor)
    page = client.get(previews.lesson_preview_url(article))
    player = page.context["player"]
    outline = [item.content.title for block in player.sections for item in block.lessons]
    assert outline == ["Reading the manual", "Check yourself"]  # the unpublished lesson is not in the outline
    assert not player.hidden_from_students
    assert player.next == quiz and page.context["player"].lessons_required == 2
    # Every link of the page stays in the preview.
    body = page.content.decode()
    assert previews.lesson_preview_url(quiz) in body
    assert reverse("learning:lesson", args=[course.slug, quiz.pk]) not in body

    page = client.get(previews.lesson_preview_url(hidden))  # the outline builder links every item
    assert page.status_code == 200
    assert page.context["player"].hidden_from_students
    assert "Students do not see this lesson" in page.content.decode()


def test_a_course_without_lessons_previews_its_page(client):
    course = CourseFactory()
    client.force_login(course.instructor)
    response = client.get(previews.course_preview_url(course))
    assert response.url == f"{course.get_absolute_url()}?preview=1"


# --- A preview records nothing -----------------------------------------------------------------------


def test_a_preview_records_no_progress_attempt_note_streak_or_activity(client, monkeypatch):
    course = PublishedCourseFactory()
    section = SectionFactory(course=course)
    article = ContentFactory(section=section, order=1)
    quiz = QuizContentFactory(section=section, order=2, time_limit_minutes=5)
    QuestionFactory(content=quiz)
    reviewer = ReviewerFactory()
    enrollment = services.enrollment_create(user=reviewer, course=course)  # even a previewer who is enrolled
    events = []
    monkeypatch.setattr(activity, "_handler", lambda **kwargs: events.append(kwargs))
    client.force_login(reviewer)

    for lesson in (article, quiz):
        page = client.get(previews.lesson_preview_url(lesson))
        assert page.status_code == 200
        body = page.content.decode()
        assert BANNER in body
        assert page.context["player"].enrollment is None  # the previewer's own enrolment plays no part
        for action in ("lesson_complete", "lesson_heartbeat", "lesson_note", "quiz_start"):
            assert reverse(f"learning:{action}", args=[course.slug, lesson.pk]) not in body, action
        # No form but the site-wide ones (log out, the language and display currency switchers: none records
        # course work).
        site_forms = r"<form[^>]*(?:logout|setlang|currency-selector).*?</form>"
        assert 'name="csrfmiddlewaretoken"' not in re.sub(site_forms, "", body, flags=re.S)

    enrollment.refresh_from_db()
    assert enrollment.last_content_id is None and enrollment.last_accessed_at is None
    assert enrollment.completed_required == 0
    assert not LessonCompletion.objects.exists()
    assert not QuizAttempt.objects.exists()
    assert not UserNote.objects.exists()
    assert not LearningStreak.objects.filter(user=reviewer).exists()
    assert events == []

    # The same reviewer in the normal player, as the learner they also are, is recorded: the test can fail.
    client.get(reverse("learning:lesson", args=[course.slug, article.pk]))
    enrollment.refresh_from_db()
    assert enrollment.last_content_id == article.pk and [e["event"] for e in events] == ["lesson_view"]


def test_an_author_posting_to_the_quiz_from_a_preview_starts_no_attempt(client):
    course, article, quiz = draft_course()
    client.force_login(course.instructor)
    client.post(reverse("learning:quiz_start", args=[course.slug, quiz.pk]))
    client.post(reverse("learning:lesson_complete", args=[course.slug, article.pk]))
    assert not QuizAttempt.objects.exists() and not LessonCompletion.objects.exists()


# --- Free previews -------------------------------------------------------------------------------------


def free_preview_world():
    course = PublishedCourseFactory(title="Pottery at home")
    section = SectionFactory(course=course, order=1)
    free = ContentFactory(section=section, order=1, title="Meet your clay", is_preview=True)
    paid = ContentFactory(section=section, order=2, title="Throwing a bowl")
    return course, free, paid


def test_a_visitor_opens_a_free_preview_lesson_in_the_player(client):
    course, free, paid = free_preview_world()
    page = client.get(course.get_absolute_url())
    lesson_url = reverse("learning:lesson", args=[course.slug, free.pk])
    assert f'href="{lesson_url}"' in page.content.decode()  # the title is a link
    assert f'href="{reverse("learning:lesson", args=[course.slug, paid.pk])}"' not in page.content.decode()

    page = client.get(lesson_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Meet your clay" in body and "Free preview" in body and BANNER not in body
    assert free.article_html in body
    # The next lesson is not open to them: the player offers to enrol rather than a link to a log-in page.
    assert "Enrol to continue" in body
    assert reverse("learning:lesson", args=[course.slug, paid.pk]) not in body
    # Nothing to record for a visitor: no completion button, notes or heartbeat.
    assert reverse("learning:lesson_complete", args=[course.slug, free.pk]) not in body
    assert reverse("learning:lesson_heartbeat", args=[course.slug, free.pk]) not in body


@pytest.mark.parametrize("case", ["not a free preview", "draft course", "unpublished lesson", "unknown"])
def test_a_visitor_is_asked_to_log_in_for_anything_else(client, case):
    course, free, paid = free_preview_world()
    target = paid
    if case == "draft course":
        Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
        target = free
    elif case == "unpublished lesson":
        CourseContent.objects.filter(pk=free.pk).update(is_published=False)
        target = free
    url = reverse("learning:lesson", args=[course.slug, target.pk])
    if case == "unknown":
        url = reverse("learning:lesson", args=["no-such-course", target.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"{reverse('accounts:login')}?next={url}"


def test_a_signed_in_student_who_is_not_enrolled_opens_a_free_preview(client):
    course, free, paid = free_preview_world()
    client.force_login(StudentFactory())
    assert client.get(reverse("learning:lesson", args=[course.slug, free.pk])).status_code == 200
    response = client.get(reverse("learning:lesson", args=[course.slug, paid.pk]))
    assert response.status_code == 302 and response.url == course.get_absolute_url()
    assert not Enrollment.objects.exists() and not LessonCompletion.objects.exists()


# --- One count ---------------------------------------------------------------------------------------


@pytest.fixture
def counted_course(db):
    """6 lessons that count, 5 required; and 4 items that never count anywhere."""
    course = PublishedCourseFactory(title="Counting course")
    s1 = SectionFactory(course=course, order=1)
    s2 = SectionFactory(course=course, order=2)
    hidden_section = SectionFactory(course=course, order=3, is_published=False)
    for order in range(1, 4):
        ContentFactory(section=s1, order=order)
    ContentFactory(section=s2, order=1, title="Optional extra", is_required=False)
    quiz = QuizContentFactory(section=s2, order=2, duration_seconds=600, time_limit_minutes=15)
    QuestionFactory(content=quiz)
    moderated = ContentFactory(section=s2, order=3)
    ContentFactory(section=s2, order=4, is_published=False)  # unpublished by its author
    ContentFactory(section=hidden_section, order=1)  # in an unpublished section
    ContentFactory(section=s2, order=5, kind=CourseContent.Kind.CERTIFICATE, article_body="", title="Certificate")
    course_services.content_moderation_hide(content_id=moderated.pk, reason="flagged")
    ContentFactory(section=s2, order=6, title="Last one")
    return course


def test_the_course_page_my_learning_the_player_and_the_api_show_the_same_count(client, counted_course, student):
    course = counted_course
    enrollment = services.enrollment_create(user=student, course=course)
    first = course.contents.order_by("section__order", "order").first()
    services.lesson_mark_complete(user=student, content=first)
    # The author adds a lesson after the student enrolled (the stored totals lag; what is shown must not).
    ContentFactory(section=first.section, order=9, title="Added later")
    Enrollment.objects.filter(pk=enrollment.pk).update(required_total=3)

    page = client.get(course.get_absolute_url())
    assert page.context["course"].lesson_count == 7
    assert "7 lessons (1 optional)" in page.content.decode()
    api = APIClient()
    assert api.get(reverse("api:course-detail", args=[course.slug])).json()["lesson_count"] == 7
    listed = api.get(reverse("api:course-list")).json()["results"]
    assert next(c["lesson_count"] for c in listed if c["slug"] == course.slug) == 7

    client.force_login(student)
    dashboard = client.get(reverse("learning:dashboard")).content.decode()
    assert "1 of 6 required lessons" in dashboard
    player = client.get(reverse("learning:lesson", args=[course.slug, first.pk])).content.decode()
    assert "1 of 6 required lessons" in player
    api.force_authenticate(student)
    row = api.get(reverse("api:learning-enrollments")).json()["results"][0]
    assert (row["lessons_total"], row["lessons_required"], row["lessons_done"]) == (7, 6, 1)
    assert api.get(reverse("api:learning-enrollment", args=[enrollment.pk])).json()["lessons_total"] == 7
    # Completion uses the same rule: the required lessons that count.
    assert services_common._required_total(course.pk) == 6


def test_without_optional_lessons_the_numbers_read_the_same(client, student):
    course = PublishedCourseFactory()
    section = SectionFactory(course=course)
    lessons = [ContentFactory(section=section, order=i) for i in range(6)]
    ContentFactory(section=section, order=9, kind=CourseContent.Kind.CERTIFICATE, article_body="")
    services.enrollment_create(user=student, course=course)
    for lesson in lessons[:2]:
        services.lesson_mark_complete(user=student, content=lesson)
    assert "6 lessons" in client.get(course.get_absolute_url()).content.decode()
    client.force_login(student)
    dashboard = client.get(reverse("learning:dashboard")).content.decode()
    assert re.search(r"2 of 6 lessons\s*</span>", dashboard)
    assert "33%" in dashboard


def test_a_quiz_lasts_its_time_limit_everywhere(client, counted_course, student):
    course = counted_course
    quiz = course.contents.get(kind=CourseContent.Kind.QUIZ)
    assert quiz.duration_seconds == 600 and quiz.length_seconds == 15 * 60
    services.enrollment_create(user=student, course=course)
    client.force_login(student)
    header = client.get(reverse("learning:lesson", args=[course.slug, quiz.pk])).content.decode()
    assert "Quiz · 15 min time limit" in header and "10 min" not in header
    page = client.get(course.get_absolute_url())
    quiz_row = next(lesson for s in page.context["course"].syllabus for lesson in s.lessons if lesson.pk == quiz.pk)
    assert quiz_row.length_seconds == 900
    # The course's length adds the limit, not the stale estimate (catalog card and course page alike).
    card = next(c for c in APIClient().get(reverse("api:course-list")).json()["results"] if c["slug"] == course.slug)
    assert card["lesson_count"] == page.context["course"].lesson_count
    assert page.context["course"].lesson_seconds == sum(
        c.length_seconds or 0 for c in CourseContent.objects.counted().filter(course=course)
    )
