"""The path certificate is awarded once when the completion check runs concurrently (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from learning import services
from learning.models import Enrollment, IssuedCertificate, UserCareerPath
from tests.factories import StudentFactory

from .helpers import make_path


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_completion_checks_award_one_certificate():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    student = StudentFactory()
    path, entries = make_path(2)
    services.career_path_join(user=student, path=path)
    for entry in entries:  # both courses completed, the completion tasks not run yet (as if in flight)
        Enrollment.objects.create(
            user=student, course=entry.course, status=Enrollment.Status.COMPLETED, enrolled_at=path.created_at,
            completed_at=path.created_at,
        )  # fmt: skip
    barrier = threading.Barrier(8)
    results: list = []
    lock = threading.Lock()

    def check(course_id):
        try:
            barrier.wait()
            result = services.career_path_progress_check(user_id=student.pk, course_id=course_id)
        except Exception as exc:  # noqa: BLE001 - surfaces in the assertion below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=check, args=(entries[i % 2].course_id,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(results, key=str) == [0] * 7 + [1], results
    assert IssuedCertificate.objects.filter(user=student, kind=IssuedCertificate.Kind.PATH).count() == 1
    assert UserCareerPath.objects.get(user=student).certificate is not None
