"""Public catalog pages: the home page, the course catalog and a course's page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from courseworx.core.currency import display_currency

from . import selectors
from .filters import PRICE_CHOICES, RATING_CHOICES, SORT_CHOICES, CourseFilter
from .models import Course

CATALOG_PAGE_SIZE = 12


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or "en"


@require_GET
def home(request):
    sections = selectors.home_sections()
    selectors.apply_translations(sections.all_courses(), _language(request))
    selectors.explicit_prices_attach(sections.all_courses(), display_currency(request))
    return render(request, "home.html", {"home": sections, "categories": selectors.category_list()})


@require_GET
def catalog(request):
    courses = selectors.course_list_published(filters=request.GET, with_tags=False)
    paginator = Paginator(courses, CATALOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    selectors.apply_translations(page.object_list, _language(request))
    selectors.explicit_prices_attach(page.object_list, display_currency(request))
    # The form echoes the visitor's (valid) choices back.
    filterset = CourseFilter(request.GET or None, queryset=Course.objects.none())
    filterset.is_valid()
    selected = getattr(filterset.form, "cleaned_data", {})
    search = selected.get("q") or selected.get("search") or ""
    categories = selectors.category_list()
    names = {c.slug: c.name for top in categories for c in (top, *top.subcategories)}
    tags = list(selectors.tag_list()[:20])
    context = {
        "page_obj": page,
        "courses": page.object_list,
        "paginator": paginator,
        "search": search,
        "selected": selected,
        "sort": filterset.sort_key,
        "sort_choices": [c for c in SORT_CHOICES if c[0] != "relevance" or search],
        "levels": Course.Level.choices,
        "price_choices": PRICE_CHOICES,
        "rating_choices": RATING_CHOICES,
        "languages": Course._meta.get_field("language").choices,
        "categories": categories,
        "category_name": names.get(selected.get("category"), selected.get("category")),
        "tags": tags,
        "tag_name": next((t.name for t in tags if t.slug == selected.get("tag")), selected.get("tag")),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "has_filters": any(selected.get(k) for k in ("category", "level", "price", "language", "rating", "tag")),
    }
    return render(request, "courses/catalog.html", context)


@require_GET
def course_detail(request, slug: str):
    course = selectors.course_detail(slug=slug, user=request.user, preview=request.GET.get("preview") == "1")
    selectors.apply_translations([course], _language(request))
    return render(request, "courses/detail.html", {"course": course})
