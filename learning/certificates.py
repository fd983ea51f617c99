"""Certificate PDFs: the course's CertificateTemplate (or the default one, or a built-in layout) rendered
in the sandboxed template language, sanitised, then turned into a PDF by the one safe renderer.

Three layers keep an instructor's template (and a student's name) from reaching server files or the
network (issue 12):

1. the template text is a sandbox (`courseworx.core.pdf_templates.render_template`): a context of
   plain strings only, `if`/`comment` tags and a few text filters, autoescaped;
2. the rendered HTML and the CSS are sanitised with allow-lists (`sanitize_html`, `sanitize_css`),
   whatever was stored (the model also refuses unsafe templates on save);
3. `courseworx.core.pdf.render_pdf` fetches only our static files and the template's own images
   (`certificate_files`), never `file:` or network URLs, and embeds no attachments.

Only `learning.tasks.certificate_issue_task` calls `certificate_render_pdf`: rendering is slow and
never happens in a web request.
"""

from __future__ import annotations

import logging

import segno
from django.template import TemplateSyntaxError
from django.utils import formats

from courses.models import CertificateTemplate
from courseworx.core.pdf import pdf_file_url, render_pdf
from courseworx.core.pdf_templates import render_template, sanitize_css, sanitize_html

from .models import IssuedCertificate

logger = logging.getLogger(__name__)

FALLBACK_HTML = """
<div class="frame">
  <p class="kicker">{% if kind == "exam" %}Certificate of achievement{% else %}Certificate of completion{% endif %}</p>
  <p class="lead">This certifies that</p>
  <h1>{{ student_name }}</h1>
  <p class="lead">{% if kind == "exam" %}has passed the certification exam{% elif kind == "path" %}has
    successfully completed the career path{% else %}has successfully completed the course{% endif %}</p>
  <h2>{{ course_title }}</h2>
  <p class="meta">{% if kind == "exam" %}Passed on {{ completed_on }} · Score {{ grade }}{% else %}Completed
    on {{ completed_on }}{% if kind == "course" %} · Grade {{ grade }}{% endif %}{% endif %}</p>
  <div class="sign">
    <div>{% if instructor_name %}<span class="line"></span>{{ instructor_name }}<br>
      <small>Instructor</small>{% endif %}</div>
    <div class="verify"><img class="qr" src="{{ verification_qr }}" alt="">
      <span>Verify at {{ verification_url }}<br>Code <strong>{{ verification_code }}</strong></span></div>
  </div>
</div>
"""

FALLBACK_CSS = """
body { font-family: "DejaVu Serif", Georgia, serif; color: #1d1d3a; margin: 0; }
.frame { border: 6px double #3b3fb6; padding: 18mm 20mm; height: 150mm; text-align: center; }
.kicker { letter-spacing: .3em; text-transform: uppercase; color: #3b3fb6; font-size: 13pt; margin: 0 0 10mm; }
.lead { font-size: 13pt; margin: 4mm 0; }
h1 { font-size: 34pt; margin: 4mm 0 6mm; }
h2 { font-size: 22pt; margin: 4mm 0 6mm; color: #2c2f8f; }
.meta { font-size: 11pt; color: #555; }
.sign { display: flex; justify-content: space-between; align-items: flex-end; margin-top: 18mm; font-size: 10pt; }
.sign .line { display: block; border-top: 1px solid #1d1d3a; width: 60mm; margin-bottom: 2mm; }
.verify { text-align: right; color: #555; font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; }
.verify .qr { display: block; width: 26mm; height: 26mm; margin: 0 0 1.5mm auto; }
"""


def certificate_template_for(certificate: IssuedCertificate) -> CertificateTemplate | None:
    if certificate.template_id:
        return certificate.template
    if certificate.kind != IssuedCertificate.Kind.COURSE:
        # A path or exam without its own template: the built-in layout, worded for its kind (the site's
        # default template is written for courses).
        return None
    if certificate.course is not None and certificate.course.certificate_template_id:
        return certificate.course.certificate_template
    return CertificateTemplate.objects.filter(is_default=True).order_by("created_at").first()


def certificate_context(certificate: IssuedCertificate, verification_url: str) -> dict[str, str]:
    """The placeholders' values: plain strings only (the template language reaches nothing else)."""
    enrollment = certificate.enrollment
    instructor = certificate.course.instructor if certificate.course is not None else None
    grade = enrollment.grade if enrollment is not None else None
    if certificate.kind == IssuedCertificate.Kind.EXAM:
        attempt = getattr(certificate, "exam_attempt", None)  # the passed attempt (none once it is deleted)
        if attempt is not None and attempt.score is not None and attempt.max_score:
            grade = attempt.score * 100 / attempt.max_score
    return {
        "kind": str(certificate.kind),
        "student_name": str(certificate.holder_name),
        "course_title": str(certificate.course_title),
        "instructor_name": instructor.get_full_name() if instructor else "",
        "completed_on": str(formats.date_format(certificate.issued_at, "DATE_FORMAT")),
        "verification_code": str(certificate.code),
        "verification_url": str(verification_url),
        "grade": f"{grade:.0f}%" if grade is not None else "Pass",
    }


def verification_qr_data_url(verification_url: str) -> str:
    """The QR code of the verification URL as a PNG data: URL (the renderer accepts small data: images).

    Error correction M and the standard 4-module quiet zone, 8 pixels a module: a phone reads it at 26 mm."""
    return segno.make(verification_url, error="m", micro=False).png_data_uri(scale=8, border=4)


def certificate_files(template: CertificateTemplate | None) -> dict:
    """The template's own images, which the PDF may show (served by name, see pdf_file_url)."""
    if template is None:
        return {}
    return {name: getattr(template, name) for name in CertificateTemplate.IMAGE_PLACEHOLDERS if getattr(template, name)}


def _document(certificate: IssuedCertificate, verification_url: str) -> tuple[str, dict]:
    template = certificate_template_for(certificate)
    files = certificate_files(template)
    images = {name: pdf_file_url(name) if name in files else "" for name in CertificateTemplate.IMAGE_PLACEHOLDERS}
    images["verification_qr"] = verification_qr_data_url(verification_url)
    context = certificate_context(certificate, verification_url)
    if template:
        context.update(signature_name=template.signature_name, signature_title=template.signature_title)
    context.update(images)

    body_source, css_source = FALLBACK_HTML, FALLBACK_CSS
    if template:
        body_source, css_source = template.html, template.css
    try:
        rendered = render_template(body_source, context)
    except TemplateSyntaxError:
        # Stored before templates were checked on save: the built-in layout rather than no certificate.
        logger.error("Certificate template %s does not compile; using the built-in layout", template.pk)
        rendered, css_source = render_template(FALLBACK_HTML, context), FALLBACK_CSS
    body = sanitize_html(rendered, placeholders=images, file_names=files)
    css = sanitize_css(css_source, placeholders=images, file_names=files)
    orientation = (
        template.orientation if template and template.orientation in ("landscape", "portrait") else "landscape"
    )
    page = f"@page {{ size: A4 {orientation}; margin: 12mm; }}"
    head = f"<meta charset='utf-8'><style>{page}\n{css}</style>"
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>", files


def certificate_html(certificate: IssuedCertificate, verification_url: str) -> str:
    return _document(certificate, verification_url)[0]


def certificate_render_pdf(certificate: IssuedCertificate, verification_url: str) -> bytes:
    html, files = _document(certificate, verification_url)
    return render_pdf(html, allowed_files=files)
