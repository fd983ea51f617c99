"""Presentation helpers that keep templates free of inline style (the Content-Security-Policy forbids it)."""

from django import template

register = template.Library()


@register.filter
def pct_width(value) -> str:
    """A percentage -> the CSS class that gives that width (`cw-pct-0` ... `cw-pct-100`, courseworx.css).

    Truncated like `percent_int` so a bar never looks fuller than the number printed next to it.
    """
    try:
        percent = int(float(value or 0))
    except (TypeError, ValueError, OverflowError):
        percent = 0
    return f"cw-pct-{min(max(percent, 0), 100)}"
