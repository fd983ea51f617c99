"""Catalog filters, shared by the catalog page (`/courses/`) and the API (`/api/v1/courses/`).

One FilterSet, two spellings for search and sorting: the page uses the short `q` and `sort`, the API
the DRF-style `search` and `ordering`; both accept the same values.  Without an explicit sort, a
search is ordered by relevance and a plain listing by newest first.
"""

import django_filters
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Course, CourseLanguage
from .search import category_descendant_ids, course_search

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest")),
    ("popular", _("Most popular")),
    ("rating", _("Highest rated")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("title", _("Title (A–Z)")),
]
# Every order ends with a unique column so that pages never overlap or skip rows.
SORT_ORDER = {
    "newest": ("-published_at", "-created_at", "id"),
    "popular": ("-enrollment_count", "-rating", "id"),
    "rating": ("-rating", "-rating_count", "id"),
    "price": ("price", "title", "id"),
    "-price": ("-price", "title", "id"),
    "title": ("title", "id"),
}
PRICE_CHOICES = [("free", _("Free")), ("paid", _("Paid"))]
RATING_CHOICES = [("4.5", "4.5 & up"), ("4", "4.0 & up"), ("3.5", "3.5 & up"), ("3", "3.0 & up")]


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"), max_length=200)
    search = django_filters.CharFilter(method="filter_search", label=_("Search (same as q)"), max_length=200)
    category = django_filters.CharFilter(
        method="filter_category", label=_("Category slug (includes its subcategories)"), max_length=120
    )
    level = django_filters.MultipleChoiceFilter(choices=Course.Level.choices, label=_("Level"))
    price = django_filters.ChoiceFilter(choices=PRICE_CHOICES, method="filter_price", label=_("Price"))
    language = django_filters.ChoiceFilter(
        choices=settings.LANGUAGES, method="filter_language", label=_("Language (taught or offered in)")
    )
    rating = django_filters.ChoiceFilter(choices=RATING_CHOICES, method="filter_rating", label=_("Minimum rating"))
    tag = django_filters.CharFilter(method="filter_tag", label=_("Tag slug"), max_length=60)
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="filter_noop", label=_("Sort"))
    ordering = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="filter_noop", label=_("Sort (same as sort)"))

    class Meta:
        model = Course
        fields: list[str] = []

    # -- filters ------------------------------------------------------------------------------
    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # `q` and `search` both call this; search once.
        if getattr(self, "_searched", False):
            return queryset
        self._searched = True
        return course_search(queryset, value)

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        ids = category_descendant_ids(value)
        if not ids:
            return queryset.none()
        # Any of the course's categories (the primary, or one of `categories`): an EXISTS, not a join, so a
        # course in two matching categories is listed once and the count stays one query.
        links = Course.categories.through.objects.filter(course_id=OuterRef("pk"), category_id__in=ids)
        return queryset.filter(Q(category_id__in=ids) | Exists(links))

    def filter_price(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(price=0) if value == "free" else queryset.filter(price__gt=0)

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        offered = CourseLanguage.objects.filter(course=OuterRef("pk"), language=value)
        return queryset.filter(Q(language=value) | Exists(offered))

    def filter_rating(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(rating__gte=value)

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Exists(Course.tags.through.objects.filter(course=OuterRef("pk"), tag__slug=value)))

    def filter_noop(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # sorting is applied last, in filter_queryset

    # -- sorting ------------------------------------------------------------------------------
    @property
    def sort_key(self) -> str:
        data = getattr(self.form, "cleaned_data", {}) or {}
        searching = bool(data.get("q") or data.get("search"))
        key = data.get("sort") or data.get("ordering") or ("relevance" if searching else "newest")
        if key == "relevance" and not searching:
            key = "newest"
        return key

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        key = self.sort_key
        if key == "relevance":
            return queryset.order_by("-search_rank", "-enrollment_count", "id")
        return queryset.order_by(*SORT_ORDER[key])
