"""The resume as a PDF, rendered in the request (one or two A4 pages: fast and small) by the one safe renderer.

Every piece of text is the owner's (or a certificate title): it is HTML-escaped here (`format_html`,
`escape`), so `<script>` or `<img src=file:///etc/passwd>` in an entry is printed literally, and
`courseworx.core.pdf.render_pdf` fetches nothing but our own static files anyway (no `file:`, no
network).  Links (certificate verification) are printed as text, not fetched.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.html import escape, format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from courseworx.core.pdf import render_pdf

from .resume_selectors import ResumeView

CSS = """
@page { size: A4; margin: 16mm 16mm 18mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #1d1d3a; line-height: 1.4; }
h1 { font-size: 20pt; margin: 0; }
.headline { font-size: 12pt; color: #3b3fb6; margin: 1mm 0 2mm; }
.contact { color: #555; margin-bottom: 4mm; }
h2 { font-size: 11pt; text-transform: uppercase; letter-spacing: .08em; color: #3b3fb6;
     border-bottom: 1px solid #c9cbee; padding-bottom: 1mm; margin: 6mm 0 2mm; }
.entry { margin: 0 0 3mm; page-break-inside: avoid; }
.entry .title { font-weight: bold; }
.entry .meta { color: #555; }
.entry p { margin: 1mm 0 0; }
.skills span { display: inline-block; border: 1px solid #c9cbee; border-radius: 3px; padding: .5mm 2mm;
               margin: 0 1mm 1mm 0; }
.url { color: #555; font-size: 8pt; word-break: break-all; }
"""


def _date(value) -> str:
    return str(formats.date_format(value, "M Y")) if value else ""


def _period(entry) -> str:
    if not entry.start_date and not entry.end_date:
        return ""
    return f"{_date(entry.start_date)} – {_date(entry.end_date) if entry.end_date else _('present')}"


def _entry_html(entry) -> str:
    meta = " · ".join(x for x in (entry.organisation, _period(entry)) if x)
    level = f" ({entry.level}/5)" if entry.level else ""
    return format_html(
        '<div class="entry"><div class="title">{}{}</div>{}{}</div>',
        entry.title,
        level,
        format_html('<div class="meta">{}</div>', meta) if meta else "",
        mark_safe(linebreaks(escape(entry.description))) if entry.description else "",  # noqa: S308 — escaped first
    )


def resume_html(view: ResumeView, *, show_email: bool) -> str:
    resume, user = view.resume, view.resume.user
    contact = " · ".join(x for x in (resume.location, user.email if show_email else "") if x)
    parts = [
        format_html("<h1>{}</h1>", user.get_full_name()),
        format_html('<div class="headline">{}</div>', resume.headline) if resume.headline else "",
        format_html('<div class="contact">{}</div>', contact) if contact else "",
    ]
    if resume.summary:
        parts.append(format_html("<h2>{}</h2>{}", _("Summary"), mark_safe(linebreaks(escape(resume.summary)))))  # noqa: S308
    for kind, label, entries in view.groups:
        if kind in ("skill", "language"):
            body = format_html(
                '<div class="skills">{}</div>',
                format_html_join(
                    "", "<span>{}</span>", ((e.title + (f" ({e.level}/5)" if e.level else ""),) for e in entries)
                ),
            )
        else:
            body = mark_safe("".join(_entry_html(e) for e in entries))  # noqa: S308 — each built with format_html
        parts.append(format_html("<h2>{}</h2>{}", label, body))
    for section in view.sections:
        items = format_html_join(
            "",
            '<div class="entry"><div class="title">{}</div><div class="meta">{}</div><div class="url">{}</div></div>',
            ((i.title, " · ".join(x for x in (i.subtitle, _date(i.date)) if x), i.url) for i in section.items),
        )
        parts.append(format_html("<h2>{}</h2>{}", section.title, items))
    body = mark_safe("".join(str(p) for p in parts))  # noqa: S308 — every part escaped above
    return format_html(
        '<!doctype html><html><head><meta charset="utf-8"><style>{}</style></head><body>{}</body></html>',
        mark_safe(CSS),  # noqa: S308 — our constant
        body,
    )


def resume_render_pdf(view: ResumeView, *, show_email: bool) -> bytes:
    return render_pdf(resume_html(view, show_email=show_email))
