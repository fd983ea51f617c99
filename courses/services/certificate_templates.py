"""Certificate templates: create/update under the lock rules, and editable copies.

Who may change a template is `permissions.certificate_template_lock_reason` (see the README,
"Certificate templates").
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.services import audit_log_create

from .. import permissions
from ..models import CertificateTemplate, Course
from ..selectors import snapshot_value

# What a change to a template in use is audited with (the layout, not the images' bytes).
_TEMPLATE_AUDITED_FIELDS = ("name", "html", "css", "orientation", "background_image", "signature_image",
                            "signature_name", "signature_title", "is_default")  # fmt: skip


def certificate_template_save(*, template: CertificateTemplate, user: User) -> CertificateTemplate:
    """Create or update a certificate template whose new values are already set on `template` (a ModelForm's
    instance, or an object the caller filled in).

    Who may is `permissions.certificate_template_lock_reason`, checked on the *stored* row under a lock on it
    and on the courses that use it (course_submit locks the course row too, so an edit and a submission never
    interleave).  Non-superusers never set `owner` or `is_default`: a new template belongs to its creator.
    The HTML/CSS are validated by the model (ValidationError with field messages).  A superuser's change to a
    template used by a course in review, published or archived is audited (`courses.certificate_template_change`).
    """
    return _certificate_template_save(template, user)


def _certificate_template_save(
    template: CertificateTemplate, user: User, *, files_checked: bool = False
) -> CertificateTemplate:
    image_fields = CertificateTemplate.IMAGE_PLACEHOLDERS
    with transaction.atomic():
        changes: dict[str, list] = {}
        # Images are checked when uploaded; an unchanged (or copied) one is not read from storage again.
        unchanged_files = list(image_fields) if files_checked else []
        if template._state.adding:
            if not permissions.can_create_certificate_template(user):
                raise PermissionDenied(_("You may not create certificate templates."))
            if not user.is_superuser:
                template.is_default = False
            if not user.is_superuser or template.owner_id is None:
                template.owner = user
            was_locked = False
        else:
            list(Course.objects.select_for_update().filter(certificate_template_id=template.pk).values_list("pk"))
            stored = CertificateTemplate.objects.select_for_update().get(pk=template.pk)
            reason = permissions.certificate_template_lock_reason(user, stored)
            if reason:
                raise PermissionDenied(reason)
            if not user.is_superuser:
                template.owner_id, template.is_default = stored.owner_id, stored.is_default
            was_locked = stored.is_locked()
            unchanged_files = [f for f in image_fields if getattr(stored, f).name == getattr(template, f).name]
            for field in _TEMPLATE_AUDITED_FIELDS:
                old, new = snapshot_value(getattr(stored, field)), snapshot_value(getattr(template, field))
                if old != new:
                    changes[field] = [old, new]
        template.full_clean(exclude=unchanged_files or None)
        template.save()
        if was_locked and changes:
            audit_log_create(actor=user, action="courses.certificate_template_change", target=template, changes=changes)
    return template


def certificate_template_copy(*, template: CertificateTemplate, user: User) -> CertificateTemplate:
    """An editable copy of a template the user may see (e.g. one locked by a published course), owned by them."""
    if not permissions.can_view_certificate_template(user, template):
        raise PermissionDenied(_("You may not copy this certificate template."))
    copy = CertificateTemplate(
        name=f"Copy of {template.name}"[:200],
        html=template.html,
        css=template.css,
        orientation=template.orientation,
        background_image=template.background_image.name,
        signature_image=template.signature_image.name,
        signature_name=template.signature_name,
        signature_title=template.signature_title,
        owner=user,
    )
    return _certificate_template_save(copy, user, files_checked=True)
