"""Versions: putting a snapshot (an approved version, or an approved revision) into a course.

What a version stores, and the diff between two, are reads: `courses.selectors.course_snapshot` and
`courses.selectors.course_version_diff` (the snapshot format and its field lists live there).
Approval writes the version (`courses.services.courses.course_approve`).
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create
from courseworx.core.text import AUTHOR, render_markdown
from courseworx.core.utils import concrete_field

from .. import permissions
from ..models import (
    Category,
    CertificateTemplate,
    Course,
    CourseContent,
    CourseSection,
    CourseVersion,
    QuizQuestion,
    Tag,
)
from ..selectors import (
    CONTENT_SNAPSHOT_FIELDS,
    COURSE_SNAPSHOT_FIELDS,
    QUESTION_SNAPSHOT_FIELDS,
    SECTION_SNAPSHOT_FIELDS,
    snapshot_index,
)
from ._common import _REORDER_OFFSET, _lock_course, _sync

S = Course.Status


def _load(model: type[models.Model], data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Snapshot values -> model attribute values (attnames)."""
    values = {}
    for name in fields:
        field = concrete_field(model, name)
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


def _apply_course_fields(course: Course, data: dict[str, Any]) -> list[str]:
    """Set a snapshot's course fields, category, tags and prerequisites (those that still exist) on `course`
    (not saved; tags and prerequisites are).  Returns the attnames set."""
    values = _load(Course, data, COURSE_SNAPSHOT_FIELDS)
    if (
        values.get("certificate_template_id")
        and not CertificateTemplate.objects.filter(pk=values["certificate_template_id"]).exists()
    ):
        values["certificate_template_id"] = None
    category = data.get("category") or {}
    values["category_id"] = (
        category["id"] if category.get("id") and Category.objects.filter(pk=category["id"]).exists() else None
    )
    for attname, value in values.items():
        setattr(course, attname, value)
    course.full_clean(exclude=["slug", "thumbnail"])
    course.tags.set(Tag.objects.filter(name__in=data.get("tags", [])))
    # Snapshots older than the many-to-many have no "categories": the primary alone then.
    listed = Category.objects.filter(pk__in=[c["id"] for c in data.get("categories", []) if c.get("id")])
    course.categories.set({*listed.values_list("pk", flat=True), *([course.category_id] if course.category_id else [])})
    excluded = [course.pk, *Course.objects.filter(revision_of=course).values_list("pk", flat=True)]
    course.prerequisites.set(
        Course.objects.filter(pk__in=[p["id"] for p in data.get("prerequisites", [])]).exclude(pk__in=excluded)
    )
    return list(values)


def _apply_structure(
    course: Course, snapshot: dict, *, movable: dict[str, dict] | None = None, keep: set | frozenset = frozenset()
) -> None:
    """Make the course's sections, lessons and questions those of `snapshot`, upserting rows by id.

    Rows keep their ids, so lessons that survive keep learners' progress.  `movable` ({"section":
    {id: row}, "content": ..., "question": ...}) are rows of another course (a revision's new rows)
    that move into this one when the snapshot names them.  Lessons absent from the snapshot are
    deleted, except those in `keep` (ids): these stay, unpublished, after the others (with their
    section, unpublished too, when the snapshot drops it, and their questions).
    """
    movable = movable or {}
    sections, lessons, questions = snapshot_index(snapshot)
    existing_sections = {s.pk: s for s in course.sections.all()} | movable.get("section", {})
    existing_contents = {c.pk: c for c in course.contents.all()} | movable.get("content", {})
    course_questions = QuizQuestion.objects.filter(content__course=course)
    existing_questions = {q.pk: q for q in course_questions} | movable.get("question", {})
    # Move current rows out of the way first so that re-ordering never collides with the (parent,
    # order) unique constraints, which SQLite checks row by row.
    course.sections.update(order=F("order") + _REORDER_OFFSET)
    course.contents.update(order=F("order") + _REORDER_OFFSET)
    course_questions.update(order=F("order") + _REORDER_OFFSET)

    _restore_rows(CourseSection, existing_sections, sections, SECTION_SNAPSHOT_FIELDS, {"course_id": course.pk})
    _restore_rows(CourseContent, existing_contents, lessons, CONTENT_SNAPSHOT_FIELDS, {"course_id": course.pk})
    _restore_rows(QuizQuestion, existing_questions, questions, (*QUESTION_SNAPSHOT_FIELDS, "content"), {})

    kept = list(course.contents.exclude(pk__in=list(lessons)).filter(pk__in=list(keep)).order_by("order"))
    kept_ids = [c.pk for c in kept]
    QuizQuestion.objects.filter(content__course=course).exclude(pk__in=list(questions)).exclude(
        content_id__in=kept_ids
    ).delete()
    QuizQuestion.objects.filter(content_id__in=kept_ids).update(order=F("order") - _REORDER_OFFSET)
    course.contents.exclude(pk__in=list(lessons)).exclude(pk__in=kept_ids).delete()
    kept_sections = {c.section_id for c in kept} - {UUID(pk) for pk in sections}
    course.sections.exclude(pk__in=list(sections)).exclude(pk__in=kept_sections).delete()
    if kept_sections:
        last = max((data["order"] for data in sections.values()), default=-1)
        for i, section in enumerate(course.sections.filter(pk__in=kept_sections).order_by("order")):
            section.order, section.is_published = last + 1 + i, False
            section.save(update_fields=["order", "is_published", "updated_at"])
    by_section: dict = {}
    for content in kept:
        by_section.setdefault(content.section_id, []).append(content)
    for section_id, contents in by_section.items():
        last = max((d["order"] for d in lessons.values() if d["section"] == str(section_id)), default=-1)
        for i, content in enumerate(contents):
            content.order, content.is_published = last + 1 + i, False
        CourseContent.objects.bulk_update(contents, ["order", "is_published"])


def course_version_restore(*, version: CourseVersion, user: User) -> Course:
    """Put an approved version's content back into its course, to be reviewed again.

    Rows keep their ids (lessons still present keep learners' progress); rows absent from the
    version are deleted.  A published course goes back to draft; a draft or a course with
    requested changes keeps its status.  Versions themselves are never modified.  (To change a live
    course while it stays online, start a revision: `services.revisions`.)
    """
    snapshot = version.snapshot
    with transaction.atomic():
        course = _lock_course(version.course)
        if not permissions.is_course_staff(user, course):
            raise PermissionDenied(_("Only the course's authors can restore one of its versions."))
        if course.status == S.IN_REVIEW:
            raise ConflictError(
                _("This course is in review; wait for the decision before restoring a version."),
                code="invalid_transition",
            )
        if course.status == S.ARCHIVED:
            raise ConflictError(
                _("This course is archived; archived courses cannot be changed."), code="invalid_transition"
            )
        values = _apply_course_fields(course, snapshot.get("course", {}))
        old_status = course.status
        if course.status == S.PUBLISHED:
            course.status = S.DRAFT
        course.save(update_fields=[*values, "status", "updated_at"])
        _apply_structure(course, snapshot)
        audit_log_create(
            actor=user,
            action="course.version_restore",
            target=course,
            reason=f"Restored version {version.number}",
            changes={"status": [old_status, course.status], "version": version.number},
        )
    _sync(version.course, course, *values, "status", "updated_at")
    return course
