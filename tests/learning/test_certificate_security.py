"""Issue 12, defect 2: a certificate template must not read server files, fetch URLs or embed files.

The templates below are written to the database with `QuerySet.update()`, i.e. without the model's
validation, as rows stored before the fix would be: the renderer itself (sanitising at render time and
the URL fetcher) must hold even then.  tests/courses/test_certificate_templates.py covers the checks
on save, tests/core/test_pdf.py the renderer and its URL fetcher.
"""

import os
import socket
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from courses.demo import CERTIFICATE_CSS, CERTIFICATE_HTML
from courses.models import CertificateTemplate, Course
from courseworx.core.pdf_templates import template_problems
from learning.certificates import certificate_html, certificate_render_pdf
from learning.models import IssuedCertificate
from tests.pdf_utils import pdf_all_bytes, pdf_embedded_files, pdf_image_count, pdf_text, watch_file_opens

pytestmark = pytest.mark.django_db

SETTINGS_FILE = os.path.join(settings.BASE_DIR, "courseworx", "settings.py")
# A line of the settings module that appears nowhere else (the PDF must not contain it).
SETTINGS_NEEDLE = b"PRIVATE_MEDIA_ROOT = Path(env.str("
PASSWD_NEEDLE = b"root:x:0:0"


def _environ_needle() -> bytes:
    """A secret from /proc/self/environ (the test settings put SECRET_KEY in the environment)."""
    return os.environ["SECRET_KEY"].encode()


@pytest.fixture
def certificate(enrollment, student, course):
    return IssuedCertificate.objects.create(
        enrollment=enrollment,
        user=student,
        course=course,
        code="TESTCODE123",
        holder_name="Stella Student",
        course_title=course.title,
        issued_at=timezone.now(),
    )


def _use_template(course, *, html, css="", **fields) -> CertificateTemplate:
    """A template stored as-is (bypassing validation on save), then used by the course."""
    template = CertificateTemplate.objects.create(name="Probe", html="<p>placeholder</p>")
    CertificateTemplate.objects.filter(pk=template.pk).update(html=html, css=css, **fields)
    Course.objects.filter(pk=course.pk).update(certificate_template=template)
    template.refresh_from_db()
    return template


def _render(certificate) -> bytes:
    certificate.refresh_from_db()
    return certificate_render_pdf(certificate, "https://courseworx.example/certificates/verify/TESTCODE123/")


def _assert_nothing_leaked(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    assert pdf_embedded_files(pdf) == []
    everything = pdf_all_bytes(pdf)
    for needle in (PASSWD_NEEDLE, SETTINGS_NEEDLE, _environ_needle()):
        assert needle not in everything


FILE_PROBES = {
    "img-file": ('<img src="file:///etc/passwd">', ""),
    "link-attachment": ('<link rel="attachment" href="file:///etc/passwd">', ""),
    "a-attachment": ('<a rel="attachment" href="file:///etc/passwd">passwd</a>', ""),
    "a-attachment-settings": (f'<a rel="attachment" href="file://{SETTINGS_FILE}">settings</a>', ""),
    "link-attachment-environ": ('<link rel="attachment" href="file:///proc/self/environ">', ""),
    "a-attachment-relative": ('<a rel="attachment" href="../../../../../../../../etc/passwd">x</a>', ""),
    "a-attachment-static-traversal": ('<a rel="attachment" href="/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd">x</a>', ""),
    "img-static-traversal": ('<img src="/static/..%2f..%2f..%2f..%2fetc/passwd">', ""),
    "object": ('<object data="file:///etc/passwd" type="text/plain"></object>', ""),
    "embed": ('<embed src="file:///proc/self/environ">', ""),
    "iframe": ('<iframe src="file:///etc/passwd"></iframe>', ""),
    "base-href": ('<base href="file:///etc/"><a rel="attachment" href="passwd">x</a>', ""),
    "css-import": ("<p>hi</p>", "@import url(file:///etc/passwd);"),
    "css-import-settings": ("<p>hi</p>", f'@import "file://{SETTINGS_FILE}";'),
    "css-content": ("<p class=x>hi</p>", '.x::after { content: url("file:///etc/passwd"); }'),
    "css-font-face": ("<p>hi</p>", '@font-face { font-family: x; src: url("file:///proc/self/environ"); }'),
    "style-attr": ('<p style="background: url(file:///etc/passwd)">hi</p>', ""),
    "svg-image": ('<svg><image href="file:///etc/passwd" width="10" height="10"/></svg>', ""),
    "autoescape-off": ("{% autoescape off %}{{ student_name }}{% endautoescape %}", ""),
    "safe-filter": ("{{ student_name|safe }}", ""),
}


@pytest.mark.parametrize("probe", FILE_PROBES, ids=list(FILE_PROBES))
def test_template_cannot_read_server_files(probe, certificate, course, student):
    html, css = FILE_PROBES[probe]
    # The student's own name is untrusted too (for the autoescape/safe probes).
    certificate.holder_name = '<link rel="attachment" href="file:///etc/passwd">Stella'
    certificate.save(update_fields=["holder_name"])
    _use_template(course, html=html, css=css)
    with watch_file_opens(["/etc/passwd", "/proc/self/environ", SETTINGS_FILE]) as opened:
        pdf = _render(certificate)
    assert opened == []  # not even read and then left out
    _assert_nothing_leaked(pdf)


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to resolve or connect is recorded and fails."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", lambda self, *a: refuse(*a))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, *a: refuse(*a))
    return attempts


