"""Translations of a course's content: what can be translated, the translator's view, and revisions.

A translation (`models.Translation`) replaces one field of the course, a section or a lesson
(`models.TRANSLATABLE_FIELDS`) when the reader's language is its language; the original is the
fallback (`selectors.apply_translations` does the display).  Writes: `services.translation_save`.

Translations are part of the reviewed content: `TranslationRevisions` (registered by
`CoursesConfig.ready`) puts them in course snapshots (so in versions, submissions and the reviewer's
diff), copies them onto a revision of a live course and applies the revision's to the live course
when it is approved.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings

from .models import TRANSLATABLE_FIELDS, Course, CourseContent, CourseLanguage, CourseSection, Translation
from .revisions import RevisionParticipant

T = Translation.Target
# Names of the targets in the API and the translator's page.
TARGET_KEYS = {T.COURSE: "course", T.SECTION: "sections", T.CONTENT: "lessons"}
_KEY_NAMESPACE = uuid.UUID("5b0c3f0e-7a53-4c1f-9a35-0f1d2c6a9e11")


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


def translation_languages(course: Course) -> list[tuple[str, str]]:
    """The languages a course can be translated into: every site language but the course's own."""
    return [(code, name) for code, name in settings.LANGUAGES if code != course.language]


# -- the translator's view -------------------------------------------------------------------------
@dataclass
class TranslationField:
    """One translatable field: where it is, its original text and its translation ("" when none)."""

    target: str
    target_id: UUID
    field: str
    original: str
    text: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The form field's name: `<target>-<id>-<field>`."""
        return f"{self.target}-{self.target_id}-{self.field}"

    @property
    def multiline(self) -> bool:
        return self.field in ("description", "article_body")


@dataclass
class TranslationGroup:
    """The fields of one object (the course, a section, a lesson), with its original title."""

    target: str
    target_id: UUID
    title: str
    fields: list[TranslationField] = field(default_factory=list)


def _field_original(obj: Any, name: str) -> str:
    return getattr(obj, name, "") or ""


def course_translation_groups(*, course: Course, language: str) -> list[TranslationGroup]:
    """Every translatable field of `course` (course, then sections and their lessons in order) with the
    original and the `language` translation: what the translator's page and the API show (3 queries).

    A lesson's `article_body` is offered for articles only; empty originals (a section without a
    description) are left out unless a translation exists."""
    texts = {
        (t, tid, f): text
        for t, tid, f, text in Translation.objects.filter(course=course, language=language).values_list(
            "target", "target_id", "field", "text"
        )
    }
    sections = list(CourseSection.objects.filter(course=course).order_by("order"))
    lessons = list(CourseContent.objects.filter(course=course).order_by("section__order", "order"))
    by_section: dict[UUID, list[CourseContent]] = {}
    for lesson in lessons:
        by_section.setdefault(lesson.section_id, []).append(lesson)

    def group(target: str, obj: Any) -> TranslationGroup:
        out = TranslationGroup(target=target, target_id=obj.pk, title=obj.title)
        for name in TRANSLATABLE_FIELDS[target]:
            if name == "article_body" and obj.kind != CourseContent.Kind.ARTICLE:
                continue
            text = texts.get((target, obj.pk, name), "")
            original = _field_original(obj, name)
            if original or text or name == "title":
                out.fields.append(TranslationField(target, obj.pk, name, original, text))
        return out

    groups = [group(T.COURSE, course)]
    for section in sections:
        groups.append(group(T.SECTION, section))
        groups.extend(group(T.CONTENT, lesson) for lesson in by_section.get(section.pk, ()))
    return groups


def course_translation_data(*, course: Course, language: str) -> dict[str, Any]:
    """The API's view of one language: {"language", "course": {field: text}, "sections": {id: {...}},
    "lessons": {id: {...}}, "originals": same shape with the original texts}.  Untranslated fields are ""."""
    data: dict[str, Any] = {"language": language, "course": {}, "sections": {}, "lessons": {}}
    originals: dict[str, Any] = {"course": {}, "sections": {}, "lessons": {}}
    for group in course_translation_groups(course=course, language=language):
        key = TARGET_KEYS[T(group.target)]
        values = {f.field: f.text for f in group.fields}
        source = {f.field: f.original for f in group.fields}
        if group.target == T.COURSE:
            data["course"], originals["course"] = values, source
        else:
            data[key][str(group.target_id)], originals[key][str(group.target_id)] = values, source
    data["originals"] = originals
    return data


