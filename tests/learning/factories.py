"""Factories for learning tests (rows written directly; use the services when a test is about them)."""

import datetime as dt

import factory
from django.utils import timezone

from learning.models import Assignment, AssignmentSubmission, Enrollment, UserNote
from tests.courses.factories import ContentFactory, PublishedCourseFactory
from tests.factories import UserFactory


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(PublishedCourseFactory)
    enrolled_at = factory.LazyFunction(timezone.now)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    course = factory.SubFactory(PublishedCourseFactory)
    instructor = factory.SelfAttribute("course.instructor")
    title = factory.Sequence(lambda n: f"Assignment {n}")
    description = "Write an essay."
    points = 20
    is_published = True


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentSubmission

    assignment = factory.SubFactory(AssignmentFactory)
    course = factory.SelfAttribute("assignment.course")
    user = factory.SubFactory(UserFactory)
    text = "My answer."
    submitted_at = factory.LazyFunction(timezone.now)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserNote

    user = factory.SubFactory(UserFactory)
    content = factory.SubFactory(ContentFactory)
    course = factory.SelfAttribute("content.course")
    body = "A private thought."


def quiz_answers(attempt, correct=True) -> dict:
    """Answers to the `quiz` fixture (tests/learning/conftest.py) by question id: all right, or all wrong."""
    by_text = {q.question: q for q in attempt.content.questions.all()}
    good = {
        "Capital of France?": "Paris",
        "Pick primes": ["3", "2"],
        "Python is typed dynamically": "True",
        "Keyword to define a function?": "  DEF. ",
    }
    bad = {"Capital of France?": "London", "Pick primes": ["2"], "Python is typed dynamically": "False"}
    chosen = good if correct else bad
    return {str(by_text[t].pk): v for t, v in chosen.items()}


class ClassSessionFactory(factory.django.DjangoModelFactory):
    """A session running now (started 5 minutes ago, ends in 55 minutes), UTC."""

    class Meta:
        model = "learning.ClassSession"

    course = factory.SubFactory(PublishedCourseFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    timezone = "UTC"
    room = "Room 2"
    grace_minutes = 10
