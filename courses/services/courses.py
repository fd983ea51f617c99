"""A course's life: create, update, delete, submit for review, approve, request changes, archive, notify.

Status changes happen here only, along these edges:

    draft ─────────────┐
                       ├─ submit ─▶ in_review ─ approve ─────────▶ published ─ archive ─▶ archived
    changes_requested ─┘               └── request changes ─▶ changes_requested

Each submission/decision is a `CourseApprovalRequest` row plus an audit row; decisions notify the
instructor from a Celery task queued on commit.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.enqueue import enqueue_on_commit
from courseworx.core.exceptions import ConflictError
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.services_webhooks import webhook_event_emit

from .. import permissions
from ..models import Course, CourseApprovalRequest, CourseVersion
from ..selectors import course_slug_generate, course_snapshot, course_submit_checklist
from ._common import _apply_fields, _lock_course, _sync
from .revisions import _revision_apply

S = Course.Status
# (from, to) -> the verb used in error messages.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.IN_REVIEW): "submitted",
    (S.CHANGES_REQUESTED, S.IN_REVIEW): "submitted",
    (S.IN_REVIEW, S.PUBLISHED): "approved",
    (S.IN_REVIEW, S.CHANGES_REQUESTED): "sent back for changes",
    (S.PUBLISHED, S.ARCHIVED): "archived",
}

# Fields callers may not set through course_create/course_update.
_COURSE_PROTECTED = {"id", "status", "published_at", "rating", "rating_count", "enrollment_count",
                     "completion_count", "created_at", "updated_at"}  # fmt: skip


def _check_transition(course: Course, target: str) -> None:
    if (course.status, target) not in TRANSITIONS:
        allowed_from = [S(src).label for (src, dst) in TRANSITIONS if dst == target]
        verb = next(v for (_src, dst), v in TRANSITIONS.items() if dst == target)
        raise ConflictError(
            _("This course is %(status)s and cannot be %(verb)s; only a course that is %(allowed)s can."),
            code="invalid_transition",
            params={
                "status": course.get_status_display().lower(),
                "verb": verb,
                "allowed": " or ".join(a.lower() for a in allowed_from),
            },
        )


def _set_status(course: Course, status: str, *extra_fields: str) -> str:
    old = course.status
    course.status = status
    course.save(update_fields=["status", *extra_fields, "updated_at"])
    return old


def _enqueue_review_notification(approval_request_id) -> None:
    enqueue_on_commit("courses.course_review_notify", str(approval_request_id))


# --- create, update, delete ---------------------------------------------------------------------


def _set_course_m2m(course: Course, tags, prerequisites, categories=None) -> None:
    if prerequisites is not None:
        course.prerequisites.set(prerequisites)
    if tags is not None:
        course.tags.set(list(tags))
    course_categories_set(course=course, categories=categories)


def course_categories_set(*, course: Course, categories=None) -> None:
    """Make `categories` (objects or ids; None keeps the current ones) the course's categories, always with
    its primary `course.category` among them (the one rule of the many-to-many: callers cannot drop it)."""
    if categories is not None:
        ids = {getattr(c, "pk", c) for c in categories}
        if course.category_id:
            ids.add(course.category_id)
        course.categories.set(ids)
    elif course.category_id:
        course.categories.add(course.category_id)


def _prerequisites_check(course: Course, prerequisites) -> list | None:
    if prerequisites is None:
        return None
    prerequisites = list(prerequisites)
    course.validate_prerequisites(prerequisites)
    return prerequisites


def _course_build(*, instructor: User, fields: dict[str, Any]) -> tuple[Course, Any, list | None]:
    """course_create's checks: the validated, unsaved course and its tags and prerequisites."""
    if not (instructor.is_active and (instructor.is_superuser or instructor.role in ("instructor", "admin"))):
        raise PermissionDenied(_("Only instructors can create courses."))
    fields = dict(fields)
    tags = fields.pop("tags", None)
    prerequisites = fields.pop("prerequisites", None)
    fields.pop("categories", None)  # set after saving (course_create)
    course = Course(instructor=instructor)
    _apply_fields(course, fields, _COURSE_PROTECTED | {"instructor"})
    if not course.slug:
        course.slug = course_slug_generate(title=course.title)
    course.full_clean()
    return course, tags, _prerequisites_check(course, prerequisites)


