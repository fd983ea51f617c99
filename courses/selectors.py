"""Read paths for the catalog: pages, API and other apps read courses through these functions.

Every selector runs a constant number of queries whatever the number of rows: the instructor and
category are joined, tags and the syllabus are prefetched, and lesson counts are computed in SQL.

The catalog search (and category matching) used by `CourseFilter` is in `courses.search`.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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
from django.db.models.functions import Coalesce
from django.http import Http404

from .filters import CourseFilter
from .models import (
    Category,
    Course,
    CourseContent,
    CourseSection,
    Tag,
    Translation,
    counted_lessons_q,
    lesson_length_seconds,
)
from .permissions import can_view_course

# Fields a translation may replace, per target.
TRANSLATABLE_FIELDS = {
    Translation.Target.COURSE: ("title", "short_description", "description"),
    Translation.Target.SECTION: ("title", "description"),
    Translation.Target.CONTENT: ("title", "description"),
}


# -- building blocks --------------------------------------------------------------------------
def _published_lessons() -> QuerySet:
    """The course's lessons that count (`courses.models.counted_lessons_q`: every lesson number uses it)."""
    return CourseContent.objects.filter(counted_lessons_q(), course=OuterRef("pk")).order_by()


def course_card_queryset() -> QuerySet:
    """Published courses with what a course card shows (instructor, category, lesson count)."""
    lessons = _published_lessons()
    lesson_count = lessons.values("course").annotate(n=Count("pk")).values("n")
    lesson_seconds = lessons.values("course").annotate(s=Sum(lesson_length_seconds())).values("s")
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
    """sections (published, ordered) -> `lessons` (those that count, ordered) as `course.syllabus`."""
    lessons = CourseContent.objects.filter(counted_lessons_q()).order_by("order").only(
        "id", "section_id", "course_id", "title", "description", "kind", "order", "is_preview",
        "duration_seconds", "time_limit_minutes", "is_required",
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
    # The syllabus holds exactly the lessons that count (`counted_lessons_q`), so these are the numbers
    # the catalog cards, the API and the learners' progress show too.
    course.lesson_count = sum(len(s.lessons) for s in course.syllabus)
    course.required_lesson_count = sum(1 for s in course.syllabus for lesson in s.lessons if lesson.is_required)
    course.optional_lesson_count = course.lesson_count - course.required_lesson_count
    course.lesson_seconds = sum(lesson.length_seconds or 0 for s in course.syllabus for lesson in s.lessons)
    for section in course.syllabus:
        section.lesson_seconds = sum(lesson.length_seconds or 0 for lesson in section.lessons)
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
