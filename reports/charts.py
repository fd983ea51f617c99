"""Server-side SVG charts for PDFs and e-mails (pygal), drawn from the same specs as the page's
Chart.js charts (reports.reports.base.Chart.as_dict()).  WeasyPrint runs no JavaScript."""

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

PALETTE = ("#3b3fb6", "#f5a524", "#1f9d74", "#d9435e", "#6f42c1", "#0d8ec1", "#8a8d91", "#b7791f")

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=PALETTE,
    font_family="DejaVu Sans, Arial, sans-serif",
    title_font_size=16,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
    value_font_size=10,
)


def _chart_class(spec: dict):
    kind = spec.get("type")
    if kind == "line":
        return pygal.Line
    if kind == "radar":
        return pygal.Radar
    if kind == "doughnut":
        return pygal.Pie
    if spec.get("horizontal"):
        return pygal.HorizontalStackedBar if spec.get("stacked") else pygal.HorizontalBar
    return pygal.StackedBar if spec.get("stacked") else pygal.Bar


def chart_svg(spec: dict, *, width: int = 760, height: int = 340) -> str:
    """One chart as an inline <svg> element (no XML declaration, no scripts)."""
    cls = _chart_class(spec)
    options = {
        "title": spec.get("title", ""),
        "style": STYLE,
        "width": width,
        "height": height,
        "disable_xml_declaration": True,
        "js": [],  # no interactive script in a PDF
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "truncate_label": 24,
        "truncate_legend": 28,
        "print_values": False,
        "show_x_labels": True,
    }
    if cls is pygal.Pie:
        options["inner_radius"] = 0.45
        chart = cls(**options)
        labels = spec.get("labels", [])
        data = (spec.get("datasets") or [{"data": []}])[0]["data"]
        for label, value in zip(labels, data, strict=False):
            chart.add(str(label), value or 0)
        return chart.render(is_unicode=True)
    if cls in (pygal.Line, pygal.Bar, pygal.StackedBar):
        options["x_label_rotation"] = 30 if len(spec.get("labels", [])) > 6 else 0
        options["show_minor_x_labels"] = len(spec.get("labels", [])) <= 31
        if cls is pygal.Line and len(spec.get("labels", [])) > 31:
            options["x_labels_major_every"] = max(1, len(spec["labels"]) // 10)
    chart = cls(**options)
    chart.x_labels = [str(label) for label in spec.get("labels", [])]
    for dataset in spec.get("datasets", []):
        chart.add(dataset["label"], [v if v is not None else None for v in dataset["data"]])
    if not spec.get("labels"):
        chart.no_data_text = str(_("No data in this period"))
    return chart.render(is_unicode=True)