def _course_apply(*, course: Course, user: User, data: dict[str, Any]) -> tuple[list[str], Any, list | None]:
    """course_update's checks, applied to `course` (the locked copy): changed fields, tags, prerequisites."""
    data = dict(data)
    tags = data.pop("tags", None)
    prerequisites = data.pop("prerequisites", None)
    data.pop("categories", None)  # set after saving (course_update)
    protected = _COURSE_PROTECTED if user.is_superuser else _COURSE_PROTECTED | {"instructor"}
    if not permissions.can_edit_course(user, course):
        raise PermissionDenied(_("You may not edit this course."))
    changed = _apply_fields(course, data, protected)
    # An unchanged thumbnail was checked on upload: do not re-read it from storage.
    course.full_clean(exclude=None if "thumbnail" in changed else ["thumbnail"])
    return changed, tags, _prerequisites_check(course, prerequisites)


def course_check(*, user: User, data: dict[str, Any], course: Course | None = None) -> None:
    """Run the checks of course_create (no `course`) or course_update on `data`, writing nothing.

    Admin forms call it after their own validation, so that a refusal is a form error rather than
    a failed save.  For a new course, `data["instructor"]` (superusers only) chooses the owner;
    otherwise `user` owns it.
    """
    data = dict(data)
    if course is None:
        instructor = data.pop("instructor", None) or user
        if instructor != user and not user.is_superuser:
            raise PermissionDenied(_("Only superusers choose another instructor."))
        _course_build(instructor=instructor, fields=data)
    else:
        _course_apply(course=Course.objects.get(pk=course.pk), user=user, data=data)


def course_create(*, instructor: User, **fields) -> Course:
    """Create a draft course owned by `instructor`; `tags`/`prerequisites` take iterables of objects."""
    course, tags, prerequisites = _course_build(instructor=instructor, fields=fields)
    with transaction.atomic():
        course.save()
        _set_course_m2m(course, tags, prerequisites, fields.get("categories"))
    return course


def course_update(*, course: Course, user: User, data: dict[str, Any]) -> Course:
    with transaction.atomic():
        locked = _lock_course(course)
        # Apply to the locked copy so that concurrent status changes are never overwritten.
        changed, tags, prerequisites = _course_apply(course=locked, user=user, data=data)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        _set_course_m2m(locked, tags, prerequisites, data.get("categories"))
    return locked


def course_delete(*, course: Course, user: User) -> None:
    """Delete a draft that was never published (its owner or a superuser); audited `course.delete`.

    Not an author: PermissionDenied.  Any other state: ConflictError `not_deletable` (archive a
    published course instead).  A co-author may not delete: PermissionDenied.
    """
    with transaction.atomic():
        locked = _lock_course(course)
        if not (user.is_superuser or permissions.user_teaches_course(user, locked)):
            raise PermissionDenied(_("You may not delete this course."))
        if not permissions.can_delete_course(user, locked):
            if locked.status != S.DRAFT or locked.published_at is not None:
                raise ConflictError(
                    _("Only a draft course that was never published can be deleted; archive it instead."),
                    code="not_deletable",
                )
            raise PermissionDenied(_("Only the course's owner can delete it."))
        audit_log_create(actor=user, action="course.delete", target=locked)
        locked.delete()


# --- review workflow ---------------------------------------------------------------------------


