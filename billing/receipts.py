"""Receipt PDFs (WeasyPrint).  Called only from tasks.receipt_issue_task, never in a request."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string


def receipt_html(payment) -> str:
    return render_to_string(
        "billing/receipt_pdf.html", {"payment": payment, "site_name": "CourseWorx", "site_url": settings.SITE_URL}
    )


def receipt_render_pdf(payment) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 — heavy (Pango via cffi): loaded only by the tasks that render PDFs

    return HTML(string=receipt_html(payment), base_url=str(settings.MEDIA_ROOT)).write_pdf()
