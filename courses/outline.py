"""The course outline: the whole structure of a course as one tree, for its authors' outline page.

Read side only (the writes are `courses.services_outline`).  `course_outline(course=...)` returns the
sections in order, each with its lessons (every kind) and the quizzes' questions, in a constant number
of queries, plus the items other apps add to a course (assignments, from `learning`).

Other apps' items: courses never imports the apps above it, so an app that owns items belonging to a
course (learning's assignments) registers an `OutlineExtension` here (from its AppConfig.ready()).
The outline page shows each extension as a group after the sections, with its own "add" link; the
extension decides what its items are, how they are listed and where they are edited.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from . import selectors
from .models import Course, CourseContent, CourseSection, QuizQuestion


@dataclass(frozen=True)
class OutlineExtraItem:
    """An item another app lists in a course's outline (e.g. an assignment)."""

    id: Any
    title: str
    kind: str  # short machine name, e.g. "assignment"
    kind_label: str  # for people, e.g. "Assignment"
    edit_url: str = ""
    delete_url: str = ""
    view_url: str = ""  # what students open (e.g. the assignment page)
    details: tuple[str, ...] = ()  # short facts shown after the title ("due 3 May", "100 points")
    is_published: bool = True


@dataclass(frozen=True)
class OutlineExtension:
    """A group of items another app adds to every course's outline.

    `items(course, user)` lists them in the order students see them; `add_url(course, user)` is where
    an author adds one ("" when they may not).  `icon` is a Bootstrap Icons name.
    """

    key: str
    label: str
    kind_label: str
    items: Callable[[Course, Any], list[OutlineExtraItem]]
    add_url: Callable[[Course, Any], str]
    description: str = ""
    icon: str = "clipboard-check"


_EXTENSIONS: dict[str, OutlineExtension] = {}


def outline_extension_register(extension: OutlineExtension) -> None:
    """Add (or replace, by key) a group of items to every course's outline."""
    _EXTENSIONS[extension.key] = extension


def outline_extensions() -> list[OutlineExtension]:
    return list(_EXTENSIONS.values())


@dataclass
class OutlineGroup:
    extension: OutlineExtension
    items: list[OutlineExtraItem]
    add_url: str


@dataclass
class Outline:
    course: Course
    sections: list[CourseSection]  # each with `.items`: its lessons in order (quizzes' `.quiz_questions`)
    groups: list[OutlineGroup] = field(default_factory=list)
    # Ids of the sections, lessons and questions changed since the published version (see revision_changes).
    changed_ids: frozenset = frozenset()

    @property
    def lesson_count(self) -> int:
        return sum(len(s.items) for s in self.sections)


def revision_changes(course: Course) -> frozenset:
    """Ids of the outline's rows that differ from the course's published version, for the "changed" badges:
    added or changed sections, lessons, questions and assignments (`selectors.course_revision_changes`: a
    revision against its live course, a draft against its last approved version; nothing without one)."""
    changes = selectors.course_revision_changes(course)
    return frozenset(key[1] for key, change in changes.items() if change in ("added", "changed"))


def course_outline(*, course: Course, user=None) -> Outline:
    """The course's sections, lessons and questions in order (3 queries), plus other apps' groups."""
    questions = QuizQuestion.objects.order_by("order", "created_at")
    lessons = CourseContent.objects.order_by("order", "created_at").prefetch_related(
        Prefetch("questions", queryset=questions, to_attr="quiz_questions")
    )
    sections = list(
        CourseSection.objects.filter(course=course)
        .order_by("order", "created_at")
        .prefetch_related(Prefetch("contents", queryset=lessons, to_attr="items"))
    )
    for section in sections:  # the rows know their parents: no query per lesson for its course or section
        section.course = course
        for item in section.items:
            item.course, item.section = course, section
    groups = [
        OutlineGroup(extension=ext, items=ext.items(course, user), add_url=ext.add_url(course, user))
        for ext in outline_extensions()
    ]
    return Outline(course=course, sections=sections, groups=groups, changed_ids=revision_changes(course))
