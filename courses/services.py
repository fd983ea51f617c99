"""Course write paths: authoring, the review workflow and versions.

Every function is keyword-only and atomic.  Bad input or an illegal transition raises
`ValidationError` (nothing is changed); acting without the right raises `PermissionDenied`.

Status changes happen here only, along these edges:

    draft ─────────────┐
                       ├─ submit ─▶ in_review ─ approve ─────────▶ published ─ archive ─▶ archived
    changes_requested ─┘               └── request changes ─▶ changes_requested

`course_version_restore` also takes a published course back to draft (to revise it and re-submit).
Each submission/decision is a `CourseApprovalRequest` row plus an audit row; decisions notify the
instructor from a Celery task queued on commit.
"""

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Max, Prefetch, Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from courseworx.core.enqueue import enqueue_on_commit
from courseworx.core.exceptions import ConflictError
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.text import AUTHOR, render_markdown

from . import permissions
from .models import (
    Category,
    CertificateTemplate,
    Course,
    CourseApprovalRequest,
    CourseContent,
    CourseSection,
    CourseVersion,
    QuizQuestion,
    Tag,
)

logger = logging.getLogger(__name__)

S = Course.Status
# (from, to) -> the verb used in error messages.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.IN_REVIEW): "submitted",
    (S.CHANGES_REQUESTED, S.IN_REVIEW): "submitted",
    (S.IN_REVIEW, S.PUBLISHED): "approved",
    (S.IN_REVIEW, S.CHANGES_REQUESTED): "sent back for changes",
    (S.PUBLISHED, S.ARCHIVED): "archived",
}

SNAPSHOT_SCHEMA = 1
# What a version records and restores.  Not the slug (URLs stay stable), the status, the featured
# flag (a staff decision) or the counters.
COURSE_SNAPSHOT_FIELDS = (
    "title", "short_description", "description", "thumbnail", "price", "currency", "duration_minutes", "level",
    "language", "max_students", "start_date", "end_date", "requirements", "learning_outcomes",
    "curriculum_summary", "certificate_template",
)  # fmt: skip
SECTION_SNAPSHOT_FIELDS = ("title", "description", "order", "is_published")
CONTENT_SNAPSHOT_FIELDS = (
    "section", "title", "description", "kind", "order", "is_published", "is_required", "is_preview", "points",
    "duration_seconds", "file", "file_size", "file_type", "alt_text", "video_url", "captions", "article_body",
    "pass_mark", "max_attempts", "time_limit_minutes", "shuffle_questions", "manual_grading", "metadata",
)  # fmt: skip
QUESTION_SNAPSHOT_FIELDS = (
    "question", "question_type", "options", "correct_answers", "points", "explanation", "order", "is_active",
)  # fmt: skip

# Fields callers may not set through the generic create/update functions.
_COURSE_PROTECTED = {"id", "status", "published_at", "rating", "rating_count", "enrollment_count",
                     "completion_count", "created_at", "updated_at"}  # fmt: skip
_STRUCTURE_PROTECTED = {"id", "course", "created_at", "updated_at", "file_size", "file_type", "article_html"}
_REORDER_OFFSET = 1_000_000


# --- helpers ------------------------------------------------------------------------------------


def _lock_course(course: Course) -> Course:
    """Lock the course row (then re-check its state on the fresh copy)."""
    return Course.objects.select_for_update().get(pk=course.pk)


def _check_transition(course: Course, target: str) -> None:
    if (course.status, target) not in TRANSITIONS:
        allowed_from = [S(src).label for (src, dst) in TRANSITIONS if dst == target]
        verb = next(v for (_src, dst), v in TRANSITIONS.items() if dst == target)
        raise ConflictError(
            "This course is %(status)s and cannot be %(verb)s; only a course that is %(allowed)s can.",
            code="invalid_transition",
            params={
                "status": course.get_status_display().lower(),
                "verb": verb,
                "allowed": " or ".join(a.lower() for a in allowed_from),
            },
        )


