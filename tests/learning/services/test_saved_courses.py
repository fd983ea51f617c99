"""learning.services.saved_courses: the wishlist; adding twice keeps one row, removing is idempotent."""

import pytest

from learning import services
from learning.models import SavedCourse
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_saving_twice_keeps_one_row_and_removing_twice_is_harmless(student):
    course = PublishedCourseFactory()
    first = services.saved_course_add(user=student, course=course)
    assert services.saved_course_add(user=student, course=course).pk == first.pk
    other = services.saved_course_add(user=StudentFactory(), course=course)
    services.saved_course_remove(user=student, course=course)
    services.saved_course_remove(user=student, course=course)
    assert list(SavedCourse.objects.values_list("pk", flat=True)) == [other.pk]
