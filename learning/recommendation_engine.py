"""The recommendation model (reads only): what can be recommended, how courses relate, and each user's picks.

Three signals, blended with the weights of `settings.RECOMMENDATIONS_WEIGHT_*`:

- **co-enrolment** (item-to-item): for two courses A and B, the learners who took both, normalised by the
  courses' sizes: cosine = shared / sqrt(learners(A) × learners(B)).  Computed in SQL (a self-join of the
  enrolments on the learner, grouped by the pair), pairs with fewer than `min_shared` learners dropped, and
  only the `limit` best related courses of each course kept (a window function), so Python never holds more
  than courses × limit rows.  A user's co-enrolment signal for B is the sum over the courses they took.
- **content similarity**: a small TF-IDF over the catalog (no library: ~1k rows): features are the course's
  categories (the primary one weighs double), its tags and the words of its title and subtitle
  (`short_description`, weighing half); each weighted by its inverse document frequency; features in more than
  half the catalog are dropped (they tell nothing apart).  Cosine between courses, best `limit` kept per course.
- **popularity** (0–1): enrolments of the last `RECOMMENDATIONS_POPULAR_DAYS` (log-scaled to the catalog's
  best) × 0.7 + the rating (/5, damped below 5 ratings) × 0.3.  New users, with no course, get popular courses.

The reason shown is the signal that contributed most: "Because you took X" (X: the user's course with the
largest co-enrolment similarity), "Similar to X", or "Popular with learners in <category>".  Before blending, a
user's co-enrolment and content sums are divided by their best candidate's, so each signal is 0–1 and the weights
are the signals' shares of the score (0–1 when the weights add up to 1).

What can be recommended (`catalog_queryset`): published courses (not revisions) that have not ended and are
not full — the enrolment rules of courses/learning; a paid course is always buyable in its own currency
(billing's explicit prices only add currencies), so no billing rule is needed.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from courses.models import Course, InstructorCollaborator
from learning.models import Enrollment

# Words that say nothing about a course's subject (title and subtitle).
_STOPWORDS_TEXT = """
    a an and the of for to in on with from by your you how what why learn learning course courses guide
    introduction intro beginners beginner complete practical first build using use into its it is are be
    de la le les et des du en pour un une
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
WORD_RE = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

PRIMARY_CATEGORY_WEIGHT = 2.0
CATEGORY_WEIGHT = 1.0
TAG_WEIGHT = 1.0
TITLE_WORD_WEIGHT = 1.0
SUBTITLE_WORD_WEIGHT = 0.5
MAX_FEATURE_SHARE = 0.5  # features in more than this share of the catalog are dropped


@dataclass(frozen=True)
class CatalogCourse:
    id: uuid.UUID
    title: str
    short_description: str
    category_id: int | None
    category_name: str
    instructor_id: uuid.UUID


@dataclass(frozen=True)
class Pick:
    course_id: uuid.UUID
    score: float
    reason: str  # RecommendationReason value
    reason_course_id: uuid.UUID | None
    reason_params: dict


@dataclass
class Model:
    catalog: dict[uuid.UUID, CatalogCourse]
    co: dict[uuid.UUID, list[tuple[uuid.UUID, float, int]]]  # course -> [(related, cosine, shared learners)]
    content: dict[uuid.UUID, list[tuple[uuid.UUID, float]]]  # course -> [(related, cosine)]
    popularity: dict[uuid.UUID, float]
    popular_order: list[uuid.UUID]
    teachers: dict[uuid.UUID, set[uuid.UUID]] = field(default_factory=dict)  # user -> catalog courses taught
    weights: tuple[float, float, float] = (0.6, 0.3, 0.1)


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


# -- the catalog ----------------------------------------------------------------------------------
def catalog_queryset(*, today: dt.date) -> QuerySet[Course]:
    """Courses that may be recommended: published, not a revision, not ended, not full."""
    seats = (
        Enrollment.objects.holding_seat()
        .filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Course.objects.published()
        .without_revisions()
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .annotate(seats_taken=Coalesce(Subquery(seats, output_field=IntegerField()), Value(0)))
        .filter(Q(max_students__isnull=True) | Q(max_students__gt=F("seats_taken")))
    )


