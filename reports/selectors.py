"""Read paths of the reports pages and API: one function builds what a report page shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import conf
from .filters import ReportFilter, ReportParams
from .models import ReportExport, ReportSubscription
from .pagination import ReportPaginator
from .permissions import visible_report_slugs
from .reports import REPORTS, Chart, Kpi, Report


@dataclass
class SortHeader:
    key: str
    label: str
    numeric: bool
    help: str
    url: str = ""
    state: str = ""  # "ascending" | "descending" | ""


@dataclass
class ReportPage:
    report: Report
    params: ReportParams
    filterset: ReportFilter
    kpis: list[Kpi]
    charts: list[dict]
    page: Page
    rows: list[tuple[dict, list[str]]]
    headers: list[SortHeader] = field(default_factory=list)
    query: str = ""


def _headers(report: Report, params: ReportParams, query: QueryDict) -> list[SortHeader]:
    current = report.sort_key(params)
    out = []
    for col in report.columns:
        q = query.copy()
        q.pop("page", None)
        state = ""
        if current.lstrip("-") == col.key:
            state = "descending" if current.startswith("-") else "ascending"
        # First click on a number sorts high-to-low; a second click reverses.
        if state == "descending":
            q["sort"] = col.key
        elif state == "ascending":
            q["sort"] = f"-{col.key}"
        else:
            q["sort"] = f"-{col.key}" if col.numeric else col.key
        out.append(
            SortHeader(col.key, col.label, col.numeric, col.help, f"?{q.urlencode()}" if col.sortable else "", state)
        )
    return out


def report_page(*, report: Report, params: ReportParams, filterset: ReportFilter, query: QueryDict) -> ReportPage:
    """Everything a report page shows, in a constant number of queries (KPIs, charts, count, one page)."""
    paginator_class = ReportPaginator if report.count_with_page(params) else Paginator
    paginator = paginator_class(report.rows(params), conf.page_size())
    page = paginator.get_page(query.get("page"))
    if page.number == 1:  # the charts show the first rows: reuse them
        params.cache.update(first_rows=list(page.object_list), count=paginator.count)
    rows = [(row, report.cells(row)) for row in page.object_list]
    q = query.copy()
    q.pop("page", None)
    return ReportPage(
        report=report,
        params=params,
        filterset=filterset,
        kpis=report.summary(params),
        charts=[c.as_dict() for c in report.charts(params)],
        page=page,
        rows=rows,
        headers=_headers(report, params, query),
        query=q.urlencode(),
    )


def report_cards(user: User) -> list[Report]:
    return [REPORTS[slug] for slug in visible_report_slugs(user) if slug in REPORTS]


@dataclass(frozen=True)
class NavItem:
    slug: str
    title: str
    icon: str
    url: str
    active: bool


# Report pages that are not `Report`s of the registry, by slug of permissions.REPORT_GROUPS: (title, icon, url name).
EXTRA_NAV_PAGES = {"accessibility": (_("Accessibility"), "universal-access", "reports:accessibility")}


def report_nav(user: User, current: str = "") -> list[NavItem]:
    """The report switcher shown on every report page: the reports `user` may open, in the registry's
    order (`permissions.visible_report_slugs` decides, as for the pages themselves), then the other
    report pages they may open."""

    visible = visible_report_slugs(user)
    items = []
    for slug, report in REPORTS.items():
        if slug in visible:
            items.append(
                NavItem(slug, report.title, report.icon, reverse("reports:report", args=[slug]), slug == current)
            )
    for slug in visible:
        if slug in EXTRA_NAV_PAGES:
            title, icon, url_name = EXTRA_NAV_PAGES[slug]
            items.append(NavItem(slug, str(title), icon, reverse(url_name), slug == current))
    return items


def subscription_list(*, user: User, report: str | None = None) -> QuerySet[ReportSubscription]:
    qs = ReportSubscription.objects.filter(user=user)
    return qs.filter(report=report) if report else qs


def export_list(*, user: User, limit: int = 10) -> QuerySet[ReportExport]:
    return ReportExport.objects.filter(user=user).order_by("-created_at")[:limit]


__all__ = [
    "Chart",
    "NavItem",
    "ReportPage",
    "export_list",
    "report_cards",
    "report_nav",
    "report_page",
    "subscription_list",
]
