"""The one PDF renderer (courseworx.core.pdf): what its URL fetcher serves and refuses, no attachments."""

import base64
import re
import socket
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from PIL import Image

from courseworx.core import pdf
from tests.pdf_utils import pdf_all_bytes, pdf_embedded_files, pdf_image_count, pdf_text, watch_file_opens

REPO = Path(settings.BASE_DIR)


def _png(color="#3b3fb6", size=(40, 30)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def _doc(body: str, css: str = "") -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'><style>{css}</style></head><body>{body}</body></html>"


def test_weasyprint_is_imported_only_by_the_renderer():
    """Every PDF goes through courseworx/core/pdf.py: nothing else may import WeasyPrint."""
    pattern = re.compile(
        r"^\s*(from\s+weasyprint[\s.]|import\s+weasyprint\b)|(__import__|import_module)\(\s*[\"']weasyprint",
        re.MULTILINE,
    )
    offenders = []
    for path in REPO.rglob("*.py"):
        relative = path.relative_to(REPO)
        if relative.parts[0] in (".venv", "node_modules", "staticfiles", "media") or relative.parts[0].startswith("."):
            continue
        if relative.as_posix() == "courseworx/core/pdf.py":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if pattern.search(text):
            offenders.append(relative.as_posix())
    assert offenders == []
    assert pattern.search((REPO / "courseworx/core/pdf.py").read_text())


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "FILE:///proc/self/environ",
        "http://127.0.0.1:1/x.png",
        "https://example.com/x.png",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1/x",
        "data:text/plain;base64,cm9vdDp4OjA6MA==",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/png,notbase64",
        f"{settings.SITE_URL}/static/img/favicon.svg",
        "https://courseworx.pdf.invalid/etc/passwd",
        "https://courseworx.pdf.invalid/media/certificates/x.png",
        "https://courseworx.pdf.invalid/static/../courseworx/settings.py",
        "https://courseworx.pdf.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://courseworx.pdf.invalid/static/..%2f..%2fcourseworx%2fsettings.py",
        "https://courseworx.pdf.invalid/static/img/..%5c..%5csettings.py",
        "https://courseworx.pdf.invalid/static//etc/passwd.png",
        "https://courseworx.pdf.invalid/static/%2Fetc%2Fpasswd.png",
        "https://courseworx.pdf.invalid/static/img/favicon.svg%00.png",
        "https://courseworx.pdf.invalid/static/js/courseworx.js",  # a static file, but not an image/font/css
        "https://courseworx.pdf.invalid/static/img/missing.png",
        "https://courseworx.pdf.invalid/_files/background_image",  # not allowed for this document
        "https://courseworx.pdf.invalid:8443/static/img/favicon.svg",
        "https://user@courseworx.pdf.invalid/static/img/favicon.svg",
    ],
)
def test_the_fetcher_refuses_everything_but_our_files(url, monkeypatch):
    attempts = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a))
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a))
    fetcher = pdf.safe_url_fetcher()
    secrets = ["/etc/passwd", "/proc/self/environ", REPO / "courseworx/settings.py"]
    with watch_file_opens(secrets) as opened, pytest.raises(pdf.ResourceRefused):
        fetcher.fetch(url)
    assert fetcher.policy.refused == [url] and fetcher.policy.served == []
    assert attempts == [] and opened == []


def test_the_fetcher_serves_static_files_allowed_files_and_small_data_images(settings, tmp_path):
    png = _png()
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("background.png", ContentFile(png))
    fetcher = pdf.safe_url_fetcher({"background_image": storage.open(name)})

    svg = fetcher.fetch("https://courseworx.pdf.invalid/static/img/favicon.svg")
    assert svg.content_type == "image/svg+xml" and svg.read().startswith(b"<svg")
    own = fetcher.fetch(pdf.pdf_file_url("background_image"))
    assert own.content_type == "image/png" and own.read() == png
    data = fetcher.fetch("data:image/png;base64," + base64.b64encode(png).decode())
    assert data.content_type == "image/png" and data.read() == png

    with pytest.raises(pdf.ResourceRefused):  # too large for a data: URL
        fetcher.fetch("data:image/png;base64," + base64.b64encode(b"x" * (pdf.MAX_DATA_URL_BYTES + 10)).decode())


