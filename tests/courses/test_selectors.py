"""Authoring reads in courses.selectors."""

import pytest

from courses import selectors
from tests.courses.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_course_slug_generate():
    course = CourseFactory(title="Intro to Django", slug="intro-to-django")
    assert selectors.course_slug_generate(title="Intro to Django!") == "intro-to-django-2"
    assert selectors.course_slug_generate(title="Intro to Django", exclude_pk=course.pk) == "intro-to-django"
