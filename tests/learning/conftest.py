import pytest

from learning import services
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory


@pytest.fixture
def course(db, instructor):
    """A free published course with two sections and three required lessons (+1 optional)."""
    course = PublishedCourseFactory(instructor=instructor, title="Python Basics")
    s1 = SectionFactory(course=course, order=1, title="Start")
    s2 = SectionFactory(course=course, order=2, title="More")
    ContentFactory(section=s1, order=1, title="Welcome")
    ContentFactory(section=s1, order=2, title="Variables")
    ContentFactory(section=s2, order=1, title="Loops")
    ContentFactory(section=s2, order=2, title="Extra reading", is_required=False)
    return course


@pytest.fixture
def lessons(course):
    return list(course.contents.order_by("section__order", "order"))


@pytest.fixture
def enrollment(course, student):
    return services.enrollment_create(user=student, course=course)
