"""Community template tags: the review summary for course pages, flag buttons, user chips."""

from django import template
from django.utils.translation import gettext_lazy, pgettext

from community import permissions, selectors

register = template.Library()


@register.inclusion_tag("community/includes/course_reviews_block.html", takes_context=True)
def course_reviews(context, course, limit: int = 3):
    """The rating summary, the latest reviews and a link to all of them (3 queries)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    reviews = list(selectors.review_list(course=course)[:limit])
    can_review = bool(user and permissions.can_review_course(user, course))
    return {
        "course": course,
        "reviews": reviews,
        "distribution": selectors.review_distribution(course=course),
        "can_review": can_review,
        "request": request,
    }


# What a flag button reports, for screen readers ("Report" + "this reply").
FLAG_KIND_LABELS = {
    "lesson": gettext_lazy("this lesson"),
    "thread": gettext_lazy("this discussion"),
    "reply": gettext_lazy("this reply"),
    "review": gettext_lazy("this review"),
}


@register.inclusion_tag("community/includes/flag_button.html", takes_context=True)
def flag_button(context, kind: str, target, label: str = "", css: str = "btn btn-sm btn-link text-body-secondary"):
    request = context.get("request")
    return {
        "kind": kind,
        "target": target,
        "label": label or pgettext("flag content", "Report"),
        "kind_label": FLAG_KIND_LABELS.get(kind, ""),
        "css": css,
        "next": request.get_full_path() if request else "",
    }


@register.filter
def star_list(value) -> list[bool]:
    """[True, True, True, False, False] for 3: five booleans for drawing stars."""
    n = int(value or 0)
    return [i < n for i in range(5)]