def test_collected_static_files_are_served_from_the_static_root(settings, tmp_path):
    """Production: hashed names written by collectstatic, read through staticfiles_storage."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.0123abcd.png").write_bytes(_png())
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    fetcher = pdf.safe_url_fetcher()
    assert fetcher.fetch("https://courseworx.pdf.invalid/static/img/logo.0123abcd.png").read() == _png()
    with pytest.raises(pdf.ResourceRefused):
        fetcher.fetch("https://courseworx.pdf.invalid/static/img/..%2F..%2Fetc%2Fpasswd.png")


def test_an_absolute_static_url_is_served_from_our_files_not_fetched(settings, monkeypatch):
    settings.STATIC_URL = "https://cdn.courseworx.example/static/"
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: pytest.fail("network"))
    fetcher = pdf.safe_url_fetcher()
    assert fetcher.fetch("https://cdn.courseworx.example/static/img/favicon.svg").read().startswith(b"<svg")
    with pytest.raises(pdf.ResourceRefused):
        fetcher.fetch("https://cdn.courseworx.example/other/x.png")


def test_render_pdf_embeds_no_files_even_allowed_ones(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("bg.png", ContentFile(_png()))
    html = _doc(
        '<link rel="attachment" href="/static/img/favicon.svg">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<a rel="attachment" href="/static/img/favicon.svg">logo</a> '
        f'<a rel="attachment" href="{pdf.pdf_file_url("bg")}">bg</a> '
        '<a rel="attachment" href="data:image/png;base64,' + base64.b64encode(_png()).decode() + '">d</a>'
        "<p>Receipt</p>"
    )
    out = pdf.render_pdf(html, allowed_files={"bg": storage.open(name)})
    assert pdf_embedded_files(out) == []
    assert b"root:x:0:0" not in pdf_all_bytes(out)
    assert "Receipt" in pdf_text(out)


def test_render_pdf_shows_allowed_images_and_leaves_out_refused_ones(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("bg.png", ContentFile(_png("#f5a524")))
    html = _doc(
        f'<img src="{pdf.pdf_file_url("bg")}"><img src="/static/img/favicon.svg" style="width:10mm">'
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:1/x.png"><p>Hello</p>',
        ".x { background: url(file:///etc/passwd) }",
    )
    out = pdf.render_pdf(html, allowed_files={"bg": storage.open(name)})
    assert pdf_image_count(out) == 1  # the PNG; the SVG logo is drawn as vector graphics
    assert "Hello" in pdf_text(out)


def test_a_base_element_cannot_point_relative_urls_elsewhere(monkeypatch):
    asked, refused = [], []
    original = pdf._Fetcher.resolve

    def spy(self, url):
        asked.append(url)
        try:
            return original(self, url)
        except pdf.ResourceRefused:
            refused.append(url)
            raise

    monkeypatch.setattr(pdf._Fetcher, "resolve", spy)
    out = pdf.render_pdf(_doc('<base href="file:///etc/"><img src="passwd"><p>x</p>'))
    # The relative URL did resolve against <base> ... and the fetcher refused it.
    assert asked == ["file:///etc/passwd"] and refused == asked
    assert b"root:x:0:0" not in pdf_all_bytes(out)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/static/img/favicon.svg", True),
        ("/static/vendor/bootstrap/css/bootstrap.min.css", True),
        ("/static/js/courseworx.js", False),
        ("/static/../x.png", False),
        ("/static/%2e%2e/x.png", False),
        ("static/img/favicon.svg", False),
        ("/media/x.png", False),
        ("https://courseworx.pdf.invalid/_files/background_image", True),
        ("https://courseworx.pdf.invalid/_files/other", False),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ("data:image/svg+xml;base64,PHN2Zy8+", False),
        ("file:///etc/passwd", False),
        ("http://127.0.0.1/static/img/favicon.svg", False),
    ],
)
def test_is_allowed_url_matches_the_fetcher(url, allowed):
    assert pdf.is_allowed_url(url, file_names=["background_image"]) is allowed
