"""Upload and URL checks for course content.  Limits live in settings (COURSE_UPLOAD_LIMITS)."""

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.validators import validate_image_file


def validate_thumbnail(file) -> None:
    validate_image_file(file, max_bytes=settings.COURSE_UPLOAD_LIMITS["image"]["max_bytes"])


def validate_content_file(file, kind: str) -> str:
    """Check an uploaded lesson file against its lesson type; return its MIME type."""
    limits = settings.COURSE_UPLOAD_LIMITS.get(kind)
    if limits is None:
        raise ValidationError(_("This type of lesson does not take a file."), code="file_not_allowed")
    ext = PurePosixPath(file.name).suffix.lower().lstrip(".")
    if ext not in limits["extensions"]:
        raise ValidationError(
            _("A %(kind)s must be one of: %(allowed)s (this file is .%(ext)s)."),
            code="invalid_file_type",
            params={"kind": kind, "allowed": ", ".join(sorted(limits["extensions"])), "ext": ext or "?"},
        )
    size = getattr(file, "size", 0) or 0
    if size > limits["max_bytes"]:
        raise ValidationError(
            _("The file is too large (%(size)s); a %(kind)s may be at most %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(size), "kind": kind, "limit": filesizeformat(limits["max_bytes"])},
        )
    if kind == "image":
        validate_image_file(file, max_bytes=limits["max_bytes"])
    else:
        _check_signature(file, ext)
    return mimetypes.guess_type(file.name)[0] or "application/octet-stream"


# Leading bytes of the binary formats we accept: a renamed executable or HTML page is refused.
_SIGNATURES = {
    "pdf": [b"%PDF"],
    "mp4": [b"ftyp"],  # at offset 4
    "m4v": [b"ftyp"],
    "webm": [b"\x1a\x45\xdf\xa3"],
    "ogg": [b"OggS"],
    "mp3": [b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"],
    "docx": [b"PK\x03\x04"],
    "pptx": [b"PK\x03\x04"],
    "xlsx": [b"PK\x03\x04"],
    "odt": [b"PK\x03\x04"],
    "zip": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0"],
    "ppt": [b"\xd0\xcf\x11\xe0"],
    "xls": [b"\xd0\xcf\x11\xe0"],
}


def _check_signature(file, ext: str) -> None:
    expected = _SIGNATURES.get(ext)
    if not expected:
        return  # plain-text formats (txt, csv, vtt, md) have no signature
    pos = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(pos)
    window = head[4:12] if ext in ("mp4", "m4v") else head
    if not any(window.startswith(sig) if ext not in ("mp4", "m4v") else sig in window for sig in expected):
        raise ValidationError(
            _("The file's content does not match its .%(ext)s extension."),
            code="invalid_file_type",
            params={"ext": ext},
        )


def validate_video_url(url: str) -> None:
    """Only embeds from allow-listed hosts (settings.VIDEO_EMBED_HOSTS), over https."""
    if not url:
        return
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    allowed = settings.VIDEO_EMBED_HOSTS
    if parsed.scheme != "https" or not any(host == h or host.endswith("." + h) for h in allowed):
        raise ValidationError(
            _("Video links must be https URLs from: %(hosts)s."),
            code="host_not_allowed",
            params={"hosts": ", ".join(allowed)},
        )
