"""Uploads kept across validation errors: tokens are per user, signed, expiring; leftovers are purged."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courseworx.core import pending_uploads as pu
from courseworx.core.storage import private_storage
from courseworx.core.tasks import pending_uploads_purge
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def test_a_kept_upload_comes_back_for_its_user_only():
    owner, other = InstructorFactory(), InstructorFactory()
    token = pu.pending_upload_store(upload=SimpleUploadedFile("Report 2026.pdf", b"%PDF-1.4 data"), user=owner)
    upload = pu.pending_upload_open(token=token, user=owner)
    assert upload.name == "Report 2026.pdf" and upload.size == len(b"%PDF-1.4 data")
    assert upload.read() == b"%PDF-1.4 data"
    upload.close()
    assert pu.pending_upload_open(token=token, user=other) is None
    assert pu.pending_upload_open(token=token + "x", user=owner) is None
    stored = private_storage().listdir(pu.PENDING_PREFIX)[1]
    assert len(stored) == 1 and stored[0].endswith(".pdf") and "Report" not in stored[0]  # a random name


def test_an_expired_token_is_refused(monkeypatch):
    owner = InstructorFactory()
    token = pu.pending_upload_store(upload=SimpleUploadedFile("a.pdf", b"%PDF"), user=owner)
    monkeypatch.setattr(pu, "PENDING_UPLOAD_MAX_AGE", -1)
    assert pu.pending_upload_open(token=token, user=owner) is None


def test_purge_deletes_only_old_files():
    owner = InstructorFactory()
    pu.pending_upload_store(upload=SimpleUploadedFile("a.pdf", b"%PDF"), user=owner)
    assert pending_uploads_purge() == 0  # fresh: kept
    assert pu.pending_uploads_purge(older_than=timedelta(seconds=-1)) == 1
    assert private_storage().listdir(pu.PENDING_PREFIX) == ([], [])


def test_purge_with_nothing_kept():
    assert pu.pending_uploads_purge() == 0
