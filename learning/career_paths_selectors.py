"""Career paths: reads for the catalog (/paths/), the path page, the dashboard panel, the API and the
enrolment rule (`path_prerequisites_missing`).  Every list is a fixed number of queries.

A path's courses that count are its *live* ones (`LIVE`: the course is published): only they are shown,
need completing and make up the progress, so a course taken off the catalog never blocks a path.
Progress is computed in SQL from the enrolments: the required live courses the learner completed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course, CourseContent, counted_lessons_q, lesson_length_seconds

from .models import CareerPath, Enrollment, LessonCompletion, PathCourse, UserCareerPath

LIVE = Q(course__status=Course.Status.PUBLISHED)

# What a path course is for the viewer (the page's badges and the API's `state`).
STATE_COMPLETED, STATE_ENROLLED, STATE_AVAILABLE, STATE_LOCKED = "completed", "enrolled", "available", "locked"


def _member(user) -> User | None:
    return None if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated else user


def can_manage_paths(user) -> bool:
    """Staff who author paths in the admin (see drafts on the site as a preview)."""
    user = _member(user)
    return bool(user and user.is_active and user.is_staff and user.has_perm("learning.change_careerpath"))


def _completed(user_id) -> Exists:
    return Exists(
        Enrollment.objects.filter(user_id=user_id, course_id=OuterRef("course_id"), status=Enrollment.Status.COMPLETED)
    )


def _count(qs: QuerySet) -> Coalesce:
    return Coalesce(Subquery(qs.order_by().values("path_id").annotate(n=Count("pk")).values("n")), 0)


def with_path_counts(queryset: QuerySet[CareerPath], *, user=None) -> QuerySet[CareerPath]:
    """Paths annotated in the same single query with `course_count`, `required_count`, `hours` (entered,
    else the live courses' durations added up) and, for a signed-in `user`, `required_done` (their
    completed required courses), `is_member` and `member_completed_at`."""
    live = PathCourse.objects.filter(LIVE, path_id=OuterRef("pk"))
    # A course's stated length, else its lessons' (the course card's rule, `catalog.course_duration`).
    seconds = (
        CourseContent.objects.filter(counted_lessons_q(), course_id=OuterRef("course_id"))
        .order_by()
        .values("course_id")
        .annotate(s=Sum(lesson_length_seconds()))
        .values("s")
    )
    per_course = live.annotate(
        m=Coalesce(F("course__duration_minutes"), Subquery(seconds, output_field=IntegerField()) / 60, Value(0))
    )
    minutes = per_course.order_by().values("path_id").annotate(total=Sum("m")).values("total")
    qs = queryset.annotate(
        course_count=_count(live),
        required_count=_count(live.filter(is_required=True)),
        minutes=Coalesce(Subquery(minutes), 0),
    )
    member = _member(user)
    if member is None:
        return qs.annotate(required_done=Value(0, IntegerField()), is_member=Value(False))
    mine = UserCareerPath.objects.filter(user=member, path_id=OuterRef("pk"))
    return qs.annotate(
        required_done=_count(live.filter(_completed(member.pk), is_required=True)),
        is_member=Exists(mine),
        member_completed_at=Subquery(mine.values("completed_at")[:1]),
    )


def path_hours(path: CareerPath) -> int:
    if path.estimated_hours is not None:
        return path.estimated_hours
    return int((Decimal(getattr(path, "minutes", 0) or 0) / 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percent(done: int, total: int) -> int:
    if not total:
        return 0
    return min(100, int((Decimal(done) * 100 / Decimal(total)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)))


def career_path_list(*, user=None, search: str = "", joined: bool | None = None) -> QuerySet[CareerPath]:
    """Published paths (catalog and API), with their counts; `joined` True/False filters on membership."""
    qs = with_path_counts(CareerPath.objects.published(), user=user)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(summary__icontains=search) | Q(target_role__icontains=search))
    if joined is not None and _member(user) is not None:
        qs = qs.filter(is_member=joined)
    elif joined:
        qs = qs.none()
    return qs.order_by("title", "pk")


def career_path_get(*, user, slug: str | None = None, path_id=None) -> CareerPath:
    """One path by slug or id: published ones for everyone, drafts only for path authors; else the 404 of
    an unknown slug."""
    qs = CareerPath.objects.all() if can_manage_paths(user) else CareerPath.objects.published()
    qs = with_path_counts(qs, user=user).select_related("certificate_template")
    lookup: dict[str, Any] = {"pk": path_id} if path_id is not None else {"slug": slug}
    return get_object_or_404(qs, **lookup)


def membership_for(*, user, path: CareerPath) -> UserCareerPath | None:
    member = _member(user)
    if member is None:
        return None
    return UserCareerPath.objects.filter(user=member, path=path).select_related("certificate").first()


@dataclass
class PathRow:
    entry: PathCourse
    state: str
    enrollment: Enrollment | None = None
    missing: list[str] = field(default_factory=list)  # titles of unmet prerequisites

    @property
    def course(self) -> Course:
        return self.entry.course

    @property
    def percent(self) -> int:
        """The course's progress (required lessons), 100 once completed."""
        if self.state == STATE_COMPLETED:
            return 100
        required = self.entry.lessons_required  # type: ignore[attr-defined]
        return percent(min(getattr(self.entry, "lessons_done", 0), required), required)


