import datetime as dt

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.reports import REPORTS
from reports.selectors import report_nav

register = template.Library()

QUICK_RANGES = [(7, _("Last 7 days")), (30, _("Last 30 days")), (90, _("Last 90 days")), (365, _("Last 12 months"))]


@register.filter
def report_title(slug: str) -> str:
    report = REPORTS.get(slug)
    return report.title if report else slug


@register.filter
def index(sequence, i: int):
    try:
        return sequence[i]
    except (IndexError, TypeError, KeyError):
        return None


@register.simple_tag
def quick_ranges(rp) -> list[tuple[str, str]]:
    """Links for common ranges, keeping the other filters."""
    today = timezone.localdate()
    out = []
    for days, label in QUICK_RANGES:
        q = QueryDict(mutable=True)
        q.update({k: v for k, v in rp.params.query_string().items() if k not in ("date_from", "date_to")})
        q["date_from"] = (today - dt.timedelta(days=days - 1)).isoformat()
        q["date_to"] = today.isoformat()
        out.append((label, q.urlencode()))
    return out


@register.inclusion_tag("reports/partials/switcher.html", takes_context=True)
def report_switcher(context, current: str = "") -> dict:
    """The bar of every report page listing the reports the user may open (selectors.report_nav)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"items": report_nav(user, current) if user is not None else [], "current": current}
