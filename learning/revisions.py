"""Assignments in course revisions (registered with `courses.revisions` by `LearningConfig.ready`).

When an author revises a live course (`courses.services.revisions`), its assignments are copied onto
the revision, shown in the reviewer's diff, and applied to the live course when the revision is
approved: assignments that survive keep their id (and their submissions and grades), new ones move
to the live course, removed ones are deleted, or unpublished when students already submitted work.

Lessons learners' data hangs on (progress, quiz attempts, notes) are reported to courses, which then
unpublishes a lesson a revision drops instead of deleting it.
"""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from courses.revisions import RevisionParticipant
from courses.selectors import snapshot_value

from .models import Assignment, AssignmentSubmission, LessonCompletion, QuizAttempt, UserNote
from .services.assignment_authoring import (
    ASSIGNMENT_FIELDS,  # what an assignment is made of (authored, revised, diffed)
)


class AssignmentRevisions(RevisionParticipant):
    kind = "assignment"
    verbose_name = "assignment"

    def snapshot(self, *, course) -> list[dict[str, Any]]:
        rows = Assignment.objects.filter(course=course).order_by("due_at", "title", "id")
        return [
            {"id": str(row.pk), **{name: snapshot_value(getattr(row, name)) for name in ASSIGNMENT_FIELDS}}
            for row in rows
        ]

    def clone(self, *, source, revision) -> dict[str, str]:
        copies = {}
        for row in Assignment.objects.filter(course=source):
            copy = Assignment(
                course=revision,
                instructor_id=row.instructor_id,
                **{name: getattr(row, name) for name in ASSIGNMENT_FIELDS},
            )
            copies[copy] = row.pk
        Assignment.objects.bulk_create(copies)
        return {str(copy.pk): str(origin) for copy, origin in copies.items()}

    def apply(self, *, revision, live, origins: dict[str, str]) -> None:
        live_rows = {row.pk: row for row in Assignment.objects.select_for_update().filter(course=live)}
        kept = set()
        for row in Assignment.objects.filter(course=revision):
            origin = origins.get(str(row.pk))
            target = live_rows.get(UUID(origin)) if origin else None
            if target is None:  # new in the revision: it moves to the live course
                row.course = live
                row.save(update_fields=["course", "updated_at"])
                continue
            for name in ASSIGNMENT_FIELDS:
                setattr(target, name, getattr(row, name))
            target.full_clean()
            target.save(update_fields=[*ASSIGNMENT_FIELDS, "updated_at"])
            kept.add(target.pk)
        removed = [pk for pk in live_rows if pk not in kept]
        with_work = set(
            AssignmentSubmission.objects.filter(assignment_id__in=removed).values_list("assignment_id", flat=True)
        )
        Assignment.objects.filter(pk__in=with_work).update(is_published=False)
        Assignment.objects.filter(pk__in=[pk for pk in removed if pk not in with_work]).delete()

    def contents_in_use(self, *, content_ids: Iterable) -> set:
        ids = list(content_ids)
        used: set = set()
        for model in (LessonCompletion, QuizAttempt, UserNote):
            used |= set(model.objects.filter(content_id__in=ids).values_list("content_id", flat=True).distinct())
        return used
