"""Certificates: the row of a completed enrolment's certificate (the task renders its PDF) and revoking
one (audited)."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.enqueue import enqueue_on_commit
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.services_webhooks import webhook_event_emit
from learning import permissions
from learning.models import Enrollment, IssuedCertificate

CERTIFICATE_CODE_BYTES = 8  # secrets.token_urlsafe(8) -> 11 characters, 64 bits of randomness


def _create_with_code(**fields) -> IssuedCertificate:
    """Create a certificate with a fresh random verification code; a code collision (2^-64) is retried with
    a new code.  Any other IntegrityError (e.g. the enrolment already has its certificate) is raised."""
    for _attempt in range(5):
        code = secrets.token_urlsafe(CERTIFICATE_CODE_BYTES)
        try:
            with transaction.atomic():
                return IssuedCertificate.objects.create(code=code, **fields)
        except IntegrityError:
            if not IssuedCertificate.objects.filter(code=code).exists():
                raise
    raise RuntimeError("Could not generate a unique verification code.")


def certificate_issue(*, enrollment_id) -> IssuedCertificate | None:
    """Create the certificate row of a completed enrolment (idempotent: one per enrolment)."""
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("user", "course", "course__certificate_template")
            .filter(pk=enrollment_id)
            .first()
        )
        if enrollment is None or enrollment.status != Enrollment.Status.COMPLETED:
            return None
        existing = IssuedCertificate.objects.filter(enrollment=enrollment).first()
        if existing is not None:
            return existing
        course = enrollment.course
        try:
            certificate = _create_with_code(
                enrollment=enrollment,
                user=enrollment.user,
                course=course,
                template=course.certificate_template,
                holder_name=enrollment.user.get_full_name()[:120],
                course_title=course.title[:200],
                issued_at=enrollment.completed_at or timezone.now(),
            )
        except IntegrityError:  # another run issued it first (one certificate per enrolment)
            return IssuedCertificate.objects.get(enrollment=enrollment)
        webhook_event_emit(
            "certificate.issued",
            {
                "certificate_id": certificate.pk,
                "code": certificate.code,
                "enrollment_id": enrollment.pk,
                "user_id": enrollment.user_id,
                "course_id": course.pk,
                "issued_at": certificate.issued_at,
            },
            course=course,
        )
        notification_create(
            user=enrollment.user,
            category=Notification.Category.CERTIFICATE,
            title=f"Your certificate for {course.title} is ready",
            body="Congratulations on completing the course!",
            url=reverse("learning:certificate_detail", kwargs={"certificate_id": certificate.pk}),
        )
        return certificate


def certificate_award(
    *, user: User, kind: str, title: str, issued_at=None, template=None, url: str = ""
) -> IssuedCertificate:
    """Create the certificate of a completed career path or a passed certification exam (`kind` "path"
    or "exam"; course certificates come from `certificate_issue`) and render its PDF after commit.

    The caller keeps the link from its own row (e.g. `UserCareerPath.certificate`) under the lock it
    already holds, which is what makes an award happen once.  `template` is a CertificateTemplate
    (None: the default one, or the built-in layout)."""
    if kind not in (IssuedCertificate.Kind.PATH, IssuedCertificate.Kind.EXAM):
        raise ValueError(f"certificate_award is for path and exam certificates, not {kind!r}")
    with transaction.atomic():
        certificate = _create_with_code(
            kind=kind,
            user=user,
            template=template,
            holder_name=user.get_full_name()[:120] or user.get_username()[:120],
            course_title=title[:200],
            issued_at=issued_at or timezone.now(),
        )
        webhook_event_emit(
            "certificate.issued",
            {
                "certificate_id": certificate.pk,
                "code": certificate.code,
                "kind": kind,
                "enrollment_id": None,
                "user_id": user.pk,
                "course_id": None,
                "issued_at": certificate.issued_at,
            },
        )
        notification_create(
            user=user,
            category=Notification.Category.CERTIFICATE,
            title=f"Your certificate for {title} is ready",
            body="Congratulations!",
            url=url or reverse("learning:certificate_detail", kwargs={"certificate_id": certificate.pk}),
        )
        enqueue_on_commit("learning.certificate_render", str(certificate.pk))
        return certificate


@transaction.atomic
def certificate_revoke(*, certificate: IssuedCertificate, actor: User, reason: str) -> IssuedCertificate:
    if not permissions.can_revoke_certificate(actor):
        raise PermissionDenied(_("You may not revoke certificates."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for revoking the certificate."})
    certificate = IssuedCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == IssuedCertificate.Status.REVOKED:
        raise ConflictError(_("This certificate is already revoked."), code="already_revoked")
    certificate.status = IssuedCertificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = actor
    certificate.full_clean(validate_unique=False)
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by", "updated_at"])
    audit_log_create(actor=actor, action="learning.certificate_revoked", target=certificate, reason=reason)
    notification_create(
        user=certificate.user,
        category=Notification.Category.CERTIFICATE,
        title=f"Your certificate for {certificate.course_title} was revoked",
        body=reason,
    )
    return certificate
