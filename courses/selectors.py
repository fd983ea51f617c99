"""Read paths: pages, API, the admin, services and other apps read courses through these functions.

Catalog selectors run a constant number of queries whatever the number of rows: the instructor and
category are joined, tags and the syllabus are prefetched, and lesson counts are computed in SQL.
Authoring reads (a free slug, why moderation hid a lesson) and the version format (`course_snapshot`,
`course_version_diff`) are here too: the services use them, never the other way round.

The catalog search (and category matching) used by `CourseFilter` is in `courses.search`.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
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
from django.http import Http404, QueryDict
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courseworx.core.text import AUTHOR, render_markdown
from courseworx.core.utils import concrete_field

from .filters import CourseFilter
from .models import (
    TRANSLATABLE_FIELDS,
    Category,
    CertificateTemplate,
    Course,
    CourseApprovalRequest,
    CourseContent,
    CoursePrice,
    CourseSection,
    QuizQuestion,
    Tag,
    Translation,
    counted_lessons_q,
    lesson_length_seconds,
)
from .permissions import can_view_course
from .revisions import revision_participants


# -- building blocks --------------------------------------------------------------------------
def _published_lessons() -> QuerySet:
    """The course's lessons that count (`courses.models.counted_lessons_q`: every lesson number uses it)."""
    return CourseContent.objects.filter(counted_lessons_q(), course=OuterRef("pk")).order_by()


def course_card_queryset() -> QuerySet:
    """Published courses with what a course card shows (instructor, category, lesson count).  Pages that show
    a display currency attach the explicit prices in it with `explicit_prices_attach` (one query per page)."""
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
def course_list_published(*, filters: QueryDict | dict | None = None, with_tags: bool = True) -> QuerySet:
    """The public catalog: published courses filtered, searched and sorted by `CourseFilter`.

    `filters` is a query dict (request.GET / query_params); invalid values are ignored.
    """

    queryset = course_card_queryset()
    if with_tags:
        queryset = queryset.prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug")),
            Prefetch("categories", queryset=Category.objects.only("id", "name", "slug")),
        )
    filterset = CourseFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        # Drop the bad values (e.g. an unknown level) instead of failing the whole page.
        cleaned = (filters or {}).copy()  # a QueryDict keeps every value of a repeated parameter (level=a&level=b)
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
        "tags", "categories", Prefetch("prerequisites", queryset=prerequisites), syllabus_prefetch()
    )
    course = queryset.filter(_course_lookup(slug)).first()
    if course is None:
        raise Http404(_("No such course."))
    course.is_preview = False
    if not course.is_published:
        if not (preview and user is not None and user.is_authenticated and can_view_course(user, course)):
            raise Http404(_("No such course."))
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
        setattr(category, "subcategories", by_parent.get(category.pk, []))  # noqa: B010  (for templates)
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


def explicit_prices_attach(courses: Iterable, currency: str | None) -> None:
    """Give each course its explicit price in `currency` (or none), read in one query for the whole list, so
    cards and serializers call `Course.explicit_price(currency)` without a query per course.  No display
    currency: nothing runs (the list costs no extra query)."""
    courses = [c for c in courses if c is not None]
    if not currency or not courses:
        return
    code = currency.upper()
    rows = {
        row.course_id: row
        for row in CoursePrice.objects.filter(course_id__in=[c.pk for c in courses], currency=code).only(
            "id", "course_id", "currency", "amount"
        )
    }
    for course in courses:
        attached = {**getattr(course, "_explicit_prices", {}), code: rows.get(course.pk)}
        setattr(course, "_explicit_prices", attached)  # noqa: B010  (read by Course.explicit_price)


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
            if not text:
                continue  # the original is the fallback
            if fld == "article_body":
                if getattr(obj, "kind", None) != CourseContent.Kind.ARTICLE:
                    continue
                # Rendered and sanitised exactly like the original's `article_html` (CourseContent.save).
                obj.article_html = render_markdown(text, policy=AUTHOR)
            setattr(obj, fld, text)
            obj.translated_to = language


