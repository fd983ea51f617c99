""" "Teaches this course": one rule (courses.permissions / courses.models), the same answer in every form
(predicate, query filter, queryset method) and in every app that asks (courses, learning, community,
reports).  Superusers teach only what they own or co-author; "course staff" adds every course for them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from community import permissions as community_permissions
from courses import permissions
from courses.models import Course
from learning import permissions as learning_permissions
from learning.models import Enrollment
from reports.permissions import report_courses
from tests.courses.factories import CollaboratorFactory, CourseFactory
from tests.factories import AdminFactory, InstructorFactory, ModeratorFactory, ReviewerFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

#               teaches  staff
EXPECTED = {
    "instructor": (True, True),
    "co_author": (True, True),
    "other_instructor": (False, False),
    "superuser": (False, True),
    "staff_not_superuser": (False, False),
    "student": (False, False),
}


@pytest.fixture
def world():
    owner = InstructorFactory()
    course = CourseFactory(instructor=owner)
    co_author = CollaboratorFactory(course=course).user
    CollaboratorFactory(course=course)  # a second co-author: filters must not repeat rows
    other = InstructorFactory()
    CourseFactory(instructor=other)  # a course the others do not teach
    people = {
        "instructor": owner,
        "co_author": co_author,
        "other_instructor": other,
        "superuser": AdminFactory(),
        "staff_not_superuser": ReviewerFactory(),
        "student": StudentFactory(),
    }
    return course, people


@pytest.mark.parametrize("who", EXPECTED)
def test_the_predicates(world, who):
    course, people = world
    teaches, staff = EXPECTED[who]
    user = people[who]
    assert permissions.user_teaches_course(user, course) is teaches
    assert permissions.is_course_staff(user, course) is staff


@pytest.mark.parametrize("who", EXPECTED)
def test_the_query_forms_agree_with_the_predicates(world, who):
    course, people = world
    teaches, staff = EXPECTED[who]
    user = people[who]
    taught = set(Course.objects.taught_by(user))
    assert (course in taught) is teaches
    assert taught == set(Course.objects.filter(permissions.courses_taught_q(user)))
    assert all(permissions.user_teaches_course(user, c) for c in taught)
    managed = list(Course.objects.editable_by(user))
    assert (course in managed) is staff
    if who == "superuser":
        assert len(managed) == Course.objects.count()
    assert len(managed) == len(set(managed)), "no row twice"


def test_superuser_who_co_authors_teaches_that_course_only(world):
    course, people = world
    admin = people["superuser"]
    CollaboratorFactory(course=course, user=admin)
    assert permissions.user_teaches_course(admin, course)
    assert list(Course.objects.taught_by(admin)) == [course]
    # ... so a superuser reviewer never decides a course they teach, but decides the others.
    course.status = Course.Status.IN_REVIEW
    other = CourseFactory(status=Course.Status.IN_REVIEW)
    assert not permissions.can_decide_course(admin, course)
    assert permissions.can_decide_course(admin, other)


def test_rows_reached_through_a_prefix_are_filtered_once_each(world):
    course, people = world
    enrollments = EnrollmentFactory.create_batch(3, course=course)
    EnrollmentFactory()  # another course
    for who in ("instructor", "co_author"):
        rows = list(Enrollment.objects.filter(permissions.courses_taught_q(people[who], "course")))
        assert sorted(e.pk for e in rows) == sorted(e.pk for e in enrollments)
    assert not Enrollment.objects.filter(permissions.courses_taught_q(people["superuser"], "course")).exists()
    assert Enrollment.objects.filter(permissions.course_staff_q(people["superuser"], "course")).count() == 4


def test_anonymous_and_inactive_users_teach_nothing(world):
    course, people = world
    anonymous = AnonymousUser()
    assert not permissions.user_teaches_course(anonymous, course)
    assert not permissions.is_course_staff(anonymous, course)
    assert not Course.objects.taught_by(anonymous).exists()
    assert not Course.objects.editable_by(anonymous).exists()
    owner = people["instructor"]
    owner.is_active = False
    assert not permissions.user_teaches_course(owner, course)  # may not act ...
    assert course in Course.objects.taught_by(owner)  # ... but still taught it (reports by instructor)


def test_course_teachers_q_reads_the_rule_backwards(world, django_user_model):
    course, people = world
    teachers = set(django_user_model.objects.filter(permissions.course_teachers_q(Course.objects.filter(pk=course.pk))))
    assert {people["instructor"], people["co_author"]} <= teachers
    assert len(teachers) == 3  # owner and two co-authors
    assert people["superuser"] not in teachers


def test_no_query_for_the_owner_or_prefetched_co_authors(world, django_assert_num_queries):
    course, people = world
    with django_assert_num_queries(0):
        assert permissions.user_teaches_course(people["instructor"], course)
    prefetched = Course.objects.prefetch_related("collaborators").get(pk=course.pk)
    with django_assert_num_queries(0):
        assert permissions.user_teaches_course(people["co_author"], prefetched)
        assert not permissions.user_teaches_course(people["other_instructor"], prefetched)


@pytest.mark.parametrize("who", EXPECTED)
def test_every_app_asks_the_same_rule(world, who):
    course, people = world
    user = people[who]
    teaches, staff = EXPECTED[who]
    # learning: course staff grade and take attendance
    assert learning_permissions.can_grade_course(user, course) is staff
    assert learning_permissions.can_record_attendance(user, course) is staff
    # community: teachers and superusers see hidden posts and belong to the course
    assert community_permissions.can_see_hidden(user, course) is staff
    assert community_permissions.is_course_member(user, course) is staff
    # reports: an instructor's course reports cover the courses they teach
    if user.role == "instructor":
        assert (course in report_courses(user, "completion")) is teaches


def test_teachers_message_their_students(world):
    course, people = world
    student = people["student"]
    EnrollmentFactory(course=course, user=student)
    for who in ("instructor", "co_author"):
        assert community_permissions.teaches_student(people[who], student)
    for who in ("other_instructor", "superuser", "staff_not_superuser"):
        assert not community_permissions.teaches_student(people[who], student)


def test_moderators_are_members_without_teaching(world):
    course, _ = world
    moderator = ModeratorFactory()
    assert not permissions.user_teaches_course(moderator, course)
    assert community_permissions.is_course_member(moderator, course)
    assert not Enrollment.objects.filter(permissions.courses_taught_q(moderator, "course")).exists()
