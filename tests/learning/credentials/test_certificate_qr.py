"""The certificate PDF carries the QR code of its verification URL (built-in layout and templates)."""

import io

import segno
from PIL import Image

from courses.models import CertificateTemplate
from courseworx.core.pdf import is_allowed_url
from learning import selectors
from learning.certificates import certificate_render_pdf, verification_qr_data_url
from tests.pdf_utils import pdf_reader


def _qr_images(pdf: bytes) -> list[Image.Image]:
    return [Image.open(io.BytesIO(image.data)) for page in pdf_reader(pdf).pages for image in page.images]


def _modules(image: Image.Image, url: str) -> list[list[bool]]:
    """Read the module grid of our QR image (8 px a module, 4-module border), dark = True."""
    size = segno.make(url, error="m", micro=False).symbol_size(scale=1, border=0)[0]
    grey = image.convert("L")
    return [[grey.getpixel((8 * (4 + x) + 4, 8 * (4 + y) + 4)) < 128 for x in range(size)] for y in range(size)]


def _expected(url: str) -> list[list[bool]]:
    return [[bool(bit) for bit in row] for row in segno.make(url, error="m", micro=False).matrix]


def test_the_built_in_layout_shows_the_qr_of_the_verification_url(certificate):
    url = selectors.certificate_verification_url(certificate)
    pdf = certificate_render_pdf(certificate, url)
    images = _qr_images(pdf)
    assert len(images) == 1
    assert _modules(images[0], url) == _expected(url)
    assert _modules(images[0], url) != _expected(url + "x")


def test_an_instructors_template_may_place_the_qr(certificate, course, instructor):
    template = CertificateTemplate(
        name="With QR",
        owner=instructor,
        html='<h1>{{ student_name }}</h1><img class="qr" src="{{ verification_qr }}" alt="QR">',
        css=".qr { width: 30mm; height: 30mm; }",
    )
    assert template.content_problems() == {}
    template.save()
    course.certificate_template = template
    course.save(update_fields=["certificate_template"])
    certificate.refresh_from_db()
    url = selectors.certificate_verification_url(certificate)
    images = _qr_images(certificate_render_pdf(certificate, url))
    assert len(images) == 1 and _modules(images[0], url) == _expected(url)


def test_the_qr_is_a_small_png_data_url_the_renderer_accepts():
    data_url = verification_qr_data_url("https://courseworx.example/certificates/verify/ABC/")
    assert data_url.startswith("data:image/png;base64,") and is_allowed_url(data_url)
