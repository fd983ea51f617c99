"""The reviewer's diff as table rows: labels for fields, readable values, unified diffs for long text.

`courses.selectors.course_version_diff` says what changed; this turns it into what the review and
restore pages show (one row per changed field, before and after side by side).  Text is escaped by
the template like any value.
"""

import difflib
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from ..models import CertificateTemplate, Course, CourseContent, CourseSection, QuizQuestion
from ..revisions import revision_participants
from ..selectors import snapshot_index

KIND_LABELS = {"course": "Course", "section": "Section", "lesson": "Lesson", "question": "Quiz question"}
MODELS = {"course": Course, "section": CourseSection, "lesson": CourseContent, "question": QuizQuestion}
# Long text: shown as a unified diff of lines.
TEXT_FIELDS = {"description", "article_body", "requirements", "learning_outcomes", "curriculum_summary",
               "explanation", "question", "short_description"}  # fmt: skip
FILE_FIELDS = {"file", "captions", "thumbnail"}


def _label(kind: str, name: str) -> str:
    model = MODELS.get(kind)
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except (AttributeError, FieldDoesNotExist):  # not a model's field (tags, prerequisites, a participant's)
        return name.replace("_", " ").capitalize()


def _text_diff(old: str, new: str) -> list[tuple[str, str]]:
    lines = difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), lineterm="", n=2)
    out = []
    for line in list(lines)[2:]:  # drop the ---/+++ header
        css = {"-": "del", "+": "add", "@": "hunk"}.get(line[:1], "same")
        out.append((css, line))
    return out


class _Names:
    """Titles for ids shown in the diff (sections of lessons, certificate templates), looked up once."""

    def __init__(self, *snapshots: dict):
        self.sections: dict = {}
        self.lesson_sections: dict = {}
        for snapshot in snapshots:
            sections, lessons, _questions = snapshot_index(snapshot)
            for section_id, section in sections.items():
                self.sections.setdefault(section_id, section.get("title"))
            for lesson_id, lesson in lessons.items():
                self.lesson_sections.setdefault(lesson_id, lesson.get("section"))
        self._templates: dict | None = None

    def template(self, pk) -> str:
        if self._templates is None:
            self._templates = {str(t.pk): t.name for t in CertificateTemplate.objects.only("id", "name")}
        return self._templates.get(str(pk), "(deleted template)")


def _value(name: str, value: Any, names: _Names) -> str:
    if value in (None, "", [], {}):
        return "—"
    if name == "section":
        return names.sections.get(value, "(another section)")
    if name == "certificate_template":
        return names.template(value)
    if name == "category":
        return value.get("name", "—") if isinstance(value, dict) else str(value)
    if name == "categories":
        return ", ".join(c.get("name", "") for c in value)
    if name == "prerequisites":
        return ", ".join(p.get("title", "") for p in value)
    if name in FILE_FIELDS:
        return str(value).rsplit("/", 1)[-1]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if name == "duration_seconds":
        minutes, seconds = divmod(int(value), 60)
        return f"{minutes} min {seconds:02d} s" if seconds else f"{minutes} min"
    return str(value)


def diff_rows(diff: list[dict], *, old: dict, new: dict) -> list[dict]:
    """One entry per changed item: {"kind", "label", "change", "title", "fields": [{"label", "before",
    "after", "text_diff"}]} (text_diff: [(css, line)] for long text, else None)."""
    names = _Names(old, new)
    labels = {**KIND_LABELS, **{p.kind: p.verbose_name.capitalize() for p in revision_participants()}}
    rows = []
    for item in diff:
        kind = item["kind"]
        fields = []
        for name, values in (item.get("fields") or {}).items():
            before, after = values.get("old"), values.get("new")
            text_diff = None
            long_text = (
                isinstance(before, str)
                and isinstance(after, str)
                and ("\n" in before or "\n" in after or max(len(before), len(after)) > 120)
            )
            if name in TEXT_FIELDS and long_text:
                text_diff = _text_diff(before, after)
            fields.append(
                {
                    "label": _label(kind, name),
                    "before": _value(name, before, names),
                    "after": _value(name, after, names),
                    "text_diff": text_diff,
                }
            )
        where = ""
        if kind == "lesson" and item["change"] in ("added", "removed"):
            where = names.sections.get(names.lesson_sections.get(item["id"]), "")
        rows.append(
            {
                "kind": kind,
                "label": labels.get(kind, kind.capitalize()),
                "change": item["change"],
                "title": item.get("title") or "",
                "where": where,
                "fields": fields,
            }
        )
    return rows