def course_submit(*, course: Course, user: User, note: str = "") -> CourseApprovalRequest:
    """Draft / changes requested -> in review.  Refused (ValidationError, one error per item) when an item
    of `selectors.course_submit_checklist` is not met.  The request keeps what was submitted (a
    snapshot): the next review compares with it."""
    with transaction.atomic():
        locked = _lock_course(course)
        if not permissions.user_teaches_course(user, locked):
            raise PermissionDenied(_("Only the course's instructor or a co-author can submit it for review."))
        _check_transition(locked, S.IN_REVIEW)
        refusals = [item for item in course_submit_checklist(locked) if not item.ok]
        if refusals:
            raise ValidationError([ValidationError(item.message, code=item.code) for item in refusals])
        request = CourseApprovalRequest.objects.create(
            course=locked, submitted_by=user, submission_note=note, snapshot=course_snapshot(course=locked)
        )
        old = _set_status(locked, S.IN_REVIEW)
        audit_log_create(
            actor=user, action="course.submit", target=locked, reason=note, changes={"status": [old, locked.status]}
        )
    _sync(course, locked, "status", "updated_at")
    return request


def _open_request(course: Course) -> CourseApprovalRequest:
    request = (
        CourseApprovalRequest.objects.select_for_update()
        .filter(course=course, decision=CourseApprovalRequest.Decision.PENDING)
        .first()
    )
    if request is None:
        # In review without a pending request (e.g. data loaded by hand): record the decision anyway.
        request = CourseApprovalRequest.objects.create(course=course, submitted_by=course.instructor)
    return request


def _check_reviewer(reviewer: User, course: Course) -> None:
    if not permissions.can_review_courses(reviewer):
        raise PermissionDenied(_("Only course reviewers can decide on a course."))
    if permissions.user_teaches_course(reviewer, course):
        raise PermissionDenied(_("You cannot decide on a course you author."))


def _decide(request: CourseApprovalRequest, *, reviewer: User, decision: str, note: str) -> None:
    request.decision = decision
    request.reviewer = reviewer
    request.review_note = note
    request.decided_at = timezone.now()
    request.save(update_fields=["decision", "reviewer", "review_note", "decided_at", "updated_at"])


def course_approve(*, course: Course, reviewer: User, note: str = "") -> CourseVersion:
    """Publish a course in review and record the approved structure as the next version.

    A revision is not published: its content is applied to the live course it revises (which stays
    published), the version is the live course's next one, the revision's review requests move to the
    live course and the revision row is deleted (`course.revision_applied_to` is then the live course).
    """
    with transaction.atomic():
        locked = _lock_course(course)
        _check_reviewer(reviewer, locked)
        _check_transition(locked, S.PUBLISHED)
        if locked.is_revision:
            return _revision_approve(course, locked, reviewer=reviewer, note=note)
        request = _open_request(locked)
        _decide(request, reviewer=reviewer, decision=CourseApprovalRequest.Decision.APPROVED, note=note)
        # Keeps the first publication date when a revised course is approved again.
        locked.published_at = locked.published_at or timezone.now()
        old = _set_status(locked, S.PUBLISHED, "published_at")
        version = _version_create(locked, request, reviewer)
        audit_log_create(
            actor=reviewer,
            action="course.approve",
            target=locked,
            reason=note,
            changes={"status": [old, locked.status], "version": version.number},
        )
        _published_event(locked, version, revision=False)
        _enqueue_review_notification(request.pk)
    _sync(course, locked, "status", "published_at", "updated_at")
    return version


def _published_event(course: Course, version: CourseVersion, *, revision: bool) -> None:
    webhook_event_emit(
        "course.published",
        {
            "course": {"id": course.pk, "slug": course.slug, "title": course.title},
            "instructor_id": course.instructor_id,
            "version": version.number,
            "published_at": course.published_at,
            "revision": revision,
        },
        course=course,
    )


def _version_create(course: Course, request: CourseApprovalRequest, reviewer: User) -> CourseVersion:
    last = course.versions.aggregate(n=Max("number"))["n"] or 0
    return CourseVersion.objects.create(
        course=course, number=last + 1, snapshot=course_snapshot(course=course), approval=request, created_by=reviewer
    )


