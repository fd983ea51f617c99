"""Writing a course's translations (one language at a time): the admin's translation page and the API.

A translation is reviewed content: it is written directly only while the course is editable (a draft,
changes requested, or a revision of a live course); a published course's translations change through a
revision (`course_revision_start`), applied to the live course when the revision is approved
(`courses.translations.TranslationRevisions`).
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create

from .. import permissions
from ..models import TRANSLATABLE_FIELDS, Course, CourseContent, CourseLanguage, CourseSection, Translation
from ..translations import TARGET_KEYS
from ._common import _lock_course

T = Translation.Target
_TARGETS = {key: target for target, key in TARGET_KEYS.items()}
# The same limits as the originals' columns (titles); bodies are bounded by the request size.
_MAX_LENGTH = {"title": 200, "short_description": 300}


def _check_language(course: Course, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": "Unknown language."}, code="invalid_language")
    if language == course.language:
        raise ValidationError(
            {"language": "This is the course's own language: edit the course itself."}, code="invalid_language"
        )


def _check_state(user: User, course: Course) -> None:
    if not permissions.is_course_staff(user, course):
        raise PermissionDenied(_("Only the course's instructors can translate it."))
    lock = permissions.course_edit_lock(user, course)
    if lock is not None:  # the one rule for why a course cannot be changed now (as the authoring API answers)
        code, message = lock
        raise ConflictError(message, code=code)


def _clean_text(value: Any, field: str, path: str, errors: dict[str, str]) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[path] = "Must be text."
        return None
    if "\x00" in value:
        errors[path] = "Null characters are not allowed."
        return None
    value = value.strip() if field in _MAX_LENGTH else value.rstrip()
    limit = _MAX_LENGTH.get(field)
    if limit and len(value) > limit:
        errors[path] = f"Ensure this field has no more than {limit} characters."
        return None
    return value


def _parse(course: Course, values: Any) -> dict[tuple[str, UUID, str], str]:
    """`values` ({"course": {field: text}, "sections": {id: {...}}, "lessons": {id: {...}}}) as
    {(target, id, field): text}; every problem is reported under its path ("lessons.<id>.title")."""
    if not isinstance(values, dict):
        raise ValidationError({"non_field_errors": "Send an object with course, sections and lessons."})
    errors: dict[str, str] = {}
    out: dict[tuple[str, UUID, str], str] = {}
    sections = {str(pk) for pk in CourseSection.objects.filter(course=course).values_list("pk", flat=True)}
    lessons = {str(pk): kind for pk, kind in CourseContent.objects.filter(course=course).values_list("pk", "kind")}
    for key, part in values.items():
        target = _TARGETS.get(key)
        if target is None:
            errors[str(key)] = "Unknown part: use course, sections and lessons."
            continue
        if not isinstance(part, dict):
            errors[key] = "Must be an object."
            continue
        items = {str(course.pk): part} if target == T.COURSE else part
        for object_id, fields in items.items():
            path = key if target == T.COURSE else f"{key}.{object_id}"
            known = {T.SECTION: sections, T.CONTENT: lessons}.get(target)
            if known is not None and str(object_id) not in known:
                what = "section" if target == T.SECTION else "lesson"
                errors[path] = f"Not a {what} of this course."
                continue
            if not isinstance(fields, dict):
                errors[path] = "Must be an object."
                continue
            for name, value in fields.items():
                where = f"{path}.{name}"
                if name not in TRANSLATABLE_FIELDS[target]:
                    errors[where] = "This field cannot be translated."
                    continue
                if name == "article_body" and lessons.get(str(object_id)) != CourseContent.Kind.ARTICLE:
                    if value:
                        errors[where] = "Only articles have a text body."
                    continue
                text = _clean_text(value, name, where, errors)
                if text is not None:
                    out[(target, UUID(str(object_id)), name)] = text
    if errors:
        raise ValidationError(errors)
    return out


def translation_save(*, course: Course, language: str, values: Any, user: User) -> int:
    """Write `language` translations of `course` from `values` (see `_parse`): a text sets a field's
    translation, "" removes it (the original shows again), fields not sent are left as they are.

    The course's teachers (and superusers: `permissions.is_course_staff`) only, else PermissionDenied;
    a published course → ConflictError `revision_required`; in review/archived → `course_locked`
    (`courses.permissions.course_edit_lock`);
    an unknown language, part, object, field, a non-text value or a NUL character → ValidationError
    keyed by where it is.  `CourseLanguage` follows (the course is offered in the language while it has
    a translation in it).  Audited `course.translation_save`.  Returns the number of fields changed.
    """
    with transaction.atomic():
        locked = _lock_course(course)
        _check_state(user, locked)
        _check_language(locked, language)
        wanted = _parse(locked, values)
        current = {
            (row.target, row.target_id, row.field): row
            for row in Translation.objects.select_for_update().filter(course=locked, language=language)
        }
        changed = 0
        removed = []
        for key, text in wanted.items():
            row = current.get(key)
            if not text:
                if row is not None:
                    removed.append(row.pk)
                continue
            if row is None:
                Translation.objects.create(
                    course=locked, language=language, target=key[0], target_id=key[1], field=key[2], text=text
                )
            elif row.text != text:
                row.text = text
                row.save(update_fields=["text", "updated_at"])
            else:
                continue
            changed += 1
        if removed:
            Translation.objects.filter(pk__in=removed).delete()
            changed += len(removed)
        if Translation.objects.filter(course=locked, language=language).exists():
            CourseLanguage.objects.get_or_create(course=locked, language=language)
        else:
            CourseLanguage.objects.filter(course=locked, language=language).delete()
        if changed:
            audit_log_create(
                actor=user,
                action="course.translation_save",
                target=locked,
                changes={"language": language, "fields": changed},
            )
    return changed
