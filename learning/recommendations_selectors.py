"""Reads of the recommendations: a user's picks (page, dashboard panel, course page, API), a course's related
courses, the training logs.  Every list is a fixed number of queries.

What is shown is filtered again when read, so a list computed last night never offers a course the user
enrolled in since, dismissed, or that stopped being published.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courses.selectors import course_card_queryset
from learning.models import AIModelTrainingLog, AIRecommendation, CourseRelation, Enrollment, RecommendationDismissal

PANEL_SIZE = 4
COURSE_PAGE_RELATED = 4
COURSE_PAGE_PERSONAL = 3


def reason_text(rec: AIRecommendation) -> str:
    """The reason shown to the user, in their language."""
    if rec.reason == AIRecommendation.Reason.CO_ENROLMENT and rec.reason_course is not None:
        return _("Because you took %(course)s") % {"course": rec.reason_course.title}
    if rec.reason == AIRecommendation.Reason.SIMILAR_CONTENT and rec.reason_course is not None:
        return _("Similar to %(course)s") % {"course": rec.reason_course.title}
    category = (rec.reason_params or {}).get("category") if isinstance(rec.reason_params, dict) else None
    if category:
        return _("Popular with learners in %(category)s") % {"category": category}
    return _("Popular with learners right now")


def _visible(user: User) -> QuerySet[AIRecommendation]:
    """The user's recommendations still worth showing: the course published, not taken, not dismissed."""
    taken = Enrollment.objects.filter(user_id=user.pk, course_id=OuterRef("course_id"))
    dismissed = RecommendationDismissal.objects.filter(user_id=user.pk, course_id=OuterRef("course_id"))
    return (
        AIRecommendation.objects.filter(user_id=user.pk, course__status=Course.Status.PUBLISHED)
        .exclude(Exists(taken))
        .exclude(Exists(dismissed))
        .order_by("rank")
    )


def recommendations_for(
    *, user: User, limit: int | None = None, exclude_course=None, cards: bool = True
) -> list[AIRecommendation]:
    """The user's recommendations, best first, each with `course`, `reason_course` and `reason_text`.

    `cards=True` (the page): `course` is a catalog card (instructor, category, lesson count): two queries (the
    rows, then the cards).  `cards=False` (dashboard panel, course page): title and link only, one query."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = _visible(user).select_related("reason_course")
    if not cards:
        rows = rows.select_related("course", "course__category")
    if exclude_course is not None:
        rows = rows.exclude(course_id=exclude_course.pk)
    recs = list(rows[:limit] if limit else rows)
    if not recs:
        return []
    if cards:
        found = {c.pk: c for c in course_card_queryset().filter(pk__in=[r.course_id for r in recs])}
        recs = [rec for rec in recs if rec.course_id in found]  # unpublished between the two queries: dropped
        for rec in recs:
            rec.course = found[rec.course_id]
    for rec in recs:
        rec.reason_text = reason_text(rec)
    return recs


def recommendation_get(*, user: User, course_id) -> AIRecommendation | None:
    return AIRecommendation.objects.filter(user_id=user.pk, course_id=course_id).first()


@dataclass
class RelatedCourses:
    also_took: list[Course]
    similar: list[Course]


def related_courses(*, course: Course, limit: int = COURSE_PAGE_RELATED) -> RelatedCourses:
    """ "Learners who took this also took…" (co-enrolment) and similar courses, published ones only, best
    first; a course in both lists shows once (in the first).  One query."""
    relations = (
        CourseRelation.objects.filter(course_id=course.pk, related__status=Course.Status.PUBLISHED)
        .select_related("related", "related__category", "related__instructor")
        .order_by("kind", "rank")
    )
    also_took: list[Course] = []
    similar: list[Course] = []
    seen: set = set()
    for rel in relations:
        if rel.related_id in seen:
            continue
        target = also_took if rel.kind == CourseRelation.Kind.CO_ENROLMENT else similar
        if len(target) < limit:
            target.append(rel.related)
            seen.add(rel.related_id)
    return RelatedCourses(also_took=also_took, similar=similar)


def recommendations_panel(*, user: User) -> dict | None:
    """The student dashboard's "Recommended for you" panel (learning.dashboard_panels)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return {"recommendations": recommendations_for(user=user, limit=PANEL_SIZE, cards=False)}


def dismissed_course_ids(*, user: User) -> set:
    return set(RecommendationDismissal.objects.filter(user_id=user.pk).values_list("course_id", flat=True))


def training_logs() -> QuerySet[AIModelTrainingLog]:
    return AIModelTrainingLog.objects.order_by("-started_at")


def recommendation_list_api(*, user: User) -> QuerySet[AIRecommendation]:
    """The API's list: the user's visible recommendations with the course summary (one query per page)."""
    return _visible(user).select_related("course", "course__category", "course__instructor", "reason_course")
