"""The catalog search and category matching, used by `CourseFilter` (courses.filters), which the
catalog selectors apply.

Search: PostgreSQL full-text search (weighted vector, `websearch` query syntax, ranked); on SQLite
(development, tests) a simple `icontains` fallback that ranks title matches first.  Lessons' published
transcripts match too (courses.transcripts), and so do the course's translated titles and short
descriptions in any language (a subquery on `Translation`, ranked like a title match on SQLite and
as the weakest match on PostgreSQL).
"""

from collections import defaultdict

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from .models import SEARCH_CONFIG, Category, Tag, Translation
from .transcripts import transcript_course_ids

MAX_SEARCH_TERMS = 8


def category_descendant_ids(slug: str) -> list:
    """Ids of the category `slug` and all its subcategories, at any depth (one query, small table)."""
    children = defaultdict(list)
    root = None
    for pk, parent_id, category_slug in Category.objects.values_list("id", "parent_id", "slug"):
        children[parent_id].append(pk)
        if category_slug == slug:
            root = pk
    if root is None:
        return []
    found, stack = [], [root]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.append(pk)
        stack.extend(children.get(pk, ()))
    return found


# Course fields whose translations the search looks at.
_TRANSLATED_FIELDS = ("title", "short_description")


def _translated_course_ids_fallback(term: str) -> QuerySet:
    """Courses with a translated title or short description containing `term` (a subquery)."""
    return Translation.objects.filter(
        target=Translation.Target.COURSE, field__in=_TRANSLATED_FIELDS, text__icontains=term
    ).values("course_id")


def _translated_course_ids_postgresql(query: SearchQuery) -> QuerySet:
    """Courses with a translated title or short description matching the full-text `query` (a subquery)."""
    return (
        Translation.objects.filter(target=Translation.Target.COURSE, field__in=_TRANSLATED_FIELDS)
        .annotate(document=SearchVector("text", config=SEARCH_CONFIG))
        .filter(document=query)
        .values("course_id")
    )


# -- search -----------------------------------------------------------------------------------
def course_search(queryset: QuerySet, text: str) -> QuerySet:
    """Filter `queryset` to courses matching `text` and annotate `search_rank` (higher is better)."""
    text = (text or "").strip()
    if not text:
        return queryset.annotate(search_rank=Value(0.0))
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, text)
    return _search_fallback(queryset, text)


def _tag_names() -> Subquery:
    return Subquery(
        Tag.objects.filter(courses=OuterRef("pk"))
        .order_by()
        .values("courses")
        .annotate(names=_string_agg("name"))
        .values("names")
    )


def _string_agg(field_name: str):
    return StringAgg(field_name, delimiter=" ")


def _search_postgresql(queryset: QuerySet, text: str) -> QuerySet:
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("short_description", weight="B", config=SEARCH_CONFIG)
        + SearchVector(_tag_names(), weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    # Lessons' video transcripts (VoiceTranscript) count too; a transcript-only match ranks last.
    return queryset.annotate(search_document=vector, search_rank=SearchRank(vector, query)).filter(
        Q(search_document=query)
        | Q(pk__in=transcript_course_ids(text))
        | Q(pk__in=_translated_course_ids_postgresql(query))
    )


def _search_fallback(queryset: QuerySet, text: str) -> QuerySet:
    """Every word must appear in the title, descriptions or a tag name; title matches rank first."""
    terms = [t for t in text.replace('"', " ").split() if t not in ("OR", "or", "-")][:MAX_SEARCH_TERMS]
    rank = Value(0)
    for term in terms:
        tag_match = Exists(Tag.objects.filter(courses=OuterRef("pk"), name__icontains=term))
        queryset = queryset.filter(
            Q(title__icontains=term)
            | Q(short_description__icontains=term)
            | Q(description__icontains=term)
            | tag_match
            | Q(pk__in=transcript_course_ids(term))
            | Q(pk__in=_translated_course_ids_fallback(term))
        )
        rank = rank + Case(
            When(title__icontains=term, then=Value(4)),
            When(Exists(_translated_course_ids_fallback(term).filter(course_id=OuterRef("pk"))), then=Value(3)),
            When(short_description__icontains=term, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return queryset.annotate(search_rank=rank)