def _sync(target: Course, source: Course, *fields: str) -> None:
    """Reflect the locked copy's new state on the caller's instance."""
    for field in fields:
        setattr(target, field, getattr(source, field))


def _set_status(course: Course, status: str, *extra_fields: str) -> str:
    old = course.status
    course.status = status
    course.save(update_fields=["status", *extra_fields, "updated_at"])
    return old


def _enqueue_review_notification(approval_request_id) -> None:
    enqueue_on_commit("courses.course_review_notify", str(approval_request_id))


def _apply_fields(obj: models.Model, data: dict[str, Any], protected: set[str]) -> list[str]:
    """Set concrete, editable fields from `data`; unknown or protected names are a ValidationError."""
    errors: dict[str, str] = {}
    changed: list[str] = []
    for name, value in data.items():
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            errors[name] = "Unknown field."
            continue
        if name in protected or not field.concrete or field.many_to_many or not field.editable:
            errors[name] = "This field cannot be set here."
            continue
        setattr(obj, name, value)
        changed.append(field.attname if field.is_relation else name)
    if errors:
        raise ValidationError(errors)
    return changed


# --- courses ------------------------------------------------------------------------------------


def course_slug_generate(*, title: str, exclude_pk=None) -> str:
    """A slug made from `title` that no other course uses (`-2`, `-3`... appended when taken)."""
    base = (slugify(title) or "course")[:200]
    taken = set(Course.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _set_course_m2m(course: Course, tags, prerequisites) -> None:
    if prerequisites is not None:
        course.prerequisites.set(prerequisites)
    if tags is not None:
        course.tags.set(list(tags))


def _prerequisites_check(course: Course, prerequisites) -> list | None:
    if prerequisites is None:
        return None
    prerequisites = list(prerequisites)
    course.validate_prerequisites(prerequisites)
    return prerequisites


def _course_build(*, instructor, fields: dict[str, Any]) -> tuple[Course, Any, list | None]:
    """course_create's checks: the validated, unsaved course and its tags and prerequisites."""
    if not (instructor.is_active and (instructor.is_superuser or instructor.role in ("instructor", "admin"))):
        raise PermissionDenied("Only instructors can create courses.")
    fields = dict(fields)
    tags = fields.pop("tags", None)
    prerequisites = fields.pop("prerequisites", None)
    course = Course(instructor=instructor)
    _apply_fields(course, fields, _COURSE_PROTECTED | {"instructor"})
    if not course.slug:
        course.slug = course_slug_generate(title=course.title)
    course.full_clean()
    return course, tags, _prerequisites_check(course, prerequisites)


def _course_apply(*, course: Course, user, data: dict[str, Any]) -> tuple[list[str], Any, list | None]:
    """course_update's checks, applied to `course` (the locked copy): changed fields, tags, prerequisites."""
    data = dict(data)
    tags = data.pop("tags", None)
    prerequisites = data.pop("prerequisites", None)
    protected = _COURSE_PROTECTED if user.is_superuser else _COURSE_PROTECTED | {"instructor"}
    if not permissions.can_edit_course(user, course):
        raise PermissionDenied("You may not edit this course.")
    changed = _apply_fields(course, data, protected)
    # An unchanged thumbnail was checked on upload: do not re-read it from storage.
    course.full_clean(exclude=None if "thumbnail" in changed else ["thumbnail"])
    return changed, tags, _prerequisites_check(course, prerequisites)


def course_check(*, user, data: dict[str, Any], course: Course | None = None) -> None:
    """Run the checks of course_create (no `course`) or course_update on `data`, writing nothing.

    Admin forms call it after their own validation, so that a refusal is a form error rather than
    a failed save.  For a new course, `data["instructor"]` (superusers only) chooses the owner;
    otherwise `user` owns it.
    """
    data = dict(data)
    if course is None:
        instructor = data.pop("instructor", None) or user
        if instructor != user and not user.is_superuser:
            raise PermissionDenied("Only superusers choose another instructor.")
        _course_build(instructor=instructor, fields=data)
    else:
        _course_apply(course=Course.objects.get(pk=course.pk), user=user, data=data)


def course_create(*, instructor, **fields) -> Course:
    """Create a draft course owned by `instructor`; `tags`/`prerequisites` take iterables of objects."""
    course, tags, prerequisites = _course_build(instructor=instructor, fields=fields)
    with transaction.atomic():
        course.save()
        _set_course_m2m(course, tags, prerequisites)
    return course


def course_update(*, course: Course, user, data: dict[str, Any]) -> Course:
    with transaction.atomic():
        locked = _lock_course(course)
        # Apply to the locked copy so that concurrent status changes are never overwritten.
        changed, tags, prerequisites = _course_apply(course=locked, user=user, data=data)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        _set_course_m2m(locked, tags, prerequisites)
    return locked


def course_delete(*, course: Course, user) -> None:
    """Delete a draft that was never published (its owner or a superuser); audited `course.delete`.

    Not an author: PermissionDenied.  Any other state: ConflictError `not_deletable` (archive a
    published course instead).  A co-author may not delete: PermissionDenied.
    """
    with transaction.atomic():
        locked = _lock_course(course)
        if not (user.is_superuser or permissions.user_teaches_course(user, locked)):
            raise PermissionDenied("You may not delete this course.")
        if not permissions.can_delete_course(user, locked):
            if locked.status != S.DRAFT or locked.published_at is not None:
                raise ConflictError(
                    "Only a draft course that was never published can be deleted; archive it instead.",
                    code="not_deletable",
                )
            raise PermissionDenied("Only the course's owner can delete it.")
        audit_log_create(actor=user, action="course.delete", target=locked)
        locked.delete()


def course_submit(*, course: Course, user, note: str = "") -> CourseApprovalRequest:
    with transaction.atomic():
        locked = _lock_course(course)
        if not permissions.user_teaches_course(user, locked):
            raise PermissionDenied("Only the course's instructor or a co-author can submit it for review.")
        _check_transition(locked, S.IN_REVIEW)
        if not locked.contents.exists():
            raise ValidationError("Add at least one lesson before submitting the course for review.", code="empty")
        empty_quizzes = list(
            locked.contents.filter(kind=CourseContent.Kind.QUIZ)
            .annotate(n=Count("questions", filter=Q(questions__is_active=True)))
            .filter(n=0)
            .values_list("title", flat=True)
        )
        if empty_quizzes:
            raise ValidationError(
                "These quizzes have no questions yet: %(titles)s.",
                code="empty_quiz",
                params={"titles": ", ".join(empty_quizzes)},
            )
        request = CourseApprovalRequest.objects.create(course=locked, submitted_by=user, submission_note=note)
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


def _check_reviewer(reviewer, course: Course) -> None:
    if not permissions.can_review_courses(reviewer):
        raise PermissionDenied("Only course reviewers can decide on a course.")
    if permissions.user_teaches_course(reviewer, course):
        raise PermissionDenied("You cannot decide on a course you author.")


def _decide(request: CourseApprovalRequest, *, reviewer, decision: str, note: str) -> None:
    request.decision = decision
    request.reviewer = reviewer
    request.review_note = note
    request.decided_at = timezone.now()
    request.save(update_fields=["decision", "reviewer", "review_note", "decided_at", "updated_at"])


def course_approve(*, course: Course, reviewer, note: str = "") -> CourseVersion:
    """Publish a course in review and record the approved structure as the next version."""
    with transaction.atomic():
        locked = _lock_course(course)
        _check_reviewer(reviewer, locked)
        _check_transition(locked, S.PUBLISHED)
        request = _open_request(locked)
        _decide(request, reviewer=reviewer, decision=CourseApprovalRequest.Decision.APPROVED, note=note)
        # Keeps the first publication date when a revised course is approved again.
        locked.published_at = locked.published_at or timezone.now()
        old = _set_status(locked, S.PUBLISHED, "published_at")
        last = locked.versions.aggregate(n=Max("number"))["n"] or 0
        version = CourseVersion.objects.create(
            course=locked,
            number=last + 1,
            snapshot=course_snapshot(course=locked),
            approval=request,
            created_by=reviewer,
        )
        audit_log_create(
            actor=reviewer,
            action="course.approve",
            target=locked,
            reason=note,
            changes={"status": [old, locked.status], "version": version.number},
        )
        _enqueue_review_notification(request.pk)
    _sync(course, locked, "status", "published_at", "updated_at")
    return version


def course_request_changes(*, course: Course, reviewer, note: str) -> CourseApprovalRequest:
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError("Explain what needs to change.", code="required")},
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


