"""The seat limit holds under concurrent enrolments (PostgreSQL: real row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from courses.models import Course
from learning import services
from learning.models import Enrollment
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_enrolments_for_five_seats():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    course = PublishedCourseFactory(max_students=5)
    students = [StudentFactory() for _ in range(20)]
    barrier = threading.Barrier(len(students))
    outcomes: list[str] = []
    lock = threading.Lock()

    def enrol(user):
        try:
            barrier.wait()
            services.enrollment_create(user=user, course=Course.objects.get(pk=course.pk))
            result = "enrolled"
        except ValidationError as exc:
            result = exc.messages[0]
        except Exception as exc:  # noqa: BLE001 - surfaces in the assertion below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=enrol, args=(s,)) for s in students]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(outcomes) == 20
    assert outcomes.count("enrolled") == 5, outcomes
    assert all(o == "enrolled" or "full" in o for o in outcomes), outcomes
    assert Enrollment.objects.filter(course=course).count() == 5
    course.refresh_from_db()
    assert course.enrollment_count == 5
