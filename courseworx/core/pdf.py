"""The one PDF renderer: every PDF the product makes (certificates, receipts, report exports) is made here.

`render_pdf(html, *, allowed_files=None) -> bytes` renders an HTML document with WeasyPrint, which is
imported nowhere else (tests/core/test_pdf.py checks the code base).  The HTML may come partly from
untrusted people (an instructor's certificate template, a student's name, a course title), so
WeasyPrint never reaches the file system or the network on its own:

- **URL fetcher** (`safe_url_fetcher`): every resource WeasyPrint wants (images, stylesheets, `@import`,
  fonts, SVG `<image>`/`<use>`, `<object>`/`<embed>`, attachments) goes through it, and it serves only
    * our static files: a URL path under `STATIC_URL` (relative, against the internal base URL below, or
      under an absolute `STATIC_URL`), resolved by `staticfiles_storage` (collected files, hashed names
      included) or else the staticfiles finders, never as a file-system path; `..`, `.`, empty, encoded
      or back-slashed segments are refused; only images, fonts and stylesheets (`STATIC_TYPES`);
    * the files the caller names in `allowed_files` (e.g. a certificate template's background and
      signature images), at `pdf_file_url(name)`, read through their storage;
    * `data:` URLs of raster images (PNG, JPEG, GIF, WebP) of at most `MAX_DATA_URL_BYTES` — harmless
      (the bytes are the author's own) and handy for inline pictures or QR codes;
  and refuses everything else: `file:`, `http(s):` (even to our own site), `ftp:`, any other scheme,
  any other path.  A refusal is logged (logger `courseworx.pdf`) and WeasyPrint leaves the resource
  out; nothing is ever fetched over the network.
- **Base URL**: relative URLs resolve against `PDF_BASE_URL`, an internal origin under the reserved
  `.invalid` domain that the fetcher recognises and that never resolves (so `/static/x.png` works, and
  a `<base href>` pointing elsewhere only produces URLs that are refused).
- **No attachments**: WeasyPrint embeds files for `<link rel=attachment>`, `<a rel=attachment>` and the
  `attachments` option.  The renderer drops them from the laid-out document before writing the PDF
  (and never passes the option), so even an allowed static file is never embedded.  No PDF forms, no
  custom metadata, no XMP files.

Rendering is slow: call this from Celery tasks, never in a request, except for documents bounded
small by a setting (a report of at most `REPORTS_SYNC_PDF_MAX_ROWS` rows, reports.exports.pdf_response).
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import posixpath
from collections.abc import Mapping
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

logger = logging.getLogger("courseworx.pdf")

#: Relative URLs resolve against this origin; the reserved .invalid domain never resolves.
PDF_BASE_URL = "https://courseworx.pdf.invalid/"
_FILES_PATH = "/_files/"

#: What a static file may be, by extension (anything else under STATIC_URL is refused).
STATIC_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".css": "text/css",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
ALLOWED_FILE_TYPES = {ext: kind for ext, kind in STATIC_TYPES.items() if kind.startswith("image/")}
DATA_URL_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_DATA_URL_BYTES = 256 * 1024
MAX_RESOURCE_BYTES = 8 * 1024 * 1024


class ResourceRefused(ValueError):
    """A URL the PDF renderer does not serve (WeasyPrint logs it and leaves the resource out)."""


def pdf_file_url(name: str) -> str:
    """The URL under which `render_pdf(..., allowed_files={name: file})` serves that file."""
    return f"{PDF_BASE_URL.rstrip('/')}{_FILES_PATH}{name}"


def _clean_path(path: str) -> str | None:
    """A relative, normalised path from a URL path, or None when it could leave its root."""
    path = unquote(path)
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return "/".join(parts)


def static_path(url: str) -> str | None:
    """The static file a URL addresses ("img/logo.png"), or None when it is not one of our static URLs.

    Accepts the path relative to the PDF origin (`/static/img/logo.png`, also as an absolute URL on
    `PDF_BASE_URL`) and, when STATIC_URL is absolute (a CDN), URLs under it.
    """
    static_url = settings.STATIC_URL
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        url = url.split("?", 1)[0].split("#", 1)[0]
        parts = urlsplit(url)
    if static_url.startswith(("http://", "https://")) and url.startswith(static_url):
        rest = url[len(static_url) :]
    else:
        origin = urlsplit(PDF_BASE_URL)
        if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            return None
        static_prefix = urlsplit(static_url).path
        if not parts.path.startswith(static_prefix):
            return None
        rest = parts.path[len(static_prefix) :]
    path = _clean_path(rest)
    if path is None or posixpath.splitext(path)[1].lower() not in STATIC_TYPES:
        return None
    return path


def allowed_file_name(url: str) -> str | None:
    """The name in `allowed_files` a URL addresses (see pdf_file_url), or None."""
    prefix = pdf_file_url("")
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :]
    return name if name and name.replace("_", "").replace("-", "").isalnum() else None


def data_url_type(url: str) -> str | None:
    """The media type of a `data:` URL we accept (a small base64 raster image), else None."""
    if url[:5].lower() != "data:" or "," not in url:
        return None
    header, payload = url[5:].split(",", 1)
    kind, *params = header.split(";")
    if kind.strip().lower() not in DATA_URL_TYPES or [p.strip().lower() for p in params] != ["base64"]:
        return None
    if len(payload) > MAX_DATA_URL_BYTES * 4 // 3 + 4:
        return None
    return kind.strip().lower()


def is_allowed_url(url: str, *, file_names=()) -> bool:
    """Whether the renderer would serve `url` (used by sanitisers to keep or refuse a reference)."""
    url = url.strip()
    if data_url_type(url):
        return True
    name = allowed_file_name(url)
    if name is not None:
        return name in file_names
    return static_path(url) is not None


def _read_limited(file) -> bytes:
    data = file.read(MAX_RESOURCE_BYTES + 1)
    if len(data) > MAX_RESOURCE_BYTES:
        raise ResourceRefused("resource too large")
    return data


class _Fetcher:
    """The policy behind the URL fetcher (kept free of WeasyPrint so that importing it stays cheap)."""

    def __init__(self, allowed_files: Mapping[str, object] | None = None):
        self.allowed_files = dict(allowed_files or {})
        self.served: list[str] = []
        self.refused: list[str] = []

    def resolve(self, url: str) -> tuple[str, bytes, str]:
        """(final URL, body, content type) for a URL we serve; ResourceRefused for anything else."""
        try:
            result = self._resolve(url)
        except (ResourceRefused, SuspiciousFileOperation, OSError, ValueError) as exc:
            self.refused.append(url)
            logger.warning("PDF resource refused: %.200s (%s)", url, exc)
            raise ResourceRefused(f"not served: {url[:200]}") from None
        self.served.append(url)
        return result

    def _resolve(self, url: str) -> tuple[str, bytes, str]:
        if url[:5].lower() == "data:":
            kind = data_url_type(url)
            if kind is None:
                raise ResourceRefused("only small base64 PNG, JPEG, GIF or WebP data: URLs")
            try:
                body = base64.b64decode(unquote_to_bytes(url.split(",", 1)[1]), validate=True)
            except (binascii.Error, ValueError):
                raise ResourceRefused("invalid base64") from None
            return "data:", body, kind

        name = allowed_file_name(url)
        if name is not None:
            file = self.allowed_files.get(name)
            if not file:
                raise ResourceRefused("not an allowed file")
            ext = posixpath.splitext(getattr(file, "name", "") or "")[1].lower()
            if ext not in ALLOWED_FILE_TYPES:
                raise ResourceRefused("allowed files must be images")
            file.open("rb")
            try:
                file.seek(0)
                body = _read_limited(file)
            finally:
                file.close()
            return pdf_file_url(name), body, ALLOWED_FILE_TYPES[ext]

        path = static_path(url)
        if path is None:
            raise ResourceRefused("only our static files, the document's own images and data: images")
        ext = posixpath.splitext(path)[1].lower()
        return f"{PDF_BASE_URL.rstrip('/')}{settings.STATIC_URL}{path}", _read_static(path), STATIC_TYPES[ext]


def _read_static(path: str) -> bytes:
    # Collected files first (production: hashed names from the manifest storage), then the finders
    # (development, tests).  Both refuse names outside their roots (SuspiciousFileOperation).
    try:
        if staticfiles_storage.exists(path):
            with staticfiles_storage.open(path, "rb") as file:
                return _read_limited(file)
    except (SuspiciousFileOperation, ValueError, OSError):
        pass
    try:
        found = finders.find(path)
    except SuspiciousFileOperation:
        found = None
    if not found or isinstance(found, list):
        raise ResourceRefused("no such static file")
    with open(found, "rb") as file:
        return _read_limited(file)


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415 — heavy (Pango via cffi): loaded when a PDF is rendered

    class SafeURLFetcher(URLFetcher):
        """WeasyPrint's fetcher interface around `_Fetcher`: `fetch` never calls the parent, whose
        handlers (file, http, ftp, data) are also disabled by an empty list of allowed protocols."""

        def __init__(self, allowed_files=None):
            super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
            self.policy = _Fetcher(allowed_files)

        def fetch(self, url, headers=None):
            final_url, body, content_type = self.policy.resolve(url)
            return URLFetcherResponse(final_url, body, {"Content-Type": content_type})

    return SafeURLFetcher


def safe_url_fetcher(allowed_files: Mapping[str, object] | None = None):
    """A WeasyPrint URL fetcher with our policy; `.policy.served` / `.policy.refused` list the URLs."""
    return _fetcher_class()(allowed_files)


def _drop_attachments(document) -> None:
    """Forget every file WeasyPrint would embed (<link rel=attachment>, <a rel=attachment>)."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


def render_pdf(html: str, *, allowed_files: Mapping[str, object] | None = None) -> bytes:
    """The HTML document as PDF bytes (see the module docstring for what it may reference).

    `allowed_files` maps a name to a Django File/FieldFile (an image) that the HTML may reference
    as `pdf_file_url(name)`.
    """
    from weasyprint import HTML  # noqa: PLC0415 — heavy (Pango via cffi): loaded when a PDF is rendered

    fetcher = safe_url_fetcher(allowed_files)
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).render(pdf_forms=False)
    _drop_attachments(document)
    return document.write_pdf(attachments=None, pdf_forms=False, custom_metadata=False, xmp_metadata=None)
