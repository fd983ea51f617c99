"""First use under concurrency (PostgreSQL): one signing key, one status-list place per certificate."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from learning import services
from learning.models import CredentialSigningKey, CredentialStatusEntry, IssuedCertificate
from tests.factories import StudentFactory


def _parallel(n, work):
    barrier = threading.Barrier(n)
    results, lock = [], threading.Lock()

    def run():
        try:
            barrier.wait()
            result = work()
        except Exception as exc:  # noqa: BLE001 - surfaces in the assertion
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_first_uses_make_one_key_and_one_status_place():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    keys = _parallel(8, lambda: services.signing_key_active().key_id)
    assert len(set(keys)) == 1 and not any(k.startswith("error") for k in keys), keys
    assert CredentialSigningKey.objects.count() == 1

    student = StudentFactory()
    certificate = IssuedCertificate.objects.create(
        kind="exam", user=student, code="RACE123", holder_name="R", course_title="Exam", issued_at=timezone.now()
    )
    places = _parallel(8, lambda: services.credential_status_entry(kind="certificate", object_id=certificate.pk).index)
    assert len(set(places)) == 1, places
    assert CredentialStatusEntry.objects.filter(object_id=certificate.pk).count() == 1
