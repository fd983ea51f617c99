"""What the player shows as locked cannot be completed or started through a POST or the API either."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import LessonCompletion
from tests.courses.factories import QuestionFactory, QuizContentFactory

pytestmark = pytest.mark.django_db


def test_a_lesson_of_a_course_that_has_not_started_cannot_be_completed(client, course, lessons, enrollment, student):
    course.start_date = timezone.localdate() + dt.timedelta(days=30)
    course.save(update_fields=["start_date"])
    client.force_login(student)
    client.post(reverse("learning:lesson_complete", args=[course.slug, lessons[0].pk]))
    with pytest.raises(ValidationError, match="The course opens on"):
        services.lesson_mark_complete(user=student, content=lessons[0])
    assert not LessonCompletion.objects.filter(user=student, completed=True).exists()


def test_a_lesson_available_later_cannot_be_completed_yet(course, lessons, enrollment, student):
    lesson = lessons[1]
    lesson.metadata = {"available_from": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}
    lesson.save(update_fields=["metadata"])
    with pytest.raises(ValidationError, match="Available from"):
        services.lesson_mark_complete(user=student, content=lesson)
    services.lesson_mark_complete(user=student, content=lessons[0])  # an open lesson still completes
    assert LessonCompletion.objects.filter(user=student, completed=True).count() == 1


def test_a_lesson_in_an_unpublished_section_is_refused(course, lessons, enrollment, student):
    section = lessons[0].section
    section.is_published = False
    section.save(update_fields=["is_published"])
    with pytest.raises(ValidationError, match="not available"):
        services.lesson_mark_complete(user=student, content=lessons[0])


def test_a_quiz_cannot_be_started_before_the_course_opens(course, enrollment, student):
    quiz = QuizContentFactory(section=course.sections.first(), order=9)
    QuestionFactory(content=quiz)
    course.start_date = timezone.localdate() + dt.timedelta(days=1)
    course.save(update_fields=["start_date"])
    with pytest.raises(ValidationError, match="The course opens on"):
        services.quiz_attempt_start(user=student, content=quiz)
