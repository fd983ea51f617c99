"""The exams demo: a published exam (12 questions, 8 per attempt, 15 min), the demo student's passed attempt
with its certificate and proctoring events, a flagged expired attempt; idempotent."""

from learning import demo_exams
from learning.models import CertificationExam, ExamAttempt, IssuedCertificate
from tests.factories import AdminFactory, StudentFactory


def test_demo_exams(db):
    users = {"student": StudentFactory(), "student2": StudentFactory(), "admin": AdminFactory()}
    for _ in range(2):
        demo_exams.seed({"users": users}, lambda message: None)
    exam = CertificationExam.objects.get(slug=demo_exams.SLUG)
    assert exam.is_published and exam.questions.count() == 12
    assert (exam.questions_per_attempt, exam.time_limit_minutes) == (8, 15)
    passed = ExamAttempt.objects.get(user=users["student"])
    assert passed.passed and passed.certificate is not None and passed.proctor_events.count() == 4
    assert IssuedCertificate.objects.filter(user=users["student"], kind="exam").count() == 1
    expired = ExamAttempt.objects.get(user=users["student2"])
    assert expired.status == "expired" and not expired.passed and expired.proctor_events.count() == 11
    assert CertificationExam.objects.count() == 2
