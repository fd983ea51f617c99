"""Tiny form helpers for Bootstrap markup (no extra dependency)."""

from django import template
from django.forms import CheckboxInput, ClearableFileInput, FileInput, Select, SelectMultiple

register = template.Library()


@register.filter
def add_class(field, css: str):
    widget = field.field.widget
    if isinstance(widget, (Select, SelectMultiple)):
        css = css.replace("form-control", "form-select")
    if isinstance(widget, (FileInput, ClearableFileInput)) and "form-control" not in css:
        css = f"{css} form-control"
    attrs = {**widget.attrs, "class": f"{widget.attrs.get('class', '')} {css}".strip()}
    return _Bound(field, attrs)


@register.filter
def aria_describedby(bound, field):
    ids = []
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if ids:
        bound.attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        bound.attrs["aria-invalid"] = "true"
    return bound


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


class _Bound:
    """Defers rendering so several filters can add attributes."""

    def __init__(self, field, attrs):
        self.field, self.attrs = field, attrs

    def __str__(self):
        return self.field.as_widget(attrs=self.attrs)

    __html__ = __str__
