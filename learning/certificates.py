"""Certificate PDFs: the course's CertificateTemplate (or the default one, or a built-in layout)
rendered with Django's template engine (autoescaped) and then to PDF with WeasyPrint.

Only `learning.tasks.certificate_issue_task` calls `certificate_render_pdf`: rendering is slow and
never happens in a web request.
"""

from __future__ import annotations

from django.conf import settings
from django.template import Context, Engine
from django.utils import formats

from courses.models import CertificateTemplate

from .models import IssuedCertificate

# A standalone engine: template authors get variables and filters, but no {% load %} of our tags
# and no file-system templates; autoescape is on, so a student's name cannot inject markup.
_ENGINE = Engine(autoescape=True, libraries={}, builtins=["django.template.defaultfilters"])

FALLBACK_HTML = """
<div class="frame">
  <p class="kicker">Certificate of completion</p>
  <p class="lead">This certifies that</p>
  <h1>{{ student_name }}</h1>
  <p class="lead">has successfully completed the course</p>
  <h2>{{ course_title }}</h2>
  <p class="meta">Completed on {{ completed_on }} · Grade {{ grade }}</p>
  <div class="sign">
    <div><span class="line"></span>{{ instructor_name }}<br><small>Instructor</small></div>
    <div class="verify">Verify at {{ verification_url }}<br>Code <strong>{{ verification_code }}</strong></div>
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
"""


def certificate_template_for(certificate: IssuedCertificate) -> CertificateTemplate | None:
    if certificate.template_id:
        return certificate.template
    if certificate.course.certificate_template_id:
        return certificate.course.certificate_template
    return CertificateTemplate.objects.filter(is_default=True).order_by("created_at").first()


def certificate_context(certificate: IssuedCertificate, verification_url: str) -> dict:
    enrollment = certificate.enrollment
    instructor = certificate.course.instructor
    return {
        "student_name": certificate.holder_name,
        "course_title": certificate.course_title,
        "instructor_name": instructor.get_full_name() if instructor else "",
        "completed_on": formats.date_format(certificate.issued_at, "DATE_FORMAT"),
        "verification_code": certificate.code,
        "verification_url": verification_url,
        "grade": f"{enrollment.grade:.0f}%" if enrollment.grade is not None else "Pass",
    }


def certificate_html(certificate: IssuedCertificate, verification_url: str) -> str:
    template = certificate_template_for(certificate)
    body = template.html if template else FALLBACK_HTML
    css = template.css if template and template.css else ("" if template else FALLBACK_CSS)
    orientation = template.orientation if template else "landscape"
    context = certificate_context(certificate, verification_url)
    if template:
        context.update(
            signature_name=template.signature_name,
            signature_title=template.signature_title,
            signature_image=template.signature_image.url if template.signature_image else "",
            background_image=template.background_image.url if template.background_image else "",
        )
    rendered = _ENGINE.from_string(body).render(Context(context, autoescape=True))
    page = f"@page {{ size: A4 {orientation}; margin: 12mm; }}"
    head = f"<meta charset='utf-8'><style>{page}\n{css}</style>"
    return f"<!doctype html><html><head>{head}</head><body>{rendered}</body></html>"


def certificate_render_pdf(certificate: IssuedCertificate, verification_url: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 — heavy (Pango via cffi): loaded only by the tasks that render PDFs

    html = certificate_html(certificate, verification_url)
    return HTML(string=html, base_url=str(settings.MEDIA_ROOT)).write_pdf()
