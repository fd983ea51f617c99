import pytest


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """Certificates are rendered by their task after commit; these tests are about which rows exist, so the
    (slow) WeasyPrint rendering is replaced by a stub (tests/learning/test_certificates.py covers it)."""
    monkeypatch.setattr("learning.tasks.certificate_render_pdf", lambda certificate, url: b"%PDF-1.4 stub")