def course_archive(*, course: Course, user) -> Course:
    with transaction.atomic():
        locked = _lock_course(course)
        if not (user.is_superuser or locked.instructor_id == user.pk):
            raise PermissionDenied("Only the course's owner can archive it.")
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
            .select_related("course__instructor")
            .filter(pk=approval_request_id, notified_at__isnull=True)
            .exclude(decision=CourseApprovalRequest.Decision.PENDING)
            .first()
        )
        if request is None:
            return False
        course = request.course
        if request.decision == CourseApprovalRequest.Decision.APPROVED:
            title = f"“{course.title}” is approved and published"
            body = request.review_note or "Your course is now live in the catalog."
        else:
            title = f"Changes requested for “{course.title}”"
            body = request.review_note
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


# --- versions -----------------------------------------------------------------------------------


def _to_json(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _dump(obj: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = _to_json(getattr(obj, field.attname))
    return out


def course_snapshot(*, course: Course) -> dict:
    """The whole approved structure as JSON: course fields, sections, lessons and quiz questions."""
    course = (
        Course.objects.select_related("category")
        .prefetch_related(
            "tags",
            Prefetch("prerequisites", queryset=Course.objects.only("id", "title").order_by("id")),
            Prefetch(
                "sections",
                queryset=CourseSection.objects.order_by("order", "id").prefetch_related(
                    Prefetch(
                        "contents",
                        queryset=CourseContent.objects.order_by("order", "id").prefetch_related(
                            Prefetch("questions", queryset=QuizQuestion.objects.order_by("order", "id"))
                        ),
                    )
                ),
            ),
        )
        .get(pk=course.pk)
    )
    data = _dump(course, COURSE_SNAPSHOT_FIELDS)
    data["category"] = {"id": course.category_id, "name": course.category.name} if course.category else None
    data["tags"] = sorted(t.name for t in course.tags.all())
    data["prerequisites"] = [{"id": str(p.pk), "title": p.title} for p in course.prerequisites.all()]
    sections = []
    for section in course.sections.all():
        lessons = []
        for content in section.contents.all():
            lesson = {"id": str(content.pk), **_dump(content, CONTENT_SNAPSHOT_FIELDS)}
            lesson["questions"] = [
                {"id": str(q.pk), **_dump(q, QUESTION_SNAPSHOT_FIELDS)} for q in content.questions.all()
            ]
            lessons.append(lesson)
        sections.append({"id": str(section.pk), **_dump(section, SECTION_SNAPSHOT_FIELDS), "lessons": lessons})
    return {"schema": SNAPSHOT_SCHEMA, "course": data, "sections": sections}


def _index(snapshot: dict) -> tuple[dict, dict, dict]:
    sections, lessons, questions = {}, {}, {}
    for section in snapshot.get("sections", []):
        sections[section["id"]] = {k: v for k, v in section.items() if k != "lessons"}
        for lesson in section.get("lessons", []):
            lessons[lesson["id"]] = {k: v for k, v in lesson.items() if k != "questions"}
            for question in lesson.get("questions", []):
                questions[question["id"]] = {**question, "content": lesson["id"]}
    return sections, lessons, questions


def _changed_fields(old: dict, new: dict) -> dict[str, dict[str, Any]]:
    return {
        key: {"old": old.get(key), "new": new.get(key)}
        for key in sorted(set(old) | set(new))
        if key != "id" and old.get(key) != new.get(key)
    }


def course_version_diff(*, old: dict, new: dict) -> list[dict]:
    """What changed from snapshot `old` to `new` (pass `{}` as old for a first submission).

    One entry per changed object: {"kind": course|section|lesson|question,
    "change": added|removed|changed, "id", "title", "fields": {name: {"old", "new"}}} ("fields" only
    for "changed").  Lessons and questions are matched by id, so a lesson moved to another section
    is "changed" (its "section" field), not removed and added.
    """
    diff: list[dict] = []
    old_course, new_course = old.get("course", {}), new.get("course", {})
    if old_course and new_course:
        fields = _changed_fields(old_course, new_course)
        if fields:
            diff.append(
                {"kind": "course", "change": "changed", "id": None, "title": new_course.get("title"), "fields": fields}
            )
    for kind, before, after in zip(("section", "lesson", "question"), _index(old), _index(new), strict=True):
        title_key = "question" if kind == "question" else "title"
        for pk, item in after.items():
            if pk not in before:
                diff.append({"kind": kind, "change": "added", "id": pk, "title": item.get(title_key)})
            else:
                fields = _changed_fields(before[pk], item)
                if fields:
                    diff.append(
                        {"kind": kind, "change": "changed", "id": pk, "title": item.get(title_key), "fields": fields}
                    )
        diff.extend(
            {"kind": kind, "change": "removed", "id": pk, "title": item.get(title_key)}
            for pk, item in before.items()
            if pk not in after
        )
    return diff


def _load(model: type[models.Model], data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Snapshot values -> model attribute values (attnames)."""
    values = {}
    for name in fields:
        field = model._meta.get_field(name)
        value = data.get(name, field.get_default())
        values[field.attname] = None if value is None and field.null else field.to_python(value)
    return values


def _restore_rows(model, existing: dict, wanted: dict[str, dict], fields: tuple[str, ...], fixed: dict) -> None:
    """Upsert `wanted` rows by id (keeping ids, so progress linked to them survives), delete the rest."""
    attnames = [model._meta.get_field(f).attname for f in fields]
    to_create, to_update = [], []
    for pk, data in wanted.items():
        values = {**_load(model, data, fields), **fixed}
        if model is CourseContent:
            values["article_html"] = (
                render_markdown(values["article_body"], policy=AUTHOR)
                if values["kind"] == CourseContent.Kind.ARTICLE
                else ""
            )
        obj = existing.get(UUID(pk))
        if obj is None:
            to_create.append(model(id=pk, **values))
        else:
            for attname, value in values.items():
                setattr(obj, attname, value)
            to_update.append(obj)
    update_fields = [*attnames, *fixed, *(["article_html"] if model is CourseContent else [])]
    if to_update:
        model.objects.bulk_update(to_update, update_fields, batch_size=500)
    if to_create:
        model.objects.bulk_create(to_create, batch_size=500)


def course_version_restore(*, version: CourseVersion, user) -> Course:
    """Put an approved version's content back into its course, to be reviewed again.

    Rows keep their ids (lessons still present keep learners' progress); rows absent from the
    version are deleted.  A published course goes back to draft; a draft or a course with
    requested changes keeps its status.  Versions themselves are never modified.
    """
    snapshot = version.snapshot
    with transaction.atomic():
        course = _lock_course(version.course)
        if not permissions.is_course_staff(user, course):
            raise PermissionDenied("Only the course's authors can restore one of its versions.")
        if course.status == S.IN_REVIEW:
            raise ConflictError(
                "This course is in review; wait for the decision before restoring a version.", code="invalid_transition"
            )
        if course.status == S.ARCHIVED:
            raise ConflictError(
                "This course is archived; archived courses cannot be changed.", code="invalid_transition"
            )

        # Course fields, category, tags, prerequisites (those that still exist).
        data = snapshot.get("course", {})
        values = _load(Course, data, COURSE_SNAPSHOT_FIELDS)
        if (
            values.get("certificate_template_id")
            and not CertificateTemplate.objects.filter(pk=values["certificate_template_id"]).exists()
        ):
            values["certificate_template_id"] = None
        category = data.get("category") or {}
        values["category_id"] = (
            category.get("id") if category and Category.objects.filter(pk=category.get("id")).exists() else None
        )
        for attname, value in values.items():
            setattr(course, attname, value)
        course.full_clean(exclude=["slug", "thumbnail"])
        old_status = course.status
        if course.status == S.PUBLISHED:
            course.status = S.DRAFT
        course.save(update_fields=[*values, "status", "updated_at"])
        course.tags.set(Tag.objects.filter(name__in=data.get("tags", [])))
        course.prerequisites.set(
            Course.objects.filter(pk__in=[p["id"] for p in data.get("prerequisites", [])]).exclude(pk=course.pk)
        )

        # Structure.  Move current rows out of the way first so that re-ordering never collides
        # with the (section, order) unique constraints, which SQLite checks row by row.
        sections, lessons, questions = _index(snapshot)
        existing_sections = {s.pk: s for s in course.sections.all()}
        existing_contents = {c.pk: c for c in course.contents.all()}
        existing_questions = {q.pk: q for q in QuizQuestion.objects.filter(content__course=course)}
        course.sections.update(order=F("order") + _REORDER_OFFSET)
        course.contents.update(order=F("order") + _REORDER_OFFSET)
        QuizQuestion.objects.filter(content__course=course).update(order=F("order") + _REORDER_OFFSET)

        _restore_rows(CourseSection, existing_sections, sections, SECTION_SNAPSHOT_FIELDS, {"course_id": course.pk})
        _restore_rows(CourseContent, existing_contents, lessons, CONTENT_SNAPSHOT_FIELDS, {"course_id": course.pk})
        _restore_rows(QuizQuestion, existing_questions, questions, (*QUESTION_SNAPSHOT_FIELDS, "content"), {})
        QuizQuestion.objects.filter(content__course=course).exclude(pk__in=list(questions)).delete()
        course.contents.exclude(pk__in=list(lessons)).delete()
        course.sections.exclude(pk__in=list(sections)).delete()

        audit_log_create(
            actor=user,
            action="course.version_restore",
            target=course,
            reason=f"Restored version {version.number}",
            changes={"status": [old_status, course.status], "version": version.number},
        )
    _sync(version.course, course, *values, "status", "updated_at")
    return course


# --- structure ----------------------------------------------------------------------------------


def _lock_editable_course(user, course_id) -> Course:
    """Lock the course row and check, on its current state, that `user` may edit it.

    Call inside the transaction: a lesson can then never be added to a course that is being
    submitted at the same moment (or that a stale instance still shows as a draft).
    """
    course = Course.objects.select_for_update().get(pk=course_id)
    if not permissions.can_edit_course(user, course):
        raise PermissionDenied("You may not edit this course.")
    return course


def _reorder(queryset, ordered_ids: list, what: str) -> None:
    """Give the rows of `queryset` the orders 0..n-1 following `ordered_ids` (all of them, once each)."""
    current = set(queryset.values_list("pk", flat=True))
    wanted = [UUID(str(pk)) for pk in ordered_ids]
    if len(wanted) != len(set(wanted)) or set(wanted) != current:
        raise ValidationError("List every %(what)s exactly once.", code="invalid_order", params={"what": what})
    model = queryset.model
    # Two steps, so that no intermediate state collides with the (parent, order) unique constraint.
    queryset.update(order=F("order") + _REORDER_OFFSET)
    model.objects.bulk_update([model(pk=pk, order=i) for i, pk in enumerate(wanted)], ["order"])


def section_reorder(*, course: Course, user, section_ids: list) -> None:
    with transaction.atomic():
        _lock_editable_course(user, course.pk)
        _reorder(CourseSection.objects.filter(course=course), section_ids, "section of the course")


def content_reorder(*, section: CourseSection, user, content_ids: list) -> None:
    with transaction.atomic():
        _lock_editable_course(user, section.course_id)
        _reorder(CourseContent.objects.filter(section=section), content_ids, "lesson of the section")


def _next_order(queryset) -> int:
    last = queryset.aggregate(n=Max("order"))["n"]
    return 0 if last is None else last + 1


def section_create(*, course: Course, user, **fields) -> CourseSection:
    section = CourseSection(course=course)
    _apply_fields(section, fields, _STRUCTURE_PROTECTED)
    with transaction.atomic():
        _lock_editable_course(user, course.pk)
        if "order" not in fields:
            section.order = _next_order(CourseSection.objects.filter(course=course))
        section.full_clean()
        section.save()
    return section


def section_update(*, section: CourseSection, user, data: dict[str, Any]) -> CourseSection:
    changed = _apply_fields(section, data, _STRUCTURE_PROTECTED)
    with transaction.atomic():
        _lock_editable_course(user, section.course_id)
        section.full_clean()
        if changed:
            section.save(update_fields=[*changed, "updated_at"])
    return section


def content_create(*, section: CourseSection, user, **fields) -> CourseContent:
    """A lesson in `section` (its course follows the section).  Files are checked by the model."""
    content = CourseContent(section=section, course_id=section.course_id)
    _apply_fields(content, fields, _STRUCTURE_PROTECTED)
    with transaction.atomic():
        _lock_editable_course(user, section.course_id)
        if "order" not in fields:
            content.order = _next_order(CourseContent.objects.filter(section=section))
        content.full_clean()
        content.save()
    return content


def content_update(*, content: CourseContent, user, data: dict[str, Any]) -> CourseContent:
    changed = _apply_fields(content, data, _STRUCTURE_PROTECTED)
    with transaction.atomic():
        _lock_editable_course(user, content.course_id)
        content.full_clean()
        if changed:
            # clean() may have filled the file's size and type; save() re-renders the article.
            extra = ["file_size", "file_type"] if "file" in changed else []
            content.save(update_fields=[*changed, *extra, "updated_at"])
    return content


def question_create(*, content: CourseContent, user, **fields) -> QuizQuestion:
    question = QuizQuestion(content=content)
    _apply_fields(question, fields, _STRUCTURE_PROTECTED | {"content"})
    with transaction.atomic():
        _lock_editable_course(user, content.course_id)
        if "order" not in fields:
            question.order = _next_order(QuizQuestion.objects.filter(content=content))
        question.full_clean()
        question.save()
    return question


def question_update(*, question: QuizQuestion, user, data: dict[str, Any]) -> QuizQuestion:
    changed = _apply_fields(question, data, _STRUCTURE_PROTECTED | {"content"})
    with transaction.atomic():
        _lock_editable_course(user, question.content.course_id)
        question.full_clean()
        if changed:
            # clean() fills the options of a true/false question.
            question.save(update_fields=sorted({*changed, "options", "updated_at"}))
    return question


# --- Certificate templates -----------------------------------------------------------------------

# What a change to a template in use is audited with (the layout, not the images' bytes).
_TEMPLATE_AUDITED_FIELDS = ("name", "html", "css", "orientation", "background_image", "signature_image",
                            "signature_name", "signature_title", "is_default")  # fmt: skip


def certificate_template_save(*, template: CertificateTemplate, user) -> CertificateTemplate:
    """Create or update a certificate template whose new values are already set on `template` (a ModelForm's
    instance, or an object the caller filled in).

    Who may is `permissions.certificate_template_lock_reason`, checked on the *stored* row under a lock on it
    and on the courses that use it (course_submit locks the course row too, so an edit and a submission never
    interleave).  Non-superusers never set `owner` or `is_default`: a new template belongs to its creator.
    The HTML/CSS are validated by the model (ValidationError with field messages).  A superuser's change to a
    template used by a course in review, published or archived is audited (`courses.certificate_template_change`).
    """
    return _certificate_template_save(template, user)


def _certificate_template_save(template: CertificateTemplate, user, *, files_checked: bool = False):
    image_fields = CertificateTemplate.IMAGE_PLACEHOLDERS
    with transaction.atomic():
        changes: dict[str, list] = {}
        # Images are checked when uploaded; an unchanged (or copied) one is not read from storage again.
        unchanged_files = list(image_fields) if files_checked else []
        if template._state.adding:
            if not permissions.can_create_certificate_template(user):
                raise PermissionDenied("You may not create certificate templates.")
            if not user.is_superuser:
                template.is_default = False
            if not user.is_superuser or template.owner_id is None:
                template.owner = user
            was_locked = False
        else:
            list(Course.objects.select_for_update().filter(certificate_template_id=template.pk).values_list("pk"))
            stored = CertificateTemplate.objects.select_for_update().get(pk=template.pk)
            reason = permissions.certificate_template_lock_reason(user, stored)
            if reason:
                raise PermissionDenied(reason)
            if not user.is_superuser:
                template.owner_id, template.is_default = stored.owner_id, stored.is_default
            was_locked = stored.is_locked()
            unchanged_files = [f for f in image_fields if getattr(stored, f).name == getattr(template, f).name]
            for field in _TEMPLATE_AUDITED_FIELDS:
                old, new = _to_json(getattr(stored, field)), _to_json(getattr(template, field))
                if old != new:
                    changes[field] = [old, new]
        template.full_clean(exclude=unchanged_files or None)
        template.save()
        if was_locked and changes:
            audit_log_create(actor=user, action="courses.certificate_template_change", target=template, changes=changes)
    return template


def certificate_template_copy(*, template: CertificateTemplate, user) -> CertificateTemplate:
    """An editable copy of a template the user may see (e.g. one locked by a published course), owned by them."""
    if not permissions.can_view_certificate_template(user, template):
        raise PermissionDenied("You may not copy this certificate template.")
    copy = CertificateTemplate(
        name=f"Copy of {template.name}"[:200],
        html=template.html,
        css=template.css,
        orientation=template.orientation,
        background_image=template.background_image.name,
        signature_image=template.signature_image.name,
        signature_name=template.signature_name,
        signature_title=template.signature_title,
        owner=user,
    )
    return _certificate_template_save(copy, user, files_checked=True)


# --- Moderation (called by community when a flagged lesson is hidden or restored) ---------------------

MODERATION_KEY = "hidden_by_moderation"


@transaction.atomic
def content_moderation_hide(*, content_id, reason: str) -> bool:
    """Take a published lesson out of the course (unpublish it), remembering that moderation did it.

    Nothing is deleted; `content_moderation_restore` puts it back.  A lesson its authors had already
    unpublished is left alone; one moderation already hid only gets the new reason.  True when the
    lesson was hidden now.
    """
    content = CourseContent.objects.select_for_update().get(pk=content_id)
    if not content.is_published:
        if (content.metadata or {}).get(MODERATION_KEY) not in (None, reason):  # already hidden: new reason
            content.metadata = {**content.metadata, MODERATION_KEY: reason}
            content.save(update_fields=["metadata", "updated_at"])
        return False
    content.is_published = False
    content.metadata = {**(content.metadata or {}), MODERATION_KEY: reason}
    content.save(update_fields=["is_published", "metadata", "updated_at"])
    return True


@transaction.atomic
def content_moderation_restore(*, content_id, only_reason: str | None = None) -> bool:
    """Publish again a lesson that moderation hid (optionally only when hidden for `only_reason`)."""
    content = CourseContent.objects.select_for_update().get(pk=content_id)
    reason = (content.metadata or {}).get(MODERATION_KEY)
    if reason is None or (only_reason is not None and reason != only_reason):
        return False
    content.is_published = True
    content.metadata = {k: v for k, v in content.metadata.items() if k != MODERATION_KEY}
    content.save(update_fields=["is_published", "metadata", "updated_at"])
    return True


def content_moderation_reason(content: CourseContent) -> str | None:
    """Why moderation hid this lesson ("flags" or "moderator"), or None."""
    return (content.metadata or {}).get(MODERATION_KEY)
