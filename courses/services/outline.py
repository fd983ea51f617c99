"""Write paths of the course outline: re-ordering the whole course at once, moving one item, deleting.

Keyword-only and atomic, like `courses.services`: the course row is locked first and the author's right
to edit it is checked on the locked copy (`permissions.can_edit_course`: a course in review, published
or archived is refused, a course someone else teaches too).  Bad input raises `ValidationError`
(code `invalid` / `not_in_course`), an outline that changed since the author loaded it raises
`ConflictError` (code `outline_changed`, HTTP 409), acting without the right raises `PermissionDenied`.

Orders are gapless from 0 after every write here.  The rows are re-numbered in two steps (every row of
the course moved out of the way first, then given its final place), so a swap or a move across sections
never meets the (section, order) and (course, order) unique constraints half-way, on PostgreSQL
(deferred constraints) and on SQLite (checked row by row) alike.
"""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from courseworx.core.exceptions import ConflictError
from courseworx.core.storage import file_delete_on_commit

from .. import permissions
from ..models import Course, CourseContent, CourseSection

_OFFSET = 1_000_000


def _lock_for_edit(user, course_id) -> Course:
    course = Course.objects.select_for_update().get(pk=course_id)
    if not permissions.can_edit_course(user, course):
        raise PermissionDenied(_("You may not edit this course."))
    return course


def _uuid(value: Any) -> UUID:
    try:
        return UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError(_("%(value)s is not an id."), code="invalid", params={"value": str(value)[:40]}) from None


def _parse(payload: Any) -> list[tuple[UUID, list[UUID]]]:
    """[(section id, [lesson ids])] from {"sections": [{"id": ..., "items": [...]}, ...]}."""
    sections = payload.get("sections") if isinstance(payload, Mapping) else None
    if not isinstance(sections, list):
        raise ValidationError(_('Send {"sections": [{"id": …, "items": […]}, …]}.'), code="invalid")
    parsed = []
    for entry in sections:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("items", []), list):
            raise ValidationError(_('Each section is {"id": …, "items": […]}.'), code="invalid")
        parsed.append((_uuid(entry.get("id")), [_uuid(i) for i in entry.get("items", [])]))
    return parsed


def _check_complete(sent: list[UUID], existing: set[UUID], what: str) -> None:
    if len(sent) != len(set(sent)):
        raise ValidationError(_("Each %(what)s may appear only once."), code="invalid", params={"what": what})
    if set(sent) - existing:
        raise ValidationError(
            _("Some %(what)ss do not belong to this course."), code="not_in_course", params={"what": what}
        )
    if existing - set(sent):
        raise ConflictError(
            _("The outline changed since you opened it (another %(what)s was added or removed). Reload the page."),
            code="outline_changed",
            params={"what": what},
        )


def _write_order(course: Course, order: list[tuple[UUID, list[UUID]]]) -> None:
    """Give every section and lesson of `course` its place in `order` (validated, complete)."""
    CourseSection.objects.filter(course=course).update(order=F("order") + _OFFSET)
    CourseContent.objects.filter(course=course).update(order=F("order") + _OFFSET)
    CourseSection.objects.bulk_update(
        [CourseSection(pk=section_id, order=i) for i, (section_id, _items) in enumerate(order)], ["order"]
    )
    lessons = [
        CourseContent(pk=lesson_id, section_id=section_id, order=i)
        for section_id, items in order
        for i, lesson_id in enumerate(items)
    ]
    CourseContent.objects.bulk_update(lessons, ["section", "order"])


def _current_order(course: Course) -> list[tuple[UUID, list[UUID]]]:
    items: dict[UUID, list[UUID]] = {}
    for section_id, lesson_id in (
        CourseContent.objects.filter(course=course).order_by("order", "created_at").values_list("section_id", "pk")
    ):
        items.setdefault(section_id, []).append(lesson_id)
    sections = CourseSection.objects.filter(course=course).order_by("order", "created_at").values_list("pk", flat=True)
    return [(section_id, items.get(section_id, [])) for section_id in sections]


