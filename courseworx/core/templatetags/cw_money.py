"""Money in templates: `{% load cw_money %}`.

- `{{ amount|money_fmt:"JPY" }}`: the amount rounded and formatted for its currency (py-moneyed/Babel).
- `{% approx_price amount currency %}`: when the visitor chose another display currency (see
  courseworx.core.currency), "≈ €45.80 approx." in a muted span; nothing otherwise.  The rates are read
  once per request.
"""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from courseworx.core import currency

register = template.Library()


@register.filter
def money_fmt(amount, code: str = "") -> str:
    return currency.format_amount(amount, code or currency.base_currency())


@register.simple_tag(takes_context=True)
def approx_price(context, amount, code):
    request = context.get("request")
    if not amount:
        return ""
    shown = currency.display_price(request, amount, code)
    if shown is None:
        return ""
    value, target = shown
    return format_html(
        '<span class="approx-price small text-body-secondary" data-display-currency="{}" '
        'title="{}">≈ {} <abbr title="{}">{}</abbr></span>',
        target,
        _("Converted at today's rate; you pay in %(code)s.") % {"code": code},
        currency.format_amount(value, target),
        _("approximately"),
        _("approx."),
    )


@register.simple_tag(takes_context=True)
def display_currency_code(context) -> str:
    return currency.display_currency(context.get("request")) or ""


@register.inclusion_tag("core/includes/currency_selector.html", takes_context=True)
def currency_selector(context):
    """The navbar's display-currency form (posts to billing's /billing/currency/ when billing is installed).
    Its options load by htmx from the same URL (GET), so pages cost no query for it."""
    request = context.get("request")
    try:
        action = reverse("billing:set_currency")
    except NoReverseMatch:
        action = ""
    return {
        "action": action,
        "selected": currency.display_currency(request) or "",
        "csrf_token": context.get("csrf_token"),
    }
