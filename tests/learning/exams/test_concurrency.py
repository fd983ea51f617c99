"""Two parallel "start" requests give one attempt (PostgreSQL: real concurrency; SQLite serialises writers)."""

import threading

import pytest
from django.db import connection, connections

from learning import services
from learning.models import CertificationExam, ExamAttempt
from tests.factories import StudentFactory

from .conftest import make_exam


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_starts_make_one_attempt():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    exam = make_exam()
    student = StudentFactory()
    n = 6
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def start():
        try:
            barrier.wait()
            attempt = services.exam_attempt_start(user=student, exam=CertificationExam.objects.get(pk=exam.pk))
            result = str(attempt.pk)
        except Exception as exc:  # noqa: BLE001 - surfaces in the assertion below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=start) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(outcomes) == n
    assert ExamAttempt.objects.filter(user=student, exam=exam).count() == 1
    attempt = ExamAttempt.objects.get(user=student, exam=exam)
    assert outcomes == [str(attempt.pk)] * n, outcomes
