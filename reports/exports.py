"""CSV and PDF output of a report.

- CSV streams: a generator over `rows().iterator(chunk_size=...)` feeding a StreamingHttpResponse (or a
  file, in the export job); rows are never all in memory.
- PDF: the one safe renderer (`courseworx.core.pdf.render_pdf`: WeasyPrint without file or network
  access) renders `reports/pdf/report.html` with the charts inlined as pygal SVG.  Called by the
  export task (reports.tasks.report_export_task), by the subscription mailer and, for a small report
  (at most `REPORTS_SYNC_PDF_MAX_ROWS` rows, `pdf_response`), in the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core import csv as safe_csv
from courseworx.core.pdf import render_pdf as render_html_pdf

from . import conf
from .charts import chart_svg
from .filters import ReportParams
from .reports import Report

CSV_CHUNK_ROWS = 2000


def csv_lines(report: Report, params: ReportParams, *, on_chunk: Callable[[int], None] | None = None) -> Iterator[str]:
    """The report's CSV, line by line, through the one CSV writer (courseworx.core.csv: text that could be
    a spreadsheet formula is neutralised; figures are written as numbers, see `Report.export_cells`)."""
    writer = safe_csv.writer()
    yield safe_csv.BOM + writer.writerow(report.header())  # BOM: spreadsheets open UTF-8 correctly
    for n, row in enumerate(report.rows(params).iterator(chunk_size=CSV_CHUNK_ROWS), start=1):
        yield writer.writerow(report.export_cells(row))
        if on_chunk and n % CSV_CHUNK_ROWS == 0:
            on_chunk(n)


def export_filename(report: Report, params: ReportParams, ext: str) -> str:
    return f"{report.slug}_{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}.{ext}"


def csv_response(report: Report, params: ReportParams) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(report, params), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(report, params, "csv")}"'
    response["Cache-Control"] = "no-store"
    return response


def describe_filters(params: ReportParams) -> list[tuple[str, str]]:
    """Human-readable filters for titles of PDFs and e-mails (two small look-ups at most)."""

    out = [(_("Period"), f"{params.date_from:%d %b %Y} – {params.date_to:%d %b %Y}")]
    if params.filters.get("course"):
        title = Course.objects.filter(pk=params.filters["course"]).values_list("title", flat=True).first()
        out.append((_("Course"), title or "?"))
    if params.filters.get("instructor"):
        user = User.objects.filter(pk=params.filters["instructor"]).first()
        out.append((_("Instructor"), user.get_full_name() if user else "?"))
    if params.report == "activity" and params.period == "week":
        out.append((_("Grouped"), _("per week")))
    return out


def render_pdf(
    report: Report, params: ReportParams, *, user=None, progress: Callable[[int], None] | None = None
) -> tuple[bytes, int]:
    """The report as a PDF (title, filters, KPIs, charts as SVG, the first rows); returns (pdf, rows)."""
    step = progress or (lambda _p: None)
    rows_qs = report.rows(params)
    total = rows_qs.count()
    limit = conf.pdf_max_rows()
    rows = [report.cells(row) for row in rows_qs[:limit].iterator(chunk_size=CSV_CHUNK_ROWS)]
    step(30)
    kpis = report.summary(params)
    charts = [chart_svg(c.as_dict()) for c in report.charts(params)]
    step(60)
    html = render_to_string(
        "reports/pdf/report.html",
        {
            "report": report,
            "params": params,
            "filters": describe_filters(params),
            "kpis": kpis,
            "charts": charts,
            "columns": report.columns,
            "rows": rows,
            "total": total,
            "truncated": total > limit,
            "limit": limit,
            "generated_at": timezone.now(),
            "generated_for": user,
        },
    )
    pdf = render_html_pdf(html)
    step(95)
    return pdf, total


def pdf_response(report: Report, params: ReportParams, *, user=None) -> HttpResponse:
    """A small report's PDF as a download, rendered now (the caller checked the row count)."""
    pdf, _rows = render_pdf(report, params, user=user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(report, params, "pdf")}"'
    response["Cache-Control"] = "no-store"
    return response
