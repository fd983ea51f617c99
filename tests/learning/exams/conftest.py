import pytest

from learning.models import CertificationExam, ExamAttempt, ExamQuestion


def make_exam(*, pool: int = 12, per_attempt: int = 8, **fields) -> CertificationExam:
    """A published exam with a pool of single-choice questions (the right option is always "yes")."""
    defaults = {
        "slug": f"exam-{CertificationExam.objects.count() + 1}",
        "title": "Python Certification",
        "questions_per_attempt": per_attempt,
        "time_limit_minutes": 15,
        "pass_score": 70,
        "max_attempts": 2,
        "cooldown_hours": 24,
        "status": CertificationExam.Status.PUBLISHED,
    }
    exam = CertificationExam.objects.create(**{**defaults, **fields})
    for i in range(pool):
        ExamQuestion.objects.create(
            exam=exam,
            question=f"Question {i + 1}?",
            question_type="single_choice",
            options=["yes", "no"],
            correct_answers=["yes"],
            explanation="Because.",
            order=i,
        )
    return exam


def answers_for(attempt: ExamAttempt, *, right: int | None = None) -> dict:
    """Answers to `attempt`: the first `right` questions correct (all when None), the others wrong."""
    ids = attempt.question_ids
    right = len(ids) if right is None else right
    return {qid: ("yes" if i < right else "no") for i, qid in enumerate(ids)}


@pytest.fixture
def exam(db):
    return make_exam()
