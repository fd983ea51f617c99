"""Recommendations: the nightly computation (every active user's top courses, the related courses of every
course, the evaluation) and "not interested".  The model itself is `learning.recommendation_engine`.

`recommendations_compute` is the one run (task, management command, admin action, demo).  It is not one
transaction: its log row is committed first and finished whatever happens (a failed run keeps its row with
status failed and the error), and users are written in batches of `RECOMMENDATIONS_BATCH_SIZE`, each batch
atomically (its users' old rows deleted and the new ones bulk-created in one transaction: a reader sees a
user's old list or their new one, never half).  Memory stays bounded: the model is courses × neighbours, and
only one batch of users is held at a time.
"""

from __future__ import annotations

import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.models import Course
from courseworx.core.live_settings import setting_value
from learning import recommendation_engine as engine
from learning.models import (
    AIModelTrainingLog,
    AIRecommendation,
    CourseRelation,
    Enrollment,
    RecommendationDismissal,
)

EVALUATION_K = 10  # hit-rate@10, whatever the number of recommendations kept per user
EVALUATION_SEED = 17  # the held-out sample is the same from run to run while the data is
RELATED_PER_COURSE = 8  # CourseRelation rows kept per course and kind (course pages show 4-6)
ERROR_CHARS = 4000

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def recommendation_parameters(**overrides: Any) -> dict[str, Any]:
    """The run's parameters: settings (top N is a live setting) with `overrides` (demo, tests, the command)."""
    params = {
        "per_user": int(setting_value("RECOMMENDATIONS_PER_USER")),
        "weights": {
            "co_enrolment": float(settings.RECOMMENDATIONS_WEIGHT_CO_ENROLMENT),
            "content": float(settings.RECOMMENDATIONS_WEIGHT_CONTENT),
            "popularity": float(settings.RECOMMENDATIONS_WEIGHT_POPULARITY),
        },
        "min_co_enrolments": settings.RECOMMENDATIONS_MIN_CO_ENROLMENTS,
        "neighbours": settings.RECOMMENDATIONS_NEIGHBOURS,
        "popular_days": settings.RECOMMENDATIONS_POPULAR_DAYS,
        "batch_size": settings.RECOMMENDATIONS_BATCH_SIZE,
        "eval_days": settings.RECOMMENDATIONS_EVAL_DAYS,
        "eval_users": settings.RECOMMENDATIONS_EVAL_USERS,
        "eval_k": EVALUATION_K,
    }
    params.update({key: value for key, value in overrides.items() if value is not None})
    return params


def _build_model(params: dict, *, catalog, features, now, exclude_enrolments=()) -> engine.Model:
    co = engine.co_enrolment_neighbours(
        catalog_ids=catalog,
        exclude_enrolments=exclude_enrolments,
        min_shared=params["min_co_enrolments"],
        limit=params["neighbours"],
    )
    popularity = engine.popularity_load(
        catalog, since=now - timedelta(days=params["popular_days"]), exclude_enrolments=exclude_enrolments
    )
    weights = params["weights"]
    return engine.Model(
        catalog=catalog,
        co=co,
        content=engine.content_neighbours(features, limit=params["neighbours"]),
        popularity=popularity,
        popular_order=engine.popular_order(catalog, popularity),
        teachers=engine.teachers_load(catalog),
        weights=(weights["co_enrolment"], weights["content"], weights["popularity"]),
    )


def _users_courses(user_ids: list) -> tuple[dict, dict]:
    """(user -> [(course, status)], user -> dismissed course ids) for a batch: two queries."""
    courses: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for user_id, course_id, status in (
        Enrollment.objects.filter(user_id__in=user_ids).order_by().values_list("user_id", "course_id", "status")
    ):
        courses[user_id].append((course_id, status))
    dismissed: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for user_id, course_id in RecommendationDismissal.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "course_id"
    ):
        dismissed[user_id].add(course_id)
    return courses, dismissed


def _picks_for(model: engine.Model, user_id, enrolments, dismissed, *, n: int, hidden=None) -> list[engine.Pick]:
    """A user's picks: history = courses they learn or completed; excluded = every course they have (any
    status), teach or dismissed.  `hidden` (evaluation) is a course treated as if never taken."""
    history = [c for c, status in enrolments if status in Enrollment.ACCESS_STATUSES and c != hidden]
    exclude = {c for c, _status in enrolments if c != hidden}
    exclude |= model.teachers.get(user_id, set()) | dismissed
    return engine.recommend(model, history=history, exclude=exclude, n=n)


def recommendations_evaluate(*, model_params: dict, catalog, features, now) -> tuple[float | None, int]:
    """hit-rate@10 on a held-out slice: for each sampled user, hide their most recent enrolment (within
    `eval_days`), rebuild the model without those enrolments, recommend 10 and count the hidden course found."""
    held_out = engine.held_out_slice(
        since=now - timedelta(days=model_params["eval_days"]),
        catalog_ids=set(catalog),
        size=model_params["eval_users"],
        seed=EVALUATION_SEED,
    )
    if not held_out:
        return None, 0
    model = _build_model(
        model_params, catalog=catalog, features=features, now=now,
        exclude_enrolments=[pk for pk, _course in held_out.values()],
    )  # fmt: skip
    courses, dismissed = _users_courses(list(held_out))
    hits = 0
    for user_id, (_pk, hidden) in held_out.items():
        picks = _picks_for(
            model, user_id, courses.get(user_id, []), dismissed.get(user_id, set()) - {hidden},
            n=model_params["eval_k"], hidden=hidden,
        )  # fmt: skip
        hits += any(p.course_id == hidden for p in picks)
    return hits / len(held_out), len(held_out)


