"""Authoring and review in the Django admin.

Instructors see and edit only the courses they own or co-author (and only while the course is a
draft or has changes requested); reviewers see every course read-only and decide from the review
queue.  Status changes go through `courses.services`; forms validate through the models' clean().

The admin is split by purpose (catalog lookups, the course page, the course outline, lessons and their
forms, review); importing the modules registers their ModelAdmins (the outline's views are registered
by `CourseAdmin.get_urls`).
"""

from . import catalog, content, courses, review
from ._common import preview_url

__all__ = ["catalog", "content", "courses", "review", "preview_url"]