def catalog_load(*, today: dt.date) -> dict[uuid.UUID, CatalogCourse]:
    rows = catalog_queryset(today=today).values_list(
        "pk", "title", "short_description", "category_id", "category__name", "instructor_id"
    )
    return {pk: CatalogCourse(pk, t, sd or "", cat, cat_name or "", ins) for pk, t, sd, cat, cat_name, ins in rows}


def teachers_load(catalog: dict[uuid.UUID, CatalogCourse]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """user -> the catalog courses they teach (own or co-author): never recommended to them."""
    taught: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for course in catalog.values():
        taught[course.instructor_id].add(course.id)
    for user_id, course_id in InstructorCollaborator.objects.filter(course_id__in=list(catalog)).values_list(
        "user_id", "course_id"
    ):
        taught[user_id].add(course_id)
    return dict(taught)


# -- co-enrolment (SQL) ---------------------------------------------------------------------------
def co_enrolment_neighbours(
    *, catalog_ids: Iterable[uuid.UUID], exclude_enrolments: Iterable[uuid.UUID] = (), min_shared: int, limit: int
) -> dict[uuid.UUID, list[tuple[uuid.UUID, float, int]]]:
    """course A -> its best `limit` related catalog courses B by cosine of the learner sets (enrolled or
    completed), with the number of shared learners; `exclude_enrolments` are left out (the held-out slice)."""
    catalog_ids = list(catalog_ids)
    if not catalog_ids:
        return {}
    enrolments = Enrollment.objects.filter(status__in=Enrollment.ACCESS_STATUSES)
    excluded = list(exclude_enrolments)
    if excluded:
        enrolments = enrolments.exclude(pk__in=excluded)
    e_sql, e_params = enrolments.order_by().values("user_id", "course_id").query.sql_with_params()
    c_sql, c_params = (
        Course.objects.filter(pk__in=catalog_ids).order_by().values("pk").query.sql_with_params()
    )  # fmt: skip
    sql = f"""
        WITH e AS ({e_sql}),
        n AS (SELECT course_id, COUNT(*) AS n FROM e GROUP BY course_id),
        p AS (
            SELECT a.course_id AS a, b.course_id AS b, COUNT(*) AS co
            FROM e a JOIN e b ON a.user_id = b.user_id AND a.course_id <> b.course_id
            WHERE b.course_id IN ({c_sql})
            GROUP BY a.course_id, b.course_id
            HAVING COUNT(*) >= %s
        ),
        s AS (
            SELECT p.a, p.b, p.co,
                   CAST(p.co AS DOUBLE PRECISION) / SQRT(CAST(na.n AS DOUBLE PRECISION) * nb.n) AS sim
            FROM p JOIN n na ON na.course_id = p.a JOIN n nb ON nb.course_id = p.b
        ),
        r AS (SELECT a, b, co, sim, ROW_NUMBER() OVER (PARTITION BY a ORDER BY sim DESC, co DESC, b) AS rk FROM s)
        SELECT a, b, co, sim FROM r WHERE rk <= %s ORDER BY a, rk
    """  # noqa: S608 — the two subqueries are compiled by the ORM, values are parameters
    result: dict[uuid.UUID, list[tuple[uuid.UUID, float, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*e_params, *c_params, max(1, min_shared), limit])
        for a, b, co, sim in cursor.fetchall():
            result[_uuid(a)].append((_uuid(b), float(sim), int(co)))
    return dict(result)


# -- content similarity (Python TF-IDF over the catalog) ------------------------------------------
def words(text: str) -> set[str]:
    out = set()
    for word in WORD_RE.findall(text.lower()):
        if word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # a crude plural: "apis" and "api", "designs" and "design"
        out.add(word)
    return out


def content_features(catalog: dict[uuid.UUID, CatalogCourse]) -> dict[uuid.UUID, dict[str, float]]:
    """course -> {feature: base weight}: categories (primary double), tags, title and subtitle words."""
    through_categories = Course.categories.through.objects.filter(course_id__in=list(catalog))
    through_tags = Course.tags.through.objects.filter(course_id__in=list(catalog))
    features: dict[uuid.UUID, dict[str, float]] = {pk: {} for pk in catalog}
    for course_id, category_id in through_categories.values_list("course_id", "category_id"):
        features[course_id][f"c:{category_id}"] = CATEGORY_WEIGHT
    for course_id, tag_id in through_tags.values_list("course_id", "tag_id"):
        features[course_id][f"t:{tag_id}"] = TAG_WEIGHT
    for pk, course in catalog.items():
        own = features[pk]
        if course.category_id is not None:
            own[f"c:{course.category_id}"] = PRIMARY_CATEGORY_WEIGHT
        for word in words(course.short_description):
            own.setdefault(f"w:{word}", SUBTITLE_WORD_WEIGHT)
        for word in words(course.title):
            own[f"w:{word}"] = TITLE_WORD_WEIGHT
    return features


def content_neighbours(
    features: dict[uuid.UUID, dict[str, float]], *, limit: int
) -> dict[uuid.UUID, list[tuple[uuid.UUID, float]]]:
    """course -> its best `limit` courses by cosine of the IDF-weighted features (one course at a time
    through the postings, so memory stays at one row of scores)."""
    n = len(features)
    if n < 2:
        return {}
    df: dict[str, int] = defaultdict(int)
    for own in features.values():
        for name in own:
            df[name] += 1
    max_df = MAX_FEATURE_SHARE * n
    vectors: dict[uuid.UUID, dict[str, float]] = {}
    postings: dict[str, list[tuple[uuid.UUID, float]]] = defaultdict(list)
    for pk, own in features.items():
        vector = {
            name: weight * (math.log((n + 1) / (df[name] + 1)) + 1.0)
            for name, weight in own.items()
            if 2 <= df[name] <= max_df
        }
        norm = math.sqrt(sum(w * w for w in vector.values()))
        if not norm:
            continue
        vector = {name: w / norm for name, w in vector.items()}
        vectors[pk] = vector
        for name, w in vector.items():
            postings[name].append((pk, w))
    result: dict[uuid.UUID, list[tuple[uuid.UUID, float]]] = {}
    for pk, vector in vectors.items():
        scores: dict[uuid.UUID, float] = defaultdict(float)
        for name, w in vector.items():
            for other, w2 in postings[name]:
                if other != pk:
                    scores[other] += w * w2
        best = heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], str(item[0])))
        if best:
            result[pk] = [(other, round(sim, 6)) for other, sim in best]
    return result


