"""Money in templates: `{% load cw_money %}`.

- `{{ amount|money_fmt:"JPY" }}`: the amount rounded and formatted for its currency (py-moneyed/Babel);
  `{{ amount|money_amount:"KWD" }}`: the bare number with the currency's decimals ("12.345").
- `{% approx_price amount currency item=course %}`: when the visitor chose another display currency (see
  courseworx.core.currency), "≈ €45.80 approx." in a muted span; nothing otherwise, and nothing when `item`
  (a course or plan) lists an explicit price in the display currency.  The rates are read once per request.
- `{% shown_price item %}`: the price to show for a course or plan: its explicit price in the visitor's
  display currency when it lists one (what checkout charges; not approximate), else its own price.
  Lists prefetch the explicit prices (`prices`), so neither tag queries per row.
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


@register.filter
def money_amount(amount, code: str = "") -> str:
    """The bare number with exactly the currency's decimals ("49.00", "1500", "12.345"): tables whose header
    names the currency (receipts)."""
    if amount is None or amount == "":
        return ""
    try:
        return str(currency.round_amount(amount, code or currency.base_currency()))
    except (ArithmeticError, TypeError, ValueError):
        return str(amount)


def _explicit(request, item):
    """`item`'s explicit price row in the display currency (None when it has none or none was chosen)."""
    target = currency.display_currency(request)
    finder = getattr(item, "explicit_price", None)
    if not target or finder is None:
        return None
    return finder(target)


@register.simple_tag(takes_context=True)
def shown_price(context, item) -> str:
    request = context.get("request")
    row = _explicit(request, item)
    if row is not None:
        return format_html(
            '<span class="explicit-price" data-display-currency="{}" title="{}">{}</span>',
            row.currency,
            _("You pay this price, in %(code)s.") % {"code": row.currency},
            currency.format_amount(row.amount, row.currency),
        )
    return currency.format_amount(item.price, item.currency)


@register.simple_tag(takes_context=True)
def approx_price(context, amount, code, item=None):
    request = context.get("request")
    if not amount:
        return ""
    if item is not None and _explicit(request, item) is not None:
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
