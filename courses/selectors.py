"""Read paths: pages, API, the admin, services and other apps read courses through these functions.

Catalog selectors run a constant number of queries whatever the number of rows: the instructor and
category are joined, tags and the syllabus are prefetched, and lesson counts are computed in SQL.
Authoring reads (a free slug, why moderation hid a lesson) and the version format (`course_snapshot`,
`course_version_diff`) are here too: the services use them, never the other way round.

The catalog search (and category matching) used by `CourseFilter` is in `courses.search`.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models
from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.text import slugify

from .filters import CourseFilter
from .models import Category, Course, CourseContent, CourseSection, QuizQuestion, Tag, Translation
from .permissions import can_view_course

# Fields a translation may replace, per target.
TRANSLATABLE_FIELDS = {
    Translation.Target.COURSE: ("title", "short_description", "description"),
    Translation.Target.SECTION: ("title", "description"),
    Translation.Target.CONTENT: ("title", "description"),
}


# -- building blocks --------------------------------------------------------------------------
def _published_lessons() -> QuerySet:
    return CourseContent.objects.filter(course=OuterRef("pk"), is_published=True, section__is_published=True).order_by()


def course_card_queryset() -> QuerySet:
    """Published courses with what a course card shows (instructor, category, lesson count)."""
    lessons = _published_lessons()
    lesson_count = lessons.values("course").annotate(n=Count("pk")).values("n")
    lesson_seconds = lessons.values("course").annotate(s=Sum("duration_seconds")).values("s")
    return (
        Course.objects.published()
        .select_related("instructor", "category")
        .annotate(
            lesson_count=Coalesce(Subquery(lesson_count, output_field=IntegerField()), 0),
            lesson_seconds=Coalesce(Subquery(lesson_seconds, output_field=IntegerField()), 0),
        )
    )


# -- list, detail, home -----------------------------------------------------------------------
def course_list_published(*, filters: Mapping | None = None, with_tags: bool = True) -> QuerySet:
    """The public catalog: published courses filtered, searched and sorted by `CourseFilter`.

    `filters` is a query dict (request.GET / query_params); invalid values are ignored.
    """

    queryset = course_card_queryset()
    if with_tags:
        queryset = queryset.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug")))
    filterset = CourseFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        # Drop the bad values (e.g. an unknown level) instead of failing the whole page.
        cleaned = filters.copy()  # a QueryDict keeps every value of a repeated parameter (level=a&level=b)
        for key in filterset.errors:
            cleaned.pop(key, None)
        filterset = CourseFilter(cleaned, queryset=queryset)
    return filterset.qs


def syllabus_prefetch() -> Prefetch:
    """sections (published, ordered) -> `lessons` (published, ordered) as `course.syllabus`."""
    lessons = CourseContent.objects.filter(is_published=True).order_by("order").only(
        "id", "section_id", "course_id", "title", "description", "kind", "order", "is_preview",
        "duration_seconds", "is_required",
    )  # fmt: skip
    sections = (
        CourseSection.objects.filter(is_published=True)
        .order_by("order")
        .prefetch_related(Prefetch("contents", queryset=lessons, to_attr="lessons"))
    )
    return Prefetch("sections", queryset=sections, to_attr="syllabus")


def _course_lookup(slug: str) -> Q:
    """A course by slug, or by id when `slug` is a UUID."""

    try:
        return Q(pk=uuid.UUID(str(slug)))
    except ValueError:
        return Q(slug=slug)


def course_detail(*, slug: str, user=None, preview: bool = False) -> Course:
    """A course with its syllabus, prerequisites and tags; 404 unless the caller may see it.

    The public sees published courses only.  With `preview=True`, people who may view a course
    that is not published (its authors, reviewers) see it too; `course.is_preview` says so.
    """

    prerequisites = Course.objects.published().only("id", "slug", "title", "level", "status")
    queryset = Course.objects.select_related("instructor", "category", "category__parent").prefetch_related(
        "tags", Prefetch("prerequisites", queryset=prerequisites), syllabus_prefetch()
    )
    course = queryset.filter(_course_lookup(slug)).first()
    if course is None:
        raise Http404("No such course.")
    course.is_preview = False
    if not course.is_published:
        if not (preview and user is not None and user.is_authenticated and can_view_course(user, course)):
            raise Http404("No such course.")
        course.is_preview = True
    course.lesson_count = sum(len(s.lessons) for s in course.syllabus)
    course.lesson_seconds = sum(lesson.duration_seconds or 0 for s in course.syllabus for lesson in s.lessons)
    for section in course.syllabus:
        section.lesson_seconds = sum(lesson.duration_seconds or 0 for lesson in section.lessons)
    return course


@dataclass
class HomeSections:
    featured: list = field(default_factory=list)
    newest: list = field(default_factory=list)
    popular: list = field(default_factory=list)

    def all_courses(self) -> list:
        return [*self.featured, *self.newest, *self.popular]


def home_sections(*, limit: int = 4) -> HomeSections:
    """Featured, newest and most popular published courses, `limit` of each (three queries)."""
    cards = course_card_queryset()
    return HomeSections(
        featured=list(cards.filter(is_featured=True).order_by("-rating", "-enrollment_count", "id")[:limit]),
        newest=list(cards.order_by("-published_at", "-created_at", "id")[:limit]),
        popular=list(cards.order_by("-enrollment_count", "-rating", "id")[:limit]),
    )


def category_list() -> list[Category]:
    """All categories, each with `.subcategories` (one query); returns the top-level ones."""
    categories = list(Category.objects.all())
    by_parent = defaultdict(list)
    for category in categories:
        by_parent[category.parent_id].append(category)
    for category in categories:
        category.subcategories = by_parent.get(category.pk, [])
    return by_parent.get(None, [])


def tag_list(*, used_only: bool = True) -> QuerySet:
    """Tags (by default only those on a published course), most used first."""
    tags = Tag.objects.all()
    if used_only:
        tags = tags.annotate(course_total=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED))).filter(
            course_total__gt=0
        )
        return tags.order_by("-course_total", "name")
    return tags.order_by("name")


# -- translations -----------------------------------------------------------------------------
def _translatable(objs: Iterable) -> tuple[list, set]:
    """Flatten courses -> syllabus sections -> lessons; return (objects, course ids)."""
    flat, course_ids = [], set()
    for obj in objs:
        flat.append(obj)
        if isinstance(obj, Course):
            course_ids.add(obj.pk)
            for section in getattr(obj, "syllabus", ()):
                flat.append(section)
                flat.extend(getattr(section, "lessons", ()))
        else:
            course_ids.add(obj.course_id)
    return flat, course_ids


def apply_translations(objs: Iterable, language: str | None) -> None:
    """Replace titles/descriptions with their `language` translation, in memory (one query).

    Accepts courses (their prefetched `syllabus` sections and lessons are included), sections and
    lessons.  Nothing is saved: the objects are for display only.  Courses already in `language`
    are left as they are, and no query runs when every course is.
    """
    objs = list(objs)
    if not objs or not language:
        return
    language = language.split("-")[0]
    courses = [o for o in objs if isinstance(o, Course)]
    if courses and all(c.language == language for c in courses) and len(courses) == len(objs):
        return
    flat, course_ids = _translatable(objs)
    rows = Translation.objects.filter(course_id__in=course_ids, language=language).values_list(
        "target", "target_id", "field", "text"
    )
    texts = {(target, target_id, fld): text for target, target_id, fld, text in rows}
    if not texts:
        return
    for obj in flat:
        if isinstance(obj, Course):
            target = Translation.Target.COURSE
        elif isinstance(obj, CourseSection):
            target = Translation.Target.SECTION
        else:
            target = Translation.Target.CONTENT
        for fld in TRANSLATABLE_FIELDS[target]:
            text = texts.get((target.value, obj.pk, fld))
            if text:
                setattr(obj, fld, text)
                obj.translated_to = language


# -- instructor and reviewer lists ------------------------------------------------------------
def course_list_for_editor(*, user) -> QuerySet:
    """Courses `user` owns or co-authors (superusers: all), newest first."""
    return (
        Course.objects.editable_by(user)
        .select_related("instructor", "category")
        .prefetch_related("tags")
        .order_by("-created_at", "id")
    )


def content_next_order(*, course: Course) -> int:
    """The order a new lesson of `course` gets by default: after every lesson it has."""
    last = CourseContent.objects.filter(course=course).aggregate(n=Max("order"))["n"]
    return 0 if last is None else last + 1


def course_review_queue() -> QuerySet:
    """Courses waiting for review, oldest submission first."""
    return (
        Course.objects.filter(status=Course.Status.IN_REVIEW)
        .select_related("instructor", "category")
        .prefetch_related("tags")
        .order_by("updated_at", "id")
    )


# -- authoring reads --------------------------------------------------------------------------
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


MODERATION_KEY = "hidden_by_moderation"  # CourseContent.metadata key set by services.moderation


def content_moderation_reason(content: CourseContent) -> str | None:
    """Why moderation hid this lesson ("flags" or "moderator"), or None."""
    return (content.metadata or {}).get(MODERATION_KEY)


# -- versions: what a version stores, and what changed between two ------------------------------
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


def snapshot_value(value: Any) -> Any:
    """A field's value as stored in a snapshot (JSON): files by name, decimals/ids/dates as text."""
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
        out[name] = snapshot_value(getattr(obj, field.attname))
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


def snapshot_index(snapshot: dict) -> tuple[dict, dict, dict]:
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
    for kind, before, after in zip(
        ("section", "lesson", "question"), snapshot_index(old), snapshot_index(new), strict=True
    ):
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