def _revision_approve(course: Course, revision: Course, *, reviewer: User, note: str) -> CourseVersion:
    """course_approve of a revision (inside its transaction, the revision locked)."""
    assert revision.revision_of is not None  # is_revision means revision_of is set
    live = _lock_course(revision.revision_of)
    if live.status != S.PUBLISHED:
        raise ConflictError(
            _("The course this revision changes is %(status)s, no longer published: the revision cannot be applied."),
            code="invalid_transition",
            params={"status": live.get_status_display().lower()},
        )
    request = _open_request(revision)
    _decide(request, reviewer=reviewer, decision=CourseApprovalRequest.Decision.APPROVED, note=note)
    _revision_apply(revision=revision, live=live)
    version = _version_create(live, request, reviewer)
    # The review history follows the live course (the revision row goes).  Earlier submissions' snapshots
    # hold the revision's row ids: only the approved one is kept, as what the live course now is.
    CourseApprovalRequest.objects.filter(course=revision).exclude(pk=request.pk).update(course=live, snapshot=None)
    CourseApprovalRequest.objects.filter(pk=request.pk).update(course=live, snapshot=version.snapshot)
    audit_log_create(
        actor=reviewer,
        action="course.approve",
        target=live,
        reason=note,
        changes={"revision": str(revision.pk), "version": version.number},
    )
    revision.delete()
    _published_event(live, version, revision=True)
    _enqueue_review_notification(request.pk)
    setattr(course, "revision_applied_to", live)  # noqa: B010  (read by the admin after approving a revision)
    return version


def course_request_changes(*, course: Course, reviewer: User, note: str) -> CourseApprovalRequest:
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError(_("Explain what needs to change."), code="required")},
        )
    with transaction.atomic():
        locked = _lock_course(course)
        _check_reviewer(reviewer, locked)
        _check_transition(locked, S.CHANGES_REQUESTED)
        request = _open_request(locked)
        _decide(request, reviewer=reviewer, decision=CourseApprovalRequest.Decision.CHANGES_REQUESTED, note=note)
        old = _set_status(locked, S.CHANGES_REQUESTED)
        audit_log_create(
            actor=reviewer,
            action="course.request_changes",
            target=locked,
            reason=note,
            changes={"status": [old, locked.status]},
        )
        _enqueue_review_notification(request.pk)
    _sync(course, locked, "status", "updated_at")
    return request


def course_archive(*, course: Course, user: User) -> Course:
    with transaction.atomic():
        locked = _lock_course(course)
        if not (user.is_superuser or locked.instructor_id == user.pk):
            raise PermissionDenied(_("Only the course's owner can archive it."))
        _check_transition(locked, S.ARCHIVED)
        old = _set_status(locked, S.ARCHIVED)
        audit_log_create(actor=user, action="course.archive", target=locked, changes={"status": [old, locked.status]})
    _sync(course, locked, "status", "updated_at")
    return locked


def approval_request_notify(*, approval_request_id) -> bool:
    """Tell the instructor about a decision, once.  Returns False when there is nothing to send."""
    with transaction.atomic():
        request = (
            CourseApprovalRequest.objects.select_for_update(of=("self",))
            .select_related("course__instructor", "course__revision_of")
            .filter(pk=approval_request_id, notified_at__isnull=True)
            .exclude(decision=CourseApprovalRequest.Decision.PENDING)
            .first()
        )
        if request is None:
            return False
        course = request.course
        live_course = course.revision_of
        name = f"the revision of “{live_course.title}”" if live_course is not None else f"“{course.title}”"
        if request.decision == CourseApprovalRequest.Decision.APPROVED:
            title = f"“{course.title}” is approved and published"
            revised = CourseVersion.objects.filter(approval=request, number__gt=1).exists()
            live = "The revised course is now live." if revised else "Your course is now live in the catalog."
            body = request.review_note or live
        else:
            title = f"Changes requested for {name}"
            body = (
                f"The reviewer's note:\n\n{request.review_note}\n\n"
                "Make the changes in the admin (the note is shown on the course's page), then submit it again."
            )
        notification_create(
            user=course.instructor,
            category="course_review",
            title=title,
            body=body,
            url=reverse("admin:courses_course_change", args=[course.pk]),
        )
        request.notified_at = timezone.now()
        request.save(update_fields=["notified_at", "updated_at"])
    return True
