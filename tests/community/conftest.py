import pytest

from accounts import roles
from learning import services as learning_services
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory
from tests.factories import InstructorFactory, StudentFactory


@pytest.fixture
def course(db, instructor):
    course = PublishedCourseFactory(instructor=instructor, title="Python Basics", slug="python-basics")
    section = SectionFactory(course=course, order=1, title="Start")
    ContentFactory(section=section, order=1, title="Welcome")
    return course


@pytest.fixture
def lesson(course):
    return course.contents.first()


@pytest.fixture
def enrolled(course, student):
    """`student` enrolled in `course` (through the learning service)."""
    learning_services.enrollment_create(user=student, course=course)
    return student


@pytest.fixture
def outsider(db):
    return StudentFactory(first_name="Olga", last_name="Outsider")


@pytest.fixture
def other_instructor(db):
    return InstructorFactory(first_name="Otto", last_name="Other")


@pytest.fixture
def support(make_staff):
    return make_staff(roles.SUPPORT)