def outline_reorder(*, course: Course, user, payload: Any) -> None:
    """Put the course's sections and lessons in the order given, moving lessons across sections as sent.

    `payload` is `{"sections": [{"id": <section id>, "items": [<lesson id>, …]}, …]}` and must list every
    section of the course and every lesson of the course, once each.
    """
    order = _parse(payload)
    with transaction.atomic():
        locked = _lock_for_edit(user, course.pk)
        section_ids = set(CourseSection.objects.filter(course=locked).values_list("pk", flat=True))
        lesson_ids = set(CourseContent.objects.filter(course=locked).values_list("pk", flat=True))
        _check_complete([s for s, _items in order], section_ids, "section")
        _check_complete([i for _s, items in order for i in items], lesson_ids, "lesson")
        _write_order(locked, order)


def outline_move(*, course: Course, user, target: str, target_id: Any, direction: str) -> None:
    """Move one section or lesson a step up or down (the outline's buttons, also without JavaScript).

    A lesson moved up from the top of its section goes to the end of the section before; moved down
    from the bottom, to the start of the next one.  A move past the first or last place changes nothing.
    """
    if target not in ("section", "item") or direction not in ("up", "down"):
        raise ValidationError(_("Move a section or an item up or down."), code="invalid")
    wanted = _uuid(target_id)
    step = -1 if direction == "up" else 1
    with transaction.atomic():
        locked = _lock_for_edit(user, course.pk)
        order = _current_order(locked)
        if target == "section":
            ids = [s for s, _items in order]
            if wanted not in ids:
                raise ValidationError(_("This section does not belong to this course."), code="not_in_course")
            i = ids.index(wanted)
            if 0 <= i + step < len(order):
                order[i], order[i + step] = order[i + step], order[i]
        else:
            where = next(((si, items.index(wanted)) for si, (_s, items) in enumerate(order) if wanted in items), None)
            if where is None:
                raise ValidationError(_("This item does not belong to this course."), code="not_in_course")
            si, ii = where
            items = order[si][1]
            if 0 <= ii + step < len(items):
                items[ii], items[ii + step] = items[ii + step], items[ii]
            elif 0 <= si + step < len(order):
                items.pop(ii)
                neighbour = order[si + step][1]
                if step < 0:
                    neighbour.append(wanted)
                else:
                    neighbour.insert(0, wanted)
        _write_order(locked, order)


def section_delete(*, section: CourseSection, user) -> None:
    """Delete an empty section (a section with lessons is refused: move or delete them first)."""
    with transaction.atomic():
        locked = _lock_for_edit(user, section.course_id)
        if CourseContent.objects.filter(section_id=section.pk).exists():
            raise ValidationError(
                _("This section still has lessons: move them to another section or delete them first."),
                code="section_not_empty",
            )
        CourseSection.objects.filter(pk=section.pk).delete()
        _write_order(locked, _current_order(locked))


def content_delete(*, content: CourseContent, user) -> None:
    """Delete a lesson (its questions go with it, its files once committed); the lessons after it move up."""
    with transaction.atomic():
        locked = _lock_for_edit(user, content.course_id)
        row = CourseContent.objects.filter(pk=content.pk, course=locked).first()
        if row is None:
            return  # already deleted
        row.delete()
        file_delete_on_commit(row.file, row.captions)
        _write_order(locked, _current_order(locked))


def content_move(*, content: CourseContent, user, section: CourseSection, position: int | None = None) -> None:
    """Move a lesson into `section` (of the same course) at `position` (0 first; None or past the end: last).

    The lessons after its old place move up, those from its new place down (orders stay gapless)."""
    if position is not None and position < 0:
        raise ValidationError({"position": "Give a place from 0 (first)."}, code="invalid")
    with transaction.atomic():
        locked = _lock_for_edit(user, content.course_id)
        if section.course_id != locked.pk:
            raise ValidationError({"section": "This section belongs to another course."}, code="not_in_course")
        order = _current_order(locked)
        for _section_id, items in order:
            if content.pk in items:
                items.remove(content.pk)
        target = next((items for section_id, items in order if section_id == section.pk), None)
        if target is None:  # deleted meanwhile
            raise ValidationError({"section": "This section no longer exists."}, code="not_in_course")
        target.insert(len(target) if position is None else min(position, len(target)), content.pk)
        _write_order(locked, order)
        content.section_id = section.pk
