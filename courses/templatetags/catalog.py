"""Template helpers for course cards and course pages: `{% load catalog %}`."""

import hashlib

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from courses.transcripts import transcript_for
from courseworx.core.currency import base_currency, format_amount
from courseworx.core.text import AUTHOR, render_markdown

register = template.Library()

KIND_ICONS = {
    "video": "play-circle",
    "article": "file-earmark-text",
    "document": "file-earmark-pdf",
    "image": "image",
    "quiz": "patch-question",
    "certificate": "award",
}
LEVEL_ICONS = {"beginner": "bar-chart", "intermediate": "bar-chart-line", "advanced": "bar-chart-fill"}
THUMB_PALETTES = 8


@register.filter
def money(amount, currency: str = "") -> str:
    """49.5, "USD" -> "$49.50"; 1234, "JPY" -> "¥1,234": rounded to the currency's decimals and formatted for
    the active language by py-moneyed/Babel (courseworx.core.currency); no currency: the base currency."""
    return format_amount(amount, currency or base_currency())


@register.filter
def course_price(course) -> str:
    """'Free' or the formatted price of a course."""
    return _("Free") if not course.price else money(course.price, course.currency)


@register.filter
def duration(seconds) -> str:
    """Seconds -> '1 h 25 min', '12 min', '45 s'."""
    if not seconds:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes = round(rest / 60)
    if hours and minutes:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    if minutes:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(seconds)s s") % {"seconds": seconds}


@register.filter
def course_duration(course) -> str:
    """The course's stated length, else the sum of its lesson durations."""
    if course.duration_minutes:
        return duration(course.duration_minutes * 60)
    return duration(getattr(course, "lesson_seconds", 0))


@register.filter
def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "file-earmark")


@register.filter
def level_icon(level: str) -> str:
    return LEVEL_ICONS.get(level, "bar-chart")


@register.filter
def thumb_palette(course) -> int:
    """A stable palette number (0-7) for a course's placeholder thumbnail."""
    return int(hashlib.md5(str(course.slug).encode(), usedforsecurity=False).hexdigest(), 16) % THUMB_PALETTES


@register.filter
def title_initials(title: str) -> str:
    words = [w for w in str(title).replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "C"


@register.simple_tag
def stars(rating, count=None, size: str = ""):
    """Five star icons for a 0-5 rating, with the number and a screen-reader label."""
    value = float(rating or 0)
    icons = []
    for i in range(1, 6):
        if value >= i - 0.25:
            icons.append("star-fill")
        elif value >= i - 0.75:
            icons.append("star-half")
        else:
            icons.append("star")
    stars_html = format_html_join("", '<i class="bi bi-{}" aria-hidden="true"></i>', ((name,) for name in icons))
    if count is not None and not count:
        return format_html(
            '<span class="rating rating-none {}"><span class="text-body-secondary small">{}</span></span>',
            size,
            _("No ratings yet"),
        )
    count_html = format_html(' <span class="rating-count">({})</span>', intcomma(int(count))) if count else ""
    return format_html(
        '<span class="rating {}"><span class="visually-hidden">{}</span>'
        '<span class="rating-value" aria-hidden="true">{}</span> <span class="rating-stars">{}</span>{}</span>',
        size,
        _("Rated %(value)s out of 5") % {"value": number_format(value, 1)},
        number_format(value, 1),
        stars_html,
        count_html,
    )


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (None/'' removes them).

    `{% query_replace page=3 %}` keeps every filter and changes the page.
    """
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def markdown(text: str) -> str:
    """Markdown -> sanitised HTML (courseworx.core.text, the authors' policy), safe to insert.

    Course pages are the hottest pages: the result is cached under a hash of the text itself, so an
    edited description gets a new key and a cached entry can never be stale.
    """

    if not text:
        return ""
    key = "md:" + hashlib.sha256(text.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_markdown(text, policy=AUTHOR)
        cache.set(key, html, 60 * 60 * 24)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 in render_markdown


@register.simple_tag(takes_context=True)
def lesson_transcript(context, content):
    """{% lesson_transcript content as transcript %}: the transcript of a lesson in the page's language."""
    if content is None or getattr(content, "kind", "") not in ("video", "document"):
        return None
    return transcript_for(content=content, language=context.get("LANGUAGE_CODE") or "en")