# -- revisions ---------------------------------------------------------------------------------------
def _key_id(language: str, target: str, target_id: Any, field_name: str) -> str:
    """A translation's id in snapshots: the same for the same field whatever the row (the course's own
    fields use no id, so a revision's and its live course's coincide)."""
    where = "course" if target == T.COURSE else str(target_id)
    return str(uuid.uuid5(_KEY_NAMESPACE, f"{language}:{target}:{where}:{field_name}"))


class TranslationRevisions(RevisionParticipant):
    """Translations in snapshots, revisions and their approval (see the module's docstring)."""

    kind = "translation"
    verbose_name = "translation"
    title_field = "label"

    def snapshot(self, *, course) -> list[dict[str, Any]]:
        rows = list(
            Translation.objects.filter(course=course).order_by("language", "target", "target_id", "field", "id")
        )
        if not rows:
            return []
        titles: dict[Any, str] = {course.pk: "course"}
        titles.update(
            (pk, f"section “{title}”")
            for pk, title in CourseSection.objects.filter(course=course).values_list("pk", "title")
        )
        titles.update(
            (pk, f"lesson “{title}”")
            for pk, title in CourseContent.objects.filter(course=course).values_list("pk", "title")
        )
        return [
            {
                "id": _key_id(row.language, row.target, row.target_id, row.field),
                "label": f"{language_name(row.language)}: {titles.get(row.target_id, row.target)} {row.field}",
                "language": row.language,
                "field": row.field,
                "text": row.text,
            }
            for row in rows
        ]

    def clone(self, *, source, revision) -> dict[str, str]:
        """Copied after the structure: `revision.revision_origins` already maps the copied sections and
        lessons to their origins (`course_revision_start` sets it before calling the participants)."""
        back = {
            kind: {origin: copy for copy, origin in mapping.items()}
            for kind, mapping in (revision.revision_origins or {}).items()
        }
        copies: dict[str, str] = {}
        rows = []
        for row in Translation.objects.filter(course=source):
            if row.target == T.COURSE:
                target_id: Any = revision.pk
            else:
                found = back.get("section" if row.target == T.SECTION else "content", {}).get(str(row.target_id))
                if found is None:  # a stale row (its object is gone): not copied
                    continue
                target_id = UUID(found)
            copy = Translation(
                course=revision, language=row.language, target=row.target, target_id=target_id,
                field=row.field, text=row.text,
            )  # fmt: skip
            rows.append(copy)
            copies[_key_id(copy.language, copy.target, copy.target_id, copy.field)] = _key_id(
                row.language, row.target, row.target_id, row.field
            )
        Translation.objects.bulk_create(rows)
        CourseLanguage.objects.bulk_create(
            CourseLanguage(course=revision, language=lang)
            for lang in CourseLanguage.objects.filter(course=source).values_list("language", flat=True)
        )
        return copies

    def apply(self, *, revision, live, origins: dict[str, str]) -> None:
        """Make the live course's translations the revision's: same fields updated, new ones added
        (a new section's or lesson's move with it), those the revision dropped deleted."""
        maps = revision.revision_origins or {}
        wanted: dict[tuple, Translation] = {}
        for row in Translation.objects.filter(course=revision):
            if row.target == T.COURSE:
                target_id = live.pk
            else:
                kind = "section" if row.target == T.SECTION else "content"
                target_id = UUID(maps.get(kind, {}).get(str(row.target_id), str(row.target_id)))
            wanted[(row.language, row.target, target_id, row.field)] = row
        current = {
            (row.language, row.target, row.target_id, row.field): row
            for row in Translation.objects.select_for_update().filter(course=live)
        }
        Translation.objects.filter(pk__in=[row.pk for key, row in current.items() if key not in wanted]).delete()
        for key, row in wanted.items():
            existing = current.get(key)
            if existing is not None:
                if existing.text != row.text:
                    existing.text = row.text
                    existing.save(update_fields=["text", "updated_at"])
            elif key[2] == row.target_id:  # the revision's new section/lesson moves to the live course
                row.course = live
                row.save(update_fields=["course", "updated_at"])
            else:
                Translation.objects.create(
                    course=live, language=key[0], target=key[1], target_id=key[2], field=key[3], text=row.text
                )
        languages = {key[0] for key in wanted}
        CourseLanguage.objects.filter(course=live).exclude(language__in=languages).delete()
        have = set(CourseLanguage.objects.filter(course=live).values_list("language", flat=True))
        CourseLanguage.objects.bulk_create(CourseLanguage(course=live, language=lang) for lang in languages - have)
