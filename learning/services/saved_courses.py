"""Saved courses: the learner's wishlist."""

from __future__ import annotations

from accounts.models import User
from courses.models import Course
from learning.models import SavedCourse


def saved_course_add(*, user: User, course: Course) -> SavedCourse:
    saved, _ = SavedCourse.objects.get_or_create(user=user, course=course)
    return saved


def saved_course_remove(*, user: User, course: Course) -> None:
    SavedCourse.objects.filter(user=user, course=course).delete()
