"""What every report is: columns, a row query (SQL aggregation through the ORM), a summary, charts.

A report's `rows(params)` returns a *values queryset*: one dict per row, computed by the database with
annotations (Count/Sum/Avg with filters, or one Subquery per source so one-to-many joins never
multiply rows).  Pages paginate it, the CSV streams it with `.iterator()`, the PDF prints a slice,
the API serialises a page: the figures are the same everywhere because the query is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import ExpressionWrapper, F, FloatField, Func, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils.translation import gettext_lazy as _

from ..filters import ReportParams


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # text | int | decimal | percent | days | hours | money | date
    sortable: bool = True
    help: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "date")


@dataclass
class Chart:
    """A chart, drawn by Chart.js on the page and by pygal (SVG) in PDFs."""

    id: str
    title: str
    type: str  # bar | line | radar | doughnut
    labels: list[str]
    datasets: list[dict]  # {"label": str, "data": [numbers]}
    stacked: bool = False
    horizontal: bool = False
    unit: str = ""

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": str(self.title),
            "type": self.type,
            "labels": [str(label) for label in self.labels],
            "datasets": [{"label": str(d["label"]), "data": [_plain(v) for v in d["data"]]} for d in self.datasets],
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "unit": self.unit,
        }


@dataclass
class Kpi:
    label: str
    value: Any
    kind: str = "int"
    hint: str = ""

    @property
    def display(self) -> str:
        text = format_value(self.value, self.kind, empty="—")
        if self.value is None or self.kind in ("text", "date"):
            return text
        return f"{Decimal(text):,f}"  # a headline figure, grouped by thousands (cells stay plain, as in the CSV)


def _plain(value):
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 86400, 1)
    return value


def _round(value, places: str = "0.1") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def format_value(value, kind: str, empty: str = "") -> str:
    """The one formatting of a cell, used by the table, the CSV and the PDF (so they match)."""
    if value is None:
        return empty
    if kind == "text":
        return str(value)
    if kind == "date":
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if kind == "int":
        return str(int(value))
    if kind == "days":
        if isinstance(value, dt.timedelta):
            value = value.total_seconds() / 86400
        return str(_round(value))
    if kind == "hours":  # seconds, or a duration
        seconds = value.total_seconds() if isinstance(value, dt.timedelta) else value
        return str(_round(Decimal(str(seconds)) / 3600))
    if kind == "money":
        return str(_round(value, "0.01"))
    if kind in ("percent", "decimal"):
        return str(_round(value))
    return str(value)


class _GroupBySources:
    """Group by what the expression is made of, not by the expression itself.

    Django groups an aggregate query by every non-aggregate annotation; for COALESCE((subquery), 0)
    that puts the correlated subquery into GROUP BY, so PostgreSQL evaluates it once per *joined
    row* instead of once per group (seen in EXPLAIN: loops = number of enrolments).  A Subquery's
    own group-by columns are the outer columns it refers to (already grouped), so delegating to the
    sources keeps the subquery in SELECT only.
    """

    def get_group_by_cols(self):
        cols = []
        for source in self.get_source_expressions():
            cols.extend(source.get_group_by_cols())
        return cols


class KeyedSubquery(Subquery):
    """A correlated subquery on the group's key, kept out of GROUP BY.

    Only for a subquery whose outer references are the grouped columns themselves (the row's key).
    Django would otherwise group by the subquery, so PostgreSQL would evaluate it once per source row;
    kept out, it is evaluated once per group -- and after the sort, for the rows of the page only."""

    def get_group_by_cols(self):
        return []


class GCoalesce(_GroupBySources, Coalesce):
    pass


class Percent(_GroupBySources, Func):
    """SQL: 100 * part / whole as a float, NULL when whole is 0 (never a division by zero)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        part, whole = self.get_source_expressions()
        part_sql, part_params = compiler.compile(part)
        whole_sql, whole_params = compiler.compile(whole)
        real = "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"
        sql = f"(CAST({part_sql} AS {real}) * 100.0 / NULLIF(CAST({whole_sql} AS {real}), 0.0))"
        return sql, (*part_params, *whole_params)


def quotient(total, count, output_field):
    """SQL: total / count, NULL when count is 0 (a mean rebuilt from a rollup's sum and count)."""
    return ExpressionWrapper(total / NullIf(count, 0), output_field=output_field)


def percent(part: str, whole: str):
    return Percent(F(part), F(whole))


def full_name(prefix: str = ""):
    return Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name"))


def zero(expression):
    return GCoalesce(expression, 0)


class Report:
    slug: str = ""
    title: str = ""
    description: str = ""
    icon: str = "bar-chart"
    columns: list[Column] = []
    default_sort: str = ""
    tiebreak: str = "id"  # a unique column of the rows, so that pages never overlap
    row_label: str = _("rows")
    link_column: str = ""  # a text column shown as the row's title

    # -- to implement ------------------------------------------------------------------------
    def base_rows(self, p: ReportParams) -> QuerySet:
        raise NotImplementedError

    def summary(self, p: ReportParams) -> list[Kpi]:
        return []

    def charts(self, p: ReportParams) -> list[Chart]:
        return []

    # -- shared ------------------------------------------------------------------------------
    def sort_key(self, p: ReportParams) -> str:
        wanted = p.sort or self.default_sort
        keys = {c.key for c in self.columns if c.sortable}
        return wanted if wanted.lstrip("-") in keys else self.default_sort

    def rows(self, p: ReportParams) -> QuerySet:
        """The rows, ordered (NULLs last whatever the direction) with a unique tie-break."""
        key = self.sort_key(p)
        name = key.lstrip("-")
        order = F(name).desc(nulls_last=True) if key.startswith("-") else F(name).asc(nulls_last=True)
        return self.base_rows(p).order_by(order, self.tiebreak)

    def count_with_page(self, p: ReportParams) -> bool:
        """Whether a page may fetch its rows and the total in one query (COUNT(*) OVER ()): not when the
        rows are correlated subqueries that PostgreSQL would then evaluate for every row, not just the page's."""
        return True

    def top_rows(self, p: ReportParams, n: int) -> list[dict]:
        """The first n rows in the page's order: the first page already fetched by this request when it
        holds them (the charts of a page then cost no second pass over the data)."""
        first = p.cache.get("first_rows")
        if first is not None and (len(first) >= n or p.cache.get("count") == len(first)):
            return first[:n]
        return list(self.rows(p)[:n])

    def cells(self, row: dict) -> list[str]:
        return [format_value(row.get(c.key), c.kind) for c in self.columns]

    def export_cells(self, row: dict) -> list:
        """`cells()` for files: the same text, but figures of numeric columns as numbers (int/Decimal with
        the same digits), so the CSV writer keeps them numbers (a negative amount is not a formula) while
        every text cell is escaped against spreadsheet formulas (courseworx.core.csv)."""
        out: list = []
        for column, text in zip(self.columns, self.cells(row), strict=True):
            if column.numeric and text:
                text = int(text) if column.kind == "int" else Decimal(text)
            out.append(text)
        return out

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]
