"""Assignments: a student submits (or resubmits, until graded or the deadline) text and/or a file; the
course staff grade it (a re-grade is an audited override)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.validators import validate_content_file
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from learning import permissions
from learning.models import Assignment, AssignmentSubmission

from ._common import _access_enrollment


@transaction.atomic
def assignment_submit(*, user: User, assignment: Assignment, text: str = "", file=None) -> AssignmentSubmission:
    """Submit (or resubmit, until graded or the deadline) text and/or a file."""
    if not assignment.is_published:
        raise ValidationError(_("This assignment is not open."), code="unpublished")
    _access_enrollment(user=user, course_id=assignment.course_id)
    text = (text or "").strip()
    if not text and not file:
        raise ValidationError(_("Write an answer or attach a file."), code="empty")
    if file:
        try:
            validate_content_file(file, "document")
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
    now = timezone.now()
    late = assignment.due_at is not None and now > assignment.due_at
    existing = AssignmentSubmission.objects.select_for_update().filter(assignment=assignment, user=user).first()
    if existing is not None and existing.status == AssignmentSubmission.Status.GRADED:
        raise ValidationError(_("This submission has been graded; it can no longer be changed."), code="graded")
    if late and not assignment.allow_late:
        raise ValidationError(_("The deadline has passed; this assignment does not accept late work."), code="late")
    if late and existing is not None:
        raise ValidationError(_("The deadline has passed; your submission can no longer be changed."), code="late")
    submission = existing or AssignmentSubmission(assignment=assignment, user=user, course_id=assignment.course_id)
    replaced = submission.file.name if (existing is not None and file and submission.file) else ""
    if existing is not None:
        submission.revision += 1
    submission.text = text
    if file:
        submission.file = file
    submission.submitted_at = now
    submission.is_late = late
    submission.full_clean(validate_unique=False)
    submission.save()
    if replaced and replaced != submission.file.name:
        # The previous file goes only once the new one is committed: a failed resubmission keeps it.
        storage = submission.file.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    return submission


@transaction.atomic
def submission_grade(
    *, submission: AssignmentSubmission, grader: User, score: Decimal, feedback: str = ""
) -> AssignmentSubmission:
    """Grade a submission (score <= the assignment's points); a re-grade is an audited override."""
    submission = (
        AssignmentSubmission.objects.select_for_update(of=("self",))
        .select_related("assignment", "course", "user")
        .get(pk=submission.pk)
    )
    if not permissions.can_grade_course(grader, submission.course):
        raise PermissionDenied(_("You do not teach this course."))
    score = Decimal(str(score))
    if score < 0 or score > submission.assignment.points:
        raise ValidationError({"score": f"The score must be between 0 and {submission.assignment.points}."})
    was_graded = submission.status == AssignmentSubmission.Status.GRADED
    old_score = submission.score
    submission.score = score
    submission.feedback = feedback.strip()
    submission.status = AssignmentSubmission.Status.GRADED
    submission.graded_by = grader
    submission.graded_at = timezone.now()
    submission.full_clean(validate_unique=False)
    submission.save(update_fields=["score", "feedback", "status", "graded_by", "graded_at", "updated_at"])
    audit_log_create(
        actor=grader,
        action="learning.grade_override" if was_graded else "learning.submission_graded",
        target=submission,
        changes={"score": [str(old_score) if old_score is not None else None, str(score)]},
    )
    notification_create(
        user=submission.user,
        category=Notification.Category.GRADING,
        title=f"“{submission.assignment.title}” was graded",
        body=f"Score: {score} / {submission.assignment.points}.",
        url=reverse("learning:assignment", kwargs={"assignment_id": submission.assignment_id}),
    )
    return submission
