"""Receipt PDFs (courseworx.core.pdf.render_pdf).  Called only from tasks.receipt_issue_task, never in a request."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from courseworx.core.pdf import render_pdf


def receipt_html(payment) -> str:
    return render_to_string(
        "billing/receipt_pdf.html", {"payment": payment, "site_name": "CourseWorx", "site_url": settings.SITE_URL}
    )


def receipt_render_pdf(payment) -> bytes:
    return render_pdf(receipt_html(payment))