# -- popularity -----------------------------------------------------------------------------------
def popularity_load(
    catalog: dict[uuid.UUID, CatalogCourse], *, since: dt.datetime, exclude_enrolments: Iterable[uuid.UUID] = ()
) -> dict[uuid.UUID, float]:
    recent = Enrollment.objects.filter(course_id__in=list(catalog), enrolled_at__gte=since)
    excluded = list(exclude_enrolments)
    if excluded:
        recent = recent.exclude(pk__in=excluded)
    counts = dict(recent.order_by().values("course_id").annotate(n=Count("pk")).values_list("course_id", "n"))
    ratings = Course.objects.filter(pk__in=list(catalog)).values_list("pk", "rating", "rating_count")
    best = max(counts.values(), default=0)
    result = {}
    for pk, rating, rating_count in ratings:
        demand = math.log1p(counts.get(pk, 0)) / math.log1p(best) if best else 0.0
        quality = float(rating or 0) / 5.0 * min(1.0, (rating_count or 0) / 5.0)
        result[pk] = round(0.7 * demand + 0.3 * quality, 6)
    return result


def popular_order(catalog: dict[uuid.UUID, CatalogCourse], popularity: dict[uuid.UUID, float]) -> list[uuid.UUID]:
    return sorted(catalog, key=lambda pk: (-popularity.get(pk, 0.0), catalog[pk].title, str(pk)))


