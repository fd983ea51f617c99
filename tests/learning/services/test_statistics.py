"""learning.services.statistics: CourseStats aggregated in SQL; the catalog's counters recounted from the
enrolment rows (learning counts its rows, courses.counters writes the course columns)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Course
from learning import services
from learning.models import CourseStats, Enrollment
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_course_stats_are_aggregated_in_sql(course, instructor, django_capture_on_commit_callbacks):
    students = [StudentFactory() for _ in range(4)]
    for s in students:
        services.enrollment_create(user=s, course=course)
    services.enrollment_drop(enrollment=students[3].enrollments.get(), user=students[3])
    lessons = list(course.contents.filter(is_required=True))
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            services.lesson_mark_complete(user=students[0], content=lesson)
        services.lesson_mark_complete(user=students[1], content=lessons[0])
    assert services.course_stats_refresh(course_ids=[course.pk]) == 1
    stats = CourseStats.objects.get(course=course)
    assert (stats.total_enrollments, stats.active_enrollments, stats.completed_enrollments) == (4, 2, 1)
    assert stats.completion_rate == Decimal("25.00")
    assert stats.average_progress == Decimal("44.44")  # (100 + 33.33 + 0) / 3


def test_course_counters_recount_repairs_drifted_counters():

    now = timezone.now()
    busy = PublishedCourseFactory(enrollment_count=12801, completion_count=4267)  # drifted
    EnrollmentFactory(course=busy)
    EnrollmentFactory(course=busy, status=Enrollment.Status.COMPLETED, completed_at=now)
    EnrollmentFactory(course=busy, status=Enrollment.Status.DROPPED, dropped_at=now)
    EnrollmentFactory(course=busy, status=Enrollment.Status.SUSPENDED)
    empty = PublishedCourseFactory(enrollment_count=5, completion_count=2)
    other = PublishedCourseFactory(enrollment_count=7, completion_count=1)

    assert services.course_counters_recount(course_ids=[busy.pk, empty.pk]) == 2
    counts = dict(Course.objects.values_list("pk", "enrollment_count"))
    done = dict(Course.objects.values_list("pk", "completion_count"))
    assert (counts[busy.pk], done[busy.pk]) == (2, 1)  # enrolled + completed; dropped and suspended do not count
    assert (counts[empty.pk], done[empty.pk]) == (0, 0)
    assert (counts[other.pk], done[other.pk]) == (7, 1)  # not asked for: untouched

    assert services.course_counters_recount() == Course.objects.count()
    assert Course.objects.get(pk=other.pk).enrollment_count == 0


def test_course_counters_recount_is_one_query(django_assert_num_queries):

    PublishedCourseFactory.create_batch(3, enrollment_count=9)
    with django_assert_num_queries(1):
        assert services.course_counters_recount() == 3
    assert set(Course.objects.values_list("enrollment_count", flat=True)) == {0}
