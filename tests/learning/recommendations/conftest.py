import datetime as dt

import pytest
from django.utils import timezone

from learning import services
from learning.models import Enrollment
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory


def enrol(user, course, *, status="enrolled", days_ago=40):
    """An enrolment row as it would be (any status, any date), without the services' rules."""
    at = timezone.now() - dt.timedelta(days=days_ago)
    return Enrollment.objects.create(
        user=user, course=course, status=status, enrolled_at=at,
        completed_at=at if status == "completed" else None, dropped_at=at if status == "dropped" else None,
    )  # fmt: skip


def learners_taking(*courses, n: int, days_ago: int = 40):
    """n new learners who each took every one of `courses`."""
    people = StudentFactory.create_batch(n)
    for person in people:
        for course in courses:
            enrol(person, course, days_ago=days_ago)
    return people


def compute(**overrides):
    return services.recommendations_compute(trigger="command", **overrides)


@pytest.fixture
def course_factory(db):
    return PublishedCourseFactory