# -- one user's picks -----------------------------------------------------------------------------
def recommend(model: Model, *, history: Iterable[uuid.UUID], exclude: set[uuid.UUID], n: int) -> list[Pick]:
    """The user's top `n` catalog courses, never one of `exclude` (their courses, taught, dismissed)."""
    w_co, w_content, w_pop = model.weights
    co_sum: dict[uuid.UUID, float] = defaultdict(float)
    co_best: dict[uuid.UUID, tuple[float, uuid.UUID]] = {}
    content_sum: dict[uuid.UUID, float] = defaultdict(float)
    content_best: dict[uuid.UUID, tuple[float, uuid.UUID]] = {}
    for taken in history:
        for other, sim, _shared in model.co.get(taken, ()):
            co_sum[other] += sim
            if sim > co_best.get(other, (0.0, taken))[0]:
                co_best[other] = (sim, taken)
        for other, sim in model.content.get(taken, ()):
            content_sum[other] += sim
            if sim > content_best.get(other, (0.0, taken))[0]:
                content_best[other] = (sim, taken)
    candidates = set(co_sum) | set(content_sum)
    # Popular courses fill the list (and are all a new user gets).
    fill = 0
    for pk in model.popular_order:
        if fill >= n:
            break
        if pk not in exclude and pk not in candidates:
            candidates.add(pk)
            fill += 1
    # Each signal is scaled to 0-1 for this user (its best candidate = 1), so the weights are the signals' shares.
    top_co = max((co_sum[pk] for pk in candidates if pk not in exclude and pk in co_sum), default=0.0) or 1.0
    top_content = (
        max((content_sum[pk] for pk in candidates if pk not in exclude and pk in content_sum), default=0.0) or 1.0
    )
    scored = []
    for pk in candidates:
        course = model.catalog.get(pk)
        if course is None or pk in exclude:
            continue
        parts = (
            w_co * co_sum.get(pk, 0.0) / top_co,
            w_content * content_sum.get(pk, 0.0) / top_content,
            w_pop * model.popularity.get(pk, 0.0),
        )
        scored.append((sum(parts), parts, pk))
    scored.sort(key=lambda row: (-row[0], str(row[2])))
    picks = []
    for score, (co, content, _pop), pk in scored[:n]:
        if co > 0 and co >= content:
            reason, source, params = "co_enrolment", co_best[pk][1], {}
        elif content > 0:
            reason, source, params = "similar_content", content_best[pk][1], {}
        else:
            reason, source, params = "popular", None, {"category": model.catalog[pk].category_name}
        picks.append(Pick(pk, round(score, 6), reason, source, params))
    return picks


# -- the evaluation slice -------------------------------------------------------------------------
def held_out_slice(
    *, since: dt.datetime, catalog_ids: set[uuid.UUID], size: int, seed: int
) -> dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]]:
    """user -> (enrolment id, course id) of their most recent enrolment when it is since `since` and its course
    can be recommended; a repeatable sample of at most `size` active users."""
    rows = (
        Enrollment.objects.filter(enrolled_at__gte=since, user__is_active=True)
        .order_by("user_id", "-enrolled_at", "pk")
        .values_list("user_id", "pk", "course_id", "enrolled_at")
    )
    latest: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
    for user_id, pk, course_id, _at in rows:
        if user_id not in latest:
            latest[user_id] = (pk, course_id)
    eligible = sorted((u for u, (_pk, course_id) in latest.items() if course_id in catalog_ids), key=str)
    if len(eligible) > size:
        eligible = sorted(random.Random(seed).sample(eligible, size), key=str)  # noqa: S311 — a sample, not a secret
    return {u: latest[u] for u in eligible}