def _write_batch(*, user_ids: list, rows: list[AIRecommendation]) -> None:
    with transaction.atomic():
        AIRecommendation.objects.filter(user_id__in=user_ids).delete()
        AIRecommendation.objects.bulk_create(rows, batch_size=1000)


def _write_relations(model: engine.Model, *, run: AIModelTrainingLog) -> int:
    rows = []
    for course_id, related in model.co.items():
        if course_id in model.catalog:
            for rank, (other, sim, shared) in enumerate(related[:RELATED_PER_COURSE], start=1):
                rows.append(
                    CourseRelation(
                        course_id=course_id, related_id=other, kind=CourseRelation.Kind.CO_ENROLMENT, score=sim,
                        shared_learners=shared, rank=rank, run=run,
                    )
                )  # fmt: skip
    for course_id, similar in model.content.items():
        for rank, (other, sim) in enumerate(similar[:RELATED_PER_COURSE], start=1):
            rows.append(
                CourseRelation(
                    course_id=course_id, related_id=other, kind=CourseRelation.Kind.SIMILAR_CONTENT, score=sim,
                    rank=rank, run=run,
                )
            )  # fmt: skip
    with transaction.atomic():
        CourseRelation.objects.all().delete()
        CourseRelation.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _log_start(params: dict, trigger: str) -> AIModelTrainingLog:
    with transaction.atomic():
        return AIModelTrainingLog.objects.create(started_at=timezone.now(), trigger=trigger, parameters=params)


def _log_finish(log: AIModelTrainingLog, started: float, **fields) -> None:
    fields.update(finished_at=timezone.now(), duration_ms=int((time.monotonic() - started) * 1000))
    for name, value in fields.items():
        setattr(log, name, value)
    with transaction.atomic():
        AIModelTrainingLog.objects.filter(pk=log.pk).update(**fields, updated_at=timezone.now())


def recommendations_compute(
    *, trigger: str = "schedule", progress: Progress | None = None, evaluate: bool = True, **overrides: Any
) -> AIModelTrainingLog:
    """Compute every active user's top courses and every course's related courses; log the run.

    Returns the finished `AIModelTrainingLog`; on an error the log row is marked failed (with the error) and the
    error is raised again (the task's JobRun records it too)."""
    params = recommendation_parameters(**overrides)
    log = _log_start(params, trigger)
    started = time.monotonic()
    try:
        fields = _compute(log, params, progress or (lambda stage, done, total: None), evaluate=evaluate)
    except Exception as exc:
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:ERROR_CHARS]
        _log_finish(log, started, status=AIModelTrainingLog.Status.FAILED, error=error)
        raise
    _log_finish(log, started, status=AIModelTrainingLog.Status.SUCCEEDED, **fields)
    return log


def _compute(log: AIModelTrainingLog, params: dict, progress: Progress, *, evaluate: bool) -> dict:
    now = timezone.now()
    catalog = engine.catalog_load(today=timezone.localdate())
    features = engine.content_features(catalog)
    model = _build_model(params, catalog=catalog, features=features, now=now)
    progress("model", 1, 1)
    _write_relations(model, run=log)

    users = User.objects.filter(is_active=True).order_by("pk")
    total = users.count()
    batch_size, per_user = max(1, params["batch_size"]), max(1, params["per_user"])
    done = covered = created = 0
    recommended: set = set()
    last = None
    progress("users", 0, total)
    while True:
        page = users.filter(pk__gt=last) if last is not None else users
        user_ids = list(page.values_list("pk", flat=True)[:batch_size])
        if not user_ids:
            break
        courses, dismissed = _users_courses(user_ids)
        rows = []
        for user_id in user_ids:
            picks = _picks_for(model, user_id, courses.get(user_id, []), dismissed.get(user_id, set()), n=per_user)
            covered += bool(picks)
            for rank, pick in enumerate(picks, start=1):
                recommended.add(pick.course_id)
                rows.append(
                    AIRecommendation(
                        user_id=user_id, course_id=pick.course_id, score=pick.score, reason=pick.reason,
                        reason_course_id=pick.reason_course_id, reason_params=pick.reason_params, rank=rank,
                        computed_at=now, run=log,
                    )
                )  # fmt: skip
        _write_batch(user_ids=user_ids, rows=rows)
        created += len(rows)
        done += len(user_ids)
        last = user_ids[-1]
        progress("users", done, total)

    hit_rate, evaluated = (None, 0)
    if evaluate:
        hit_rate, evaluated = recommendations_evaluate(model_params=params, catalog=catalog, features=features, now=now)
        progress("evaluation", 1, 1)
    return {
        "users_processed": done,
        "users_covered": covered,
        "recommendations_created": created,
        "catalog_size": len(catalog),
        "catalog_coverage": round(len(recommended) / len(catalog), 4) if catalog else None,
        "hit_rate_at_10": round(hit_rate, 4) if hit_rate is not None else None,
        "evaluated_users": evaluated,
    }


@transaction.atomic
def recommendation_dismiss(*, user: User, course: Course) -> RecommendationDismissal:
    """ "Not interested": stored (the next runs skip the course) and the recommendation removed now.  Idempotent."""
    dismissal, _created = RecommendationDismissal.objects.get_or_create(user=user, course=course)
    AIRecommendation.objects.filter(user=user, course=course).delete()
    return dismissal
