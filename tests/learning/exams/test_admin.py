"""Certification exams in the admin: publishing needs a big enough pool; attempts show their proctoring log."""

import pytest
from django.urls import reverse

from accounts import roles
from learning import services
from learning.models import CertificationExam
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

from .conftest import answers_for, make_exam

pytestmark = pytest.mark.django_db


def _form(n_questions: int, *, status="published", per_attempt=3) -> dict:
    data = {
        "title": "Admin exam", "slug": "admin-exam", "status": status, "description": "", "course": "",
        "certificate_template": "", "questions_per_attempt": per_attempt, "time_limit_minutes": 10, "pass_score": 60,
        "max_attempts": "", "cooldown_hours": 0,
        "questions-TOTAL_FORMS": n_questions, "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0, "questions-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i in range(n_questions):
        data.update({
            f"questions-{i}-question_type": "single_choice", f"questions-{i}-points": 1, f"questions-{i}-order": i,
            f"questions-{i}-is_active": "on", f"questions-{i}-question": f"Q{i}?",
            f"questions-{i}-options": '["a", "b"]', f"questions-{i}-correct_answers": '["a"]',
            f"questions-{i}-explanation": "",
        })  # fmt: skip
    return data


def test_publishing_needs_a_pool_of_questions_per_attempt(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:learning_certificationexam_add")
    response = client.post(url, _form(2))
    assert response.status_code == 200 and not CertificationExam.objects.exists()
    assert "publishing needs at least 3" in response.content.decode()
    bad = _form(3)
    bad["questions-0-correct_answers"] = '["z"]'  # the quiz question rules apply
    assert client.post(url, bad).status_code == 200 and not CertificationExam.objects.exists()
    assert client.post(url, _form(2, status="draft")).status_code == 302
    CertificationExam.objects.all().delete()
    assert client.post(url, _form(3)).status_code == 302
    exam = CertificationExam.objects.get()
    assert exam.questions.count() == 3 and exam.created_by == admin_user


def test_attempt_admin_shows_the_log_and_changelist_is_flat(client, admin_user, student, make_staff):
    def load(n):
        while student.exam_attempts.count() < n:
            exam = make_exam(pool=3, per_attempt=2)
            attempt = services.exam_attempt_start(user=student, exam=exam)
            services.exam_proctor_events_record(attempt=attempt, user=student, events=[{"kind": "paste"}])
            services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
        client.force_login(admin_user)
        response, queries = count_queries(lambda: client.get(reverse("admin:learning_examattempt_changelist")))
        assert response.context["cl"].result_count == n
        return queries

    assert_same_queries_at_two_sizes(load)
    attempt = student.exam_attempts.first()
    page = client.get(reverse("admin:learning_examattempt_change", args=[attempt.pk])).content.decode()
    assert "Paste" in page and "review page" in page
    client.force_login(make_staff(roles.REVIEWERS))
    assert client.get(reverse("admin:learning_examattempt_change", args=[attempt.pk])).status_code == 200