@dataclass
class PathProgress:
    path: CareerPath
    rows: list[PathRow]
    membership: UserCareerPath | None
    required_total: int
    required_done: int
    lessons_total: int
    lessons_done: int
    next_row: PathRow | None

    @property
    def percent(self) -> int:
        return percent(self.required_done, self.required_total)

    @property
    def lessons_percent(self) -> int:
        return percent(self.lessons_done, self.lessons_total)

    @property
    def hours(self) -> int:
        return path_hours(self.path)


def career_path_progress(*, path: CareerPath, user=None) -> PathProgress:
    """The path page: its live courses in order, each with its state for the viewer (completed / enrolled with
    progress / available / locked: a member's unmet prerequisites), the progress (required courses completed,
    and the same weighted by required lessons) and the next course to continue with.  Five queries at most."""
    member = _member(user)
    lessons = CourseContent.objects.filter(counted_lessons_q(), course_id=OuterRef("course_id"), is_required=True)
    entries = (
        PathCourse.objects.filter(LIVE, path=path)
        .select_related("course", "course__instructor")
        .prefetch_related(Prefetch("prerequisites", queryset=PathCourse.objects.select_related("course")))
        .annotate(
            lessons_required=Coalesce(Subquery(lessons.values("course_id").annotate(n=Count("pk")).values("n")), 0)
        )
        .order_by("position")
    )
    if member is not None:
        done = LessonCompletion.objects.filter(
            counted_lessons_q("content"), content__is_required=True, completed=True,
            user_id=member.pk, course_id=OuterRef("course_id"),
        )  # fmt: skip
        entries = entries.annotate(
            lessons_done=Coalesce(Subquery(done.values("course_id").annotate(n=Count("pk")).values("n")), 0)
        )
    entries_list = list(entries)
    enrolments: dict = {}
    if member is not None:
        enrolments = {
            e.course_id: e
            for e in Enrollment.objects.filter(user=member, course_id__in=[p.course_id for p in entries_list])
        }
    membership = membership_for(user=member, path=path)
    completed_ids = {cid for cid, e in enrolments.items() if e.status == Enrollment.Status.COMPLETED}
    rows, required_total, required_done, lessons_total, lessons_done = [], 0, 0, 0, 0
    for entry in entries_list:
        enrollment = enrolments.get(entry.course_id)
        missing = [p.course.title for p in entry.prerequisites.all() if p.course_id not in completed_ids]
        if enrollment is not None and enrollment.status == Enrollment.Status.COMPLETED:
            state = STATE_COMPLETED
        elif enrollment is not None and enrollment.has_access:
            state = STATE_ENROLLED
        elif missing and membership is not None:  # a path's order binds its members only
            state = STATE_LOCKED
        else:
            state = STATE_AVAILABLE
        rows.append(PathRow(entry=entry, state=state, enrollment=enrollment, missing=missing))
        if entry.is_required:
            required_total += 1
            required_done += state == STATE_COMPLETED
            lessons_total += entry.lessons_required
            done_here = entry.lessons_required if state == STATE_COMPLETED else getattr(entry, "lessons_done", 0)
            lessons_done += min(done_here, entry.lessons_required)
    next_row = next((r for r in rows if r.state == STATE_ENROLLED), None) or next(
        (r for r in rows if r.state == STATE_AVAILABLE), None
    )
    return PathProgress(
        path=path,
        rows=rows,
        membership=membership,
        required_total=required_total,
        required_done=required_done,
        lessons_total=lessons_total,
        lessons_done=lessons_done,
        next_row=next_row,
    )


def my_career_paths(*, user) -> QuerySet[UserCareerPath]:
    """The user's memberships (newest first) with their path's counts (`path_*` annotations) in one query."""
    member = _member(user)
    if member is None:
        return UserCareerPath.objects.none()
    live = PathCourse.objects.filter(LIVE, path_id=OuterRef("path_id"))
    return (
        UserCareerPath.objects.filter(user=member, path__status=CareerPath.Status.PUBLISHED)
        .select_related("path", "certificate")
        .annotate(
            required_count=_count(live.filter(is_required=True)),
            required_done=_count(live.filter(_completed(member.pk), is_required=True)),
            course_count=_count(live),
        )
        .order_by(F("completed_at").asc(nulls_first=True), "-joined_at", "pk")
    )


def career_paths_panel(*, user) -> dict | None:
    """The dashboard's "My career paths" panel (two queries), or None without memberships."""
    rows = list(my_career_paths(user=user)[:5])
    if not rows:
        return None
    for row in rows:
        row.percent = percent(row.required_done, row.required_count)
    return {"memberships": rows}


def path_prerequisites_missing(*, user, course) -> list[str]:
    """The titles of the courses `user` must complete before enrolling in `course` because of the published
    paths they joined (the prerequisites of the course's entry in those paths).  Empty for everyone else:
    a path's order binds only its members.  One query."""
    member = _member(user)
    if member is None:
        return []
    return list(
        PathCourse.objects.filter(
            LIVE,
            unlocks__course_id=course.pk,
            path__status=CareerPath.Status.PUBLISHED,
            path__memberships__user=member,
        )
        .filter(~_completed(member.pk))
        .order_by("course__title")
        .values_list("course__title", flat=True)
        .distinct()
    )


def path_entry_for(*, path: CareerPath, course_id) -> PathCourse:
    """A live course of the path (the 404 of an unknown one otherwise)."""
    entry = PathCourse.objects.filter(LIVE, path=path, course_id=course_id).select_related("course").first()
    if entry is None:
        raise Http404(_("This course is not part of the path."))
    return entry
