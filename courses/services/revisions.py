"""Revising a live course: a draft copy reviewed like a course, applied to the live course on approval.

`course_revision_start` copies a published course (fields, tags, prerequisites, co-authors, sections,
lessons, questions, and the participants' rows such as learning's assignments, see
`courses.revisions`) into a new draft `Course` row with `revision_of` set.  Students keep the live
course meanwhile: a revision is never published, so it is in no catalog, search or list, and nobody
can enrol in it.  Its authors edit, submit and resubmit it like any course; `course_approve` of a
revision calls `_revision_apply`, which makes the live course what the revision is, in the approval's
transaction, then the revision row is deleted.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create
from courseworx.core.utils import concrete_field

from .. import permissions
from ..models import Course, CourseContent, CourseSection, InstructorCollaborator, QuizQuestion
from ..revisions import revision_participants
from ..selectors import COURSE_SNAPSHOT_FIELDS, course_slug_generate, course_snapshot, revision_snapshot_as_live
from ._common import _lock_course
from .versions import _apply_course_fields, _apply_structure

S = Course.Status

# Never copied: identity, parent, and what the copy sets itself.
_NOT_COPIED = {"id", "course", "section", "content", "created_at", "updated_at"}


def _copy_values(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, by attname (files by name: the copy shares the stored file)."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in _NOT_COPIED:
            continue
        value = getattr(obj, field.attname)
        values[field.attname] = value.name if isinstance(value, FieldFile) else value
    return values


def _clone_structure(live: Course, revision: Course) -> dict[str, dict[str, str]]:
    """Copy sections, lessons and questions of `live` onto `revision`: {kind: {copy id: origin id}}."""
    origins: dict[str, dict[str, str]] = {"section": {}, "content": {}, "question": {}}
    section_ids: dict[UUID, UUID] = {}
    sections = []
    for section in live.sections.order_by("order"):
        copy = CourseSection(course=revision, **_copy_values(section))
        section_ids[section.pk] = copy.pk
        origins["section"][str(copy.pk)] = str(section.pk)
        sections.append(copy)
    CourseSection.objects.bulk_create(sections)
    content_ids: dict[UUID, UUID] = {}
    contents = []
    for content in live.contents.order_by("section__order", "order"):
        content_copy = CourseContent(
            course=revision, section_id=section_ids[content.section_id], **_copy_values(content)
        )
        content_ids[content.pk] = content_copy.pk
        origins["content"][str(content_copy.pk)] = str(content.pk)
        contents.append(content_copy)
    CourseContent.objects.bulk_create(contents)  # article_html is copied (save() would render the same)
    questions = []
    for question in QuizQuestion.objects.filter(content__course=live).order_by("content_id", "order"):
        question_copy = QuizQuestion(content_id=content_ids[question.content_id], **_copy_values(question))
        origins["question"][str(question_copy.pk)] = str(question.pk)
        questions.append(question_copy)
    QuizQuestion.objects.bulk_create(questions)
    return origins


def course_revision_start(*, course: Course, user: User) -> Course:
    """Start a revision of a published course: a draft copy its authors edit and submit for review.

    The live course stays published, unchanged, until the revision is approved.  Authors (owner,
    co-authors) and superusers only (`permissions.can_start_revision`): others get PermissionDenied.
    Not published, a revision itself, or a revision already open: ConflictError (`invalid_transition`,
    `revision_exists`).  Audited `course.revision_start` on the live course.
    """
    with transaction.atomic():
        live = _lock_course(course)
        if not permissions.is_course_staff(user, live):
            raise PermissionDenied(_("Only the course's authors can revise it."))
        if live.is_revision or live.status != S.PUBLISHED:
            raise ConflictError(
                _("Only a published course can be revised; edit a draft directly."), code="invalid_transition"
            )
        if Course.objects.filter(revision_of=live).exists():
            raise ConflictError(
                _("This course already has a revision in progress: continue that one."), code="revision_exists"
            )
        fields = {}
        for name in COURSE_SNAPSHOT_FIELDS:
            attname = concrete_field(live, name).attname
            value = getattr(live, attname)
            fields[attname] = value.name if isinstance(value, FieldFile) else value
        revision = Course.objects.create(
            instructor_id=live.instructor_id,
            slug=course_slug_generate(title=f"{live.slug} revision"),
            category_id=live.category_id,
            revision_of=live,
            **fields,
        )
        revision.tags.set(live.tags.all())
        revision.categories.set(live.categories.all())
        revision.prerequisites.set(live.prerequisites.all())
        InstructorCollaborator.objects.bulk_create(
            InstructorCollaborator(course=revision, user_id=c.user_id, role=c.role) for c in live.collaborators.all()
        )
        origins = _clone_structure(live, revision)
        revision.revision_origins = origins  # participants (translations) map the copied rows' ids
        for participant in revision_participants():
            origins[participant.kind] = participant.clone(source=live, revision=revision)
        revision.revision_origins = origins
        revision.save(update_fields=["revision_origins", "updated_at"])
        audit_log_create(
            actor=user, action="course.revision_start", target=live, changes={"revision": str(revision.pk)}
        )
    return revision


def _revision_apply(*, revision: Course, live: Course) -> None:
    """Make the live course what the (locked) revision is: fields, structure and participants' rows.

    Rows the revision copied are matched with their origins (lessons that survive keep learners'
    progress); rows the revision added move into the live course; live lessons the revision
    dropped are deleted, or kept unpublished when learners' data hangs on them (a participant says
    so: `contents_in_use`).  The caller deletes the revision afterwards.
    """
    origins = revision.revision_origins or {}
    snapshot = revision_snapshot_as_live(course_snapshot(course=revision), origins)
    kept_lessons = {lesson["id"] for section in snapshot["sections"] for lesson in section["lessons"]}
    dropped = [pk for pk in live.contents.values_list("pk", flat=True) if str(pk) not in kept_lessons]
    in_use: set = set()
    for participant in revision_participants():
        if dropped:
            in_use |= participant.contents_in_use(content_ids=dropped)
        participant.apply(revision=revision, live=live, origins=origins.get(participant.kind, {}))

    values = _apply_course_fields(live, snapshot.get("course", {}))
    live.save(update_fields=[*values, "updated_at"])
    copied = {kind: set(mapping) for kind, mapping in origins.items()}
    movable: dict[str, dict] = {
        "section": {s.pk: s for s in revision.sections.all() if str(s.pk) not in copied.get("section", ())},
        "content": {c.pk: c for c in revision.contents.all() if str(c.pk) not in copied.get("content", ())},
        "question": {
            q.pk: q
            for q in QuizQuestion.objects.filter(content__course=revision)
            if str(q.pk) not in copied.get("question", ())
        },
    }
    _apply_structure(live, snapshot, movable=movable, keep=in_use)
