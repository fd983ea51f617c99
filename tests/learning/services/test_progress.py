"""learning.services.progress: completing lessons (required ones count once), time spent, and what the
player shows as locked cannot be completed or started through a POST or the API either."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import Enrollment, LessonCompletion
from tests.courses.factories import ContentFactory, QuestionFactory, QuizContentFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_progress_counts_required_lessons_only_and_once(enrollment, student, lessons):
    services.lesson_mark_complete(user=student, content=lessons[0])
    services.lesson_mark_complete(user=student, content=lessons[0])  # again: nothing changes
    services.lesson_mark_complete(user=student, content=lessons[3])  # optional lesson
    enrollment.refresh_from_db()
    assert enrollment.completed_required == 1
    assert enrollment.progress_percent == Decimal("33.33")
    assert enrollment.status == Enrollment.Status.ENROLLED
    assert LessonCompletion.objects.filter(user=student, completed=True).count() == 2


def test_quiz_lessons_cannot_be_marked_complete_by_hand(enrollment, student, course):
    quiz = QuizContentFactory(section=course.sections.first(), order=9)
    with pytest.raises(ValidationError, match="Pass the quiz"):
        services.lesson_mark_complete(user=student, content=quiz)


def test_not_enrolled_cannot_complete(lessons):
    with pytest.raises(PermissionDenied):
        services.lesson_mark_complete(user=StudentFactory(), content=lessons[0])


def test_time_spent_is_bounded_per_heartbeat(enrollment, student, lessons):
    services.lesson_time_record(user=student, content=lessons[0], seconds=30)
    completion = services.lesson_time_record(user=student, content=lessons[0], seconds=100000)
    assert completion.time_spent_seconds == 30 + services.MAX_HEARTBEAT_SECONDS


def test_new_required_lesson_lowers_progress_denominator(enrollment, student, lessons, course):
    services.lesson_mark_complete(user=student, content=lessons[0])
    ContentFactory(section=course.sections.first(), order=7)
    services.lesson_mark_complete(user=student, content=lessons[1])
    enrollment.refresh_from_db()
    assert (enrollment.completed_required, enrollment.required_total) == (2, 4)
    assert enrollment.progress_percent == Decimal("50.00")


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
