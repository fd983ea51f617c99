"""Learning's part of the resume (accounts.resume_sections): the person's valid certificates, each with
its verification link.  Registered in LearningConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.resume_sections import ResumeItem, ResumeSection, register_section

from .models import IssuedCertificate
from .selectors import certificate_verification_url


def certificates_section(user) -> ResumeSection | None:
    certificates = IssuedCertificate.objects.filter(user=user, status=IssuedCertificate.Status.VALID).only(
        "code", "course_title", "issued_at", "kind"
    )
    items = [
        ResumeItem(
            title=c.course_title,
            subtitle=str(c.get_kind_display()),
            date=c.issued_at.date(),
            url=certificate_verification_url(c),
        )
        for c in certificates.order_by("-issued_at")[:50]
    ]
    return ResumeSection(key="certificates", title=_("Certificates"), items=items)


def register() -> None:
    register_section(certificates_section)
