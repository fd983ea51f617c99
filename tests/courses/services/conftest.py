"""Fixtures of the course service tests."""

import pytest

from tests.courses.factories import ContentFactory, CourseFactory
from tests.factories import ReviewerFactory


@pytest.fixture
def reviewer():
    return ReviewerFactory()


@pytest.fixture
def course():
    """A draft course with one section and one article lesson."""
    course = CourseFactory(title="Intro to Django")
    ContentFactory(course=course, title="Welcome")
    return course