NETWORK_PROBES = {
    "css-background": ("<div class=b>x</div>", ".b { background: url(http://127.0.0.1:1/x); }"),
    "img-metadata": ('<img src="http://169.254.169.254/latest/meta-data/">', ""),
    "link-stylesheet": ('<link rel="stylesheet" href="http://127.0.0.1:1/x.css">', ""),
    "css-import-https": ("<p>x</p>", '@import url("https://127.0.0.1:1/x.css");'),
    "link-attachment-ftp": ('<link rel="attachment" href="ftp://127.0.0.1:1/x">', ""),
    "a-attachment-http": ('<a rel="attachment" href="http://127.0.0.1:1/x">x</a>', ""),
    "protocol-relative": ('<img src="//127.0.0.1:1/x.png">', ""),
    "site-origin": (f'<img src="{settings.SITE_URL}/static/img/favicon.svg">', ""),
}


@pytest.mark.parametrize("probe", NETWORK_PROBES, ids=list(NETWORK_PROBES))
def test_template_cannot_make_the_server_fetch_urls(probe, certificate, course, no_network):
    html, css = NETWORK_PROBES[probe]
    _use_template(course, html=html, css=css)
    pdf = _render(certificate)
    assert no_network == []
    assert pdf_embedded_files(pdf) == []


TEMPLATE_LANGUAGE_PROBES = [
    "{{ student.user.password }}",
    "{{ certificate.enrollment.user.auth_token }}",
    "{{ certificate.user.email }}",
    "{{ enrollment.user.password }}",
    "{{ course.instructor.password }}",
    "{{ settings.SECRET_KEY }}",
    "{{ student_name.__class__ }}",
    "{% debug %}",
    '{% include "/etc/passwd" %}',
    "{% load static %}{% get_static_prefix %}",
    "{% load log %}{% get_admin_log 10 as log %}{{ log }}",
    '{% url "admin:index" %}',
    "{% csrf_token %}",
    "{% now 'Y' %}",
    "{% lorem 2 w %}",
    "{% autoescape off %}{{ student_name }}{% endautoescape %}",
    "{{ student_name|safe }}",
]


@pytest.mark.parametrize("expression", TEMPLATE_LANGUAGE_PROBES)
def test_the_template_language_reaches_only_the_given_strings(expression, certificate, course, student):
    """Whatever an author writes, the context holds plain strings and the engine has no dangerous tags."""
    student.set_password("Secret-Password-1")
    student.save()
    certificate.holder_name = "<b>Stella</b>"
    certificate.save(update_fields=["holder_name"])
    _use_template(course, html=f"<p>[{expression}]</p><p>Awarded to {{{{ student_name }}}}</p>")
    certificate.refresh_from_db()
    html = certificate_html(certificate, "https://courseworx.example/v/")
    if "Awarded to" in html:
        # The template compiled: the expression produced nothing.
        assert "<p>[]</p>" in html and "Awarded to &lt;b&gt;Stella&lt;/b&gt;" in html
    else:
        # It did not compile (a tag or filter that does not exist here): the built-in layout, and the
        # editor would have been told on save.
        assert "Certificate of completion" in html
        assert template_problems(f"[{expression}]", CertificateTemplate.PLACEHOLDERS)
    for secret in (student.password, student.email, settings.SECRET_KEY, "/admin/", "lorem", "<b>"):
        assert secret not in html


def _png(color) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (60, 40), color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def static_logo(tmp_path, settings):
    """A PNG found through the staticfiles finders at /static/brand/logo.png."""
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(_png("#3b3fb6"))
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path]
    return "/static/brand/logo.png"


def test_a_legitimate_template_renders_our_static_logo_and_its_own_images(certificate, course, static_logo):
    template = _use_template(
        course,
        html=(
            f'<img class="logo" src="{static_logo}" alt="CourseWorx">'
            '<img class="bg" src="{{ background_image }}" alt="">'
            "<h1>{{ student_name }}</h1><p>{{ course_title }}</p>"
            '<img class="sig" src="{{ signature_image }}" alt="">'
        ),
        css='.sig { width: 30mm; } body { background: url("{{ background_image }}") no-repeat; }',
    )
    template.background_image.save("bg.png", ContentFile(_png("#f5a524")), save=False)
    template.signature_image.save("sig.png", ContentFile(_png("#222222")), save=False)
    template.save(update_fields=["background_image", "signature_image"])

    pdf = _render(certificate)
    assert "Stella Student" in pdf_text(pdf)
    # The logo, the background (an <img> and a CSS background of the same file) and the signature.
    assert pdf_image_count(pdf) >= 3
    assert pdf_embedded_files(pdf) == []


def test_the_default_demo_template_still_renders(certificate, course):
    _use_template(course, html=CERTIFICATE_HTML, css=CERTIFICATE_CSS)
    text = pdf_text(_render(certificate))
    assert "Stella Student" in text and "Python Basics" in text and "TESTCODE123" in text