# -- instructor and reviewer lists ------------------------------------------------------------
def course_list_for_editor(*, user) -> QuerySet:
    """Courses `user` owns or co-authors (superusers: all), newest first.  Revisions of live courses are
    not listed (the live course's admin page leads to its revision)."""
    return (
        Course.objects.editable_by(user)
        .without_revisions()
        .select_related("instructor", "category")
        .prefetch_related("tags", "categories", "prices")
        .order_by("-created_at", "id")
    )


def content_next_order(*, course: Course) -> int:
    """The order a new lesson of `course` gets by default: after every lesson it has."""
    last = CourseContent.objects.filter(course=course).aggregate(n=Max("order"))["n"]
    return 0 if last is None else last + 1


def course_review_queue() -> QuerySet:
    """Courses (and revisions of live courses) waiting for review, oldest submission first; each with
    `submitted_at` (when its pending request was made) and `lesson_total`."""
    pending = CourseApprovalRequest.objects.filter(
        course=OuterRef("pk"), decision=CourseApprovalRequest.Decision.PENDING
    ).values("created_at")[:1]
    return (
        Course.objects.filter(status=Course.Status.IN_REVIEW)
        .select_related("instructor", "category", "revision_of")
        .prefetch_related("tags")
        .annotate(submitted_at=Subquery(pending), lesson_total=Count("contents"))
        .order_by("submitted_at", "created_at", "id")
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
# Schema 2 adds "items": the rows of apps above courses ({kind: [row, ...]}, courses.revisions).
SNAPSHOT_SCHEMA = 2
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
    if isinstance(value, Decimal):
        # Money columns have 3 places (KWD); "49.00" stays "49.00" so snapshots taken before compare equal.
        two = value.quantize(Decimal("0.01")) if value.is_finite() and value.as_tuple().exponent == -3 else value
        return str(two if two == value else value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _dump(obj: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for name in fields:
        field = concrete_field(obj, name)
        out[name] = snapshot_value(getattr(obj, field.attname))
    return out


def course_snapshot(*, course: Course) -> dict:
    """The whole structure as JSON: course fields, sections, lessons, quiz questions, and the rows of the
    revision participants (learning's assignments) under "items"."""
    course = (
        Course.objects.select_related("category")
        .prefetch_related(
            "tags",
            "categories",
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
    data["categories"] = sorted(
        ({"id": c.pk, "name": c.name} for c in course.categories.all()), key=lambda c: (c["name"], c["id"])
    )
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
    items = {p.kind: p.snapshot(course=course) for p in revision_participants()}
    return {"schema": SNAPSHOT_SCHEMA, "course": data, "sections": sections, "items": items}


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


def _snapshot_items(snapshot: dict) -> dict[str, dict[str, dict]] | None:
    """The participants' rows by kind and id; None for a snapshot taken before they were recorded."""
    if not snapshot:
        return {}
    if "items" not in snapshot:
        return None
    return {kind: {row["id"]: row for row in rows} for kind, rows in snapshot["items"].items()}


def _diff_rows(kind: str, before: dict, after: dict, title_key: str) -> list[dict]:
    diff: list[dict] = []
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


def course_version_diff(*, old: dict, new: dict) -> list[dict]:
    """What changed from snapshot `old` to `new` (pass `{}` as old for a first submission).

    One entry per changed object: {"kind": course|section|lesson|question|<participant kind>,
    "change": added|removed|changed, "id", "title", "fields": {name: {"old", "new"}}} ("fields" only
    for "changed").  Lessons and questions are matched by id, so a lesson moved to another section
    is "changed" (its "section" field), not removed and added.  Participants' rows (assignments) are
    compared when both snapshots recorded them.
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
        diff += _diff_rows(kind, before, after, "question" if kind == "question" else "title")
    old_items, new_items = _snapshot_items(old), _snapshot_items(new)
    if old_items is not None and new_items is not None:
        for participant in revision_participants():
            kind = participant.kind
            diff += _diff_rows(kind, old_items.get(kind, {}), new_items.get(kind, {}), participant.title_field)
    return diff


# -- review: what changed, what is missing, what the reviewer said --------------------------------
def revision_snapshot_as_live(snapshot: dict, origins: dict) -> dict:
    """A revision's snapshot with each copied row's id replaced by the id of the live row it came from
    (`Course.revision_origins`), so that it compares with (and applies to) the live course's rows.
    Rows the revision added keep their own ids."""
    sections, contents, questions = (origins.get(k, {}) for k in ("section", "content", "question"))
    out = {**snapshot, "sections": []}
    for section in snapshot.get("sections", []):
        lessons = []
        for lesson in section.get("lessons", []):
            lesson_questions = [{**q, "id": questions.get(q["id"], q["id"])} for q in lesson.get("questions", [])]
            lessons.append(
                {
                    **lesson,
                    "id": contents.get(lesson["id"], lesson["id"]),
                    "section": sections.get(lesson["section"], lesson["section"]),
                    "questions": lesson_questions,
                }
            )
        out["sections"].append({**section, "id": sections.get(section["id"], section["id"]), "lessons": lessons})
    if "items" in snapshot:
        out["items"] = {
            kind: [{**row, "id": origins.get(kind, {}).get(row["id"], row["id"])} for row in rows]
            for kind, rows in snapshot["items"].items()
        }
    return out


@dataclass
class ReviewComparison:
    """What a reviewer compares: `diff` (course_version_diff) from the `baseline` described by `label`."""

    label: str
    diff: list
    baseline: dict
    current: dict
    first_submission: bool = False


def course_review_comparison(*, course: Course) -> ReviewComparison:
    """The reviewer's diff of a course: a revision against the live course it revises; another course
    against what was submitted last time (or its last approved version, whichever is newer); a course
    never submitted before: everything is new."""
    current = course_snapshot(course=course)
    if course.is_revision:
        live = course.revision_of
        assert live is not None  # is_revision means revision_of is set
        return ReviewComparison(
            label=f"Changes from the published course (live since {live.published_at:%Y-%m-%d})"
            if live.published_at
            else "Changes from the published course",
            diff=course_version_diff(
                old=course_snapshot(course=live), new=revision_snapshot_as_live(current, course.revision_origins)
            ),
            baseline=course_snapshot(course=live),
            current=current,
        )
    last_request = (
        course.approval_requests.exclude(decision=CourseApprovalRequest.Decision.PENDING)
        .filter(snapshot__isnull=False)
        .order_by("-created_at")
        .first()
    )
    last_version = course.versions.order_by("-number").first()
    if last_request and (last_version is None or last_request.created_at >= last_version.created_at):
        when = f"{last_request.created_at:%Y-%m-%d}"
        verdict = "approved" if last_request.decision == CourseApprovalRequest.Decision.APPROVED else "sent back"
        label = f"Changes since the last submission ({when}, {verdict})"
        baseline = last_request.snapshot or {}  # filtered: never None
    elif last_version:
        label = f"Changes since version {last_version.number} (approved {last_version.created_at:%Y-%m-%d})"
        baseline = last_version.snapshot or {}
    else:
        return ReviewComparison(
            label=_("First submission: everything is new"),
            diff=course_version_diff(old={}, new=current),
            baseline={},
            current=current,
            first_submission=True,
        )
    return ReviewComparison(label=label, diff=course_version_diff(old=baseline, new=current), baseline=baseline,
                            current=current)  # fmt: skip


_DIFF_KINDS = {"lesson": "content"}  # diff kinds -> item-key kinds


def course_revision_changes(course: Course) -> dict[tuple[str, Any], str]:
    """Which items of a revision differ from the live course: {(kind, id): "added" | "changed" | "removed"}.

    Kinds are "course", "section", "content", "question" and the participants' ("assignment").  Added
    and changed items are keyed by the revision's own ids (the rows the outline shows); removed items
    by the id of the live row that the revision no longer has.  Unchanged items are absent.  Ids are
    UUIDs.  For a course that is not a revision: the changes since its last approved version (same ids),
    or nothing when it has none.
    """
    if course.is_revision:
        assert course.revision_of is not None  # is_revision means revision_of is set
        origins = course.revision_origins or {}
        old = course_snapshot(course=course.revision_of)
        new = revision_snapshot_as_live(course_snapshot(course=course), origins)
        back = {kind: {origin: copy for copy, origin in mapping.items()} for kind, mapping in origins.items()}
    else:
        version = course.versions.order_by("-number").first()
        if version is None:
            return {}
        old, new, back = version.snapshot, course_snapshot(course=course), {}
    changes: dict[tuple[str, Any], str] = {}
    for entry in course_version_diff(old=old, new=new):
        kind = _DIFF_KINDS.get(entry["kind"], entry["kind"])
        if kind == "course":
            changes[("course", course.pk)] = "changed"
            continue
        pk = entry["id"] if entry["change"] == "removed" else back.get(kind, {}).get(entry["id"], entry["id"])
        changes[(kind, uuid.UUID(str(pk)))] = entry["change"]
    return changes


@dataclass(frozen=True)
class CheckItem:
    """One line of the pre-submit checklist: `label` says what is checked; `message` what to do if not `ok`."""

    code: str
    label: str
    ok: bool
    message: str = ""


def course_submit_checklist(course: Course) -> list[CheckItem]:
    """What a course needs before it can be submitted for review.

    `course_submit` refuses a course with any item not ok, with these messages and codes: the checklist
    on the submit page and the refusal come from here.
    """
    contents = CourseContent.objects.filter(course=course)
    published = contents.filter(is_published=True, section__is_published=True)
    empty_quizzes = list(
        contents.filter(kind=CourseContent.Kind.QUIZ)
        .annotate(n=Count("questions", filter=Q(questions__is_active=True)))
        .filter(n=0)
        .order_by("section__order", "order")
        .values_list("title", flat=True)
    )
    has_lessons = contents.exists()
    items = [
        CheckItem("no_description", "A description", bool((course.description or "").strip()),
                  "Write the course's description."),
        CheckItem("empty", "At least one lesson", has_lessons,
                  "Add at least one lesson before submitting the course for review."),
        CheckItem("no_published_lesson", "A published lesson in a published section",
                  not has_lessons or published.exists(), "Publish at least one lesson in a published section."),
        CheckItem("empty_quiz", "Questions in every quiz", not empty_quizzes,
                  f"These quizzes have no questions yet: {', '.join(empty_quizzes)}."),
    ]  # fmt: skip
    if course.price and course.price > 0:
        currency_ok = len(course.currency or "") == 3 and course.currency.isalpha()
        items.append(CheckItem("no_currency", f"Price: {course.price} {course.currency}", currency_ok,
                               "Give the price's currency as a three-letter code (e.g. USD)."))  # fmt: skip
    else:
        items.append(CheckItem("price", "Price: free", True))
    if contents.filter(kind=CourseContent.Kind.CERTIFICATE).exists():
        template_ok = (
            bool(course.certificate_template_id) or CertificateTemplate.objects.filter(is_default=True).exists()
        )
        items.append(CheckItem("no_certificate_template", "A certificate template (the course awards a certificate)",
                               template_ok, "Choose a certificate template for the course."))  # fmt: skip
    return items


def course_latest_decision(course: Course) -> CourseApprovalRequest | None:
    """The course's latest decided review (with the reviewer's note), or None."""
    return (
        course.approval_requests.exclude(decision=CourseApprovalRequest.Decision.PENDING)
        .select_related("reviewer")
        .order_by("-decided_at", "-created_at")
        .first()
    )


def course_open_revision(course: Course) -> Course | None:
    """The revision in progress of a live course, or None."""
    return Course.objects.filter(revision_of=course).first()
