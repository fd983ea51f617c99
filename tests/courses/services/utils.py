"""Steps shared by the course service tests."""

from courses import services
from courses.models import Course, CourseVersion


def make_in_review(course: Course) -> Course:
    services.course_submit(course=course, user=course.instructor)
    return course


def statuses(course: Course) -> str:
    course.refresh_from_db()
    return course.status


def approve(course: Course, reviewer) -> CourseVersion:
    services.course_submit(course=course, user=course.instructor)
    return services.course_approve(course=course, reviewer=reviewer)
