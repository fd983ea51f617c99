"""Factories for community tests (rows written directly; use the services when a test is about them)."""

import factory
from django.utils import timezone

from community.models import (
    DiscussionThread,
    Review,
    SupportTicket,
    Survey,
    SurveyQuestion,
    ThreadReply,
)
from tests.courses.factories import PublishedCourseFactory
from tests.factories import UserFactory
from tests.learning.factories import EnrollmentFactory


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscussionThread

    course = factory.SubFactory(PublishedCourseFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Thread {n}")
    body = "How do I *do* this?"
    last_activity_at = factory.LazyFunction(timezone.now)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThreadReply

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = "Like **this**."


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    enrollment = factory.SubFactory(EnrollmentFactory)
    course = factory.SelfAttribute("enrollment.course")
    author = factory.SelfAttribute("enrollment.user")
    rating = 4
    body = "Good course."


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportTicket

    requester = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: 1000 + n)
    subject = factory.Sequence(lambda n: f"Problem {n}")
    last_activity_at = factory.LazyFunction(timezone.now)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Survey {n}")
    audience = Survey.Audience.ALL
    is_published = True


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = SurveyQuestion.Kind.RATING
    order = factory.Sequence(lambda n: n)
