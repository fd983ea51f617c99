"""Moving a lesson to another section (services.outline.content_move)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import services
from courses.models import Course
from tests.courses.factories import ContentFactory, CourseFactory, SectionFactory
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db


def _layout(course) -> list[list[str]]:
    return [[c.title for c in s.contents.order_by("order")] for s in course.sections.order_by("order")]


def test_content_move_keeps_orders_gapless(course):
    user = course.instructor
    first = course.sections.get()
    ContentFactory(section=first, title="Second")
    other = SectionFactory(course=course)
    ContentFactory(section=other, title="Third")
    welcome = first.contents.get(title="Welcome")
    services.content_move(content=welcome, user=user, section=other, position=0)
    assert _layout(course) == [["Second"], ["Welcome", "Third"]]
    services.content_move(content=welcome, user=user, section=other, position=99)
    assert _layout(course) == [["Second"], ["Third", "Welcome"]]
    services.content_move(content=welcome, user=user, section=first)
    assert _layout(course) == [["Second", "Welcome"], ["Third"]]
    assert [c.order for c in first.contents.order_by("order")] == [0, 1]


def test_content_move_refuses_another_course_and_others(course):
    welcome = course.contents.get()
    foreign = SectionFactory(course=CourseFactory(instructor=course.instructor))
    with pytest.raises(ValidationError):
        services.content_move(content=welcome, user=course.instructor, section=foreign)
    with pytest.raises(ValidationError):
        services.content_move(content=welcome, user=course.instructor, section=welcome.section, position=-1)
    with pytest.raises(PermissionDenied):
        services.content_move(content=welcome, user=InstructorFactory(), section=welcome.section)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.content_move(content=welcome, user=course.instructor, section=welcome.section)
    assert _layout(course) == [["Welcome"]]
