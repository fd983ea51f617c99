"""Upload checks shared by every image field (avatars here, thumbnails in courses)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def validate_image_file(file, *, max_bytes: int) -> None:
    """Refuse anything that is not a real JPEG/PNG/GIF/WebP image of at most max_bytes."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("The image is too large (%(size)s); the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    try:
        pos = file.tell() if hasattr(file, "tell") else None
        with Image.open(file) as img:
            fmt = img.format
            img.verify()
        if pos is not None:
            file.seek(pos)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Upload a valid image (JPEG, PNG, GIF or WebP)."), code="invalid_image") from exc
    if fmt not in ALLOWED_IMAGE_FORMATS:
        # Not code="invalid_image": a ModelForm would replace this message with forms.ImageField's
        # generic "Upload a valid image..." message for that code.
        raise ValidationError(
            _("Images must be JPEG, PNG, GIF or WebP (this one is %(fmt)s)."),
            code="unsupported_image_format",
            params={"fmt": fmt},
        )


def validate_avatar(file) -> None:
    validate_image_file(file, max_bytes=settings.AVATAR_MAX_BYTES)
