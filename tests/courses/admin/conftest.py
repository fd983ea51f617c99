"""Fixtures of the course admin tests."""

import pytest

from tests.courses.factories import ContentFactory, CourseFactory
from tests.factories import ReviewerFactory


@pytest.fixture
def course_a():
    course = CourseFactory(title="Course of A")
    ContentFactory(course=course, title="A lesson")
    return course


@pytest.fixture
def course_b():
    return CourseFactory(title="Course of B")


@pytest.fixture
def reviewer():
    return ReviewerFactory()
