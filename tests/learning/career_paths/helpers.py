"""Helpers of the career path tests: paths of published courses with one required lesson each, and completing
a course through the services (on-commit callbacks run, as after a real request)."""

from learning import services
from learning.models import CareerPath, PathCourse
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory


def course_with_lesson(**kwargs):
    course = PublishedCourseFactory(**kwargs)
    ContentFactory(section=SectionFactory(course=course, order=1), order=1)
    return course


def make_path(n=3, *, published=True, chained=True, slug=None, required=None, **fields):
    """A path of n fresh courses at positions 10, 20, ...; each needs the previous one when `chained`."""
    path = CareerPath.objects.create(
        slug=slug or f"path-{CareerPath.objects.count() + 1}",
        title=fields.pop("title", "Data analyst"),
        status=CareerPath.Status.PUBLISHED if published else CareerPath.Status.DRAFT,
        **fields,
    )
    entries, previous = [], None
    for i in range(n):
        entry = PathCourse.objects.create(
            path=path, course=course_with_lesson(), position=(i + 1) * 10,
            is_required=True if required is None else required[i],
        )  # fmt: skip
        if chained and previous is not None:
            entry.prerequisites.add(previous)
        entries.append(entry)
        previous = entry
    return path, entries


def complete(user, course, capture):
    """Enrol (free) and complete every lesson of `course`, then run the on-commit work (tasks)."""
    with capture(execute=True):
        services.enrollment_create(user=user, course=course, source="free")
        for lesson in course.contents.all():
            services.lesson_mark_complete(user=user, content=lesson)
