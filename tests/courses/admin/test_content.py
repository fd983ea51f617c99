"""Lessons and quiz questions (courses.admin.content)."""

import pytest
from django.urls import reverse

from courses.models import Course, CourseContent, CourseSection
from tests.courses.admin.helpers import lesson_data
from tests.courses.factories import (
    QuizContentFactory,
)

pytestmark = pytest.mark.django_db

S = Course.Status


# --- lessons ---------------------------------------------------------------------------------------


def test_add_lesson_page_and_article_sanitised(client, course_a):
    client.force_login(course_a.instructor)
    section = course_a.sections.get()
    add_url = f"{reverse('admin:courses_coursecontent_add')}?course={course_a.pk}&kind=article"
    page = client.get(add_url)
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields["section"].queryset) == [section]

    body = "Hello <script>alert(1)</script> <a href='#' onclick='steal()'>x</a>"
    response = client.post(add_url, lesson_data(course_a, section, title="Article", article_body=body))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:courses_course_outline", args=[course_a.pk]))
    lesson = CourseContent.objects.get(title="Article")
    assert "<script" not in lesson.article_html and "onclick" not in lesson.article_html


def test_lesson_in_another_instructors_course_is_refused(client, course_a, course_b):
    client.force_login(course_a.instructor)
    other_section = CourseSection.objects.create(course=course_b, title="B section")
    response = client.post(
        reverse("admin:courses_coursecontent_add"),
        lesson_data(course_b, other_section, article_body="x"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "course" in errors and "section" in errors
    assert not CourseContent.objects.filter(course=course_b).exists()


def test_quiz_questions_inline_with_validation(client, course_a):
    quiz = QuizContentFactory(course=course_a, title="Quiz")
    client.force_login(course_a.instructor)
    url = reverse("admin:courses_coursecontent_change", args=[quiz.pk])
    data = lesson_data(course_a, quiz.section, title="Quiz", kind="quiz", order=str(quiz.order))
    data |= {
        "questions-TOTAL_FORMS": "1",
        "questions-0-order": "0",
        "questions-0-question": "Capital of France?",
        "questions-0-question_type": "single_choice",
        "questions-0-options_text": ["Paris", "Lyon", ""],
        "questions-0-points": "1",
        "questions-0-is_active": "on",
    }
    response = client.post(url, data)  # nothing ticked
    assert response.status_code == 200
    assert "Mark at least one correct answer" in response.text
    assert not quiz.questions.exists()

    data["questions-0-options_correct"] = ["0"]  # the first row ticked
    response = client.post(url, data)
    assert response.status_code == 302
    question = quiz.questions.get()
    assert question.options == ["Paris", "Lyon"] and question.correct_answers == ["Paris"]
