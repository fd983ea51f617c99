"""Certification exams API: starting without answers, 409s with codes, time over, proctoring events, lists."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import ExamAttempt, ExamProctorEvent
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

from .conftest import answers_for, make_exam

pytestmark = pytest.mark.django_db


def _start(api, exam):
    return api.post(reverse("api:learning-exam-start", kwargs={"slug": exam.slug}))


def test_start_returns_the_drawn_questions_without_answers(api_client, student, exam):
    api_client.force_authenticate(student)
    response = _start(api_client, exam)
    assert response.status_code == 201
    body = response.json()
    assert len(body["questions"]) == 8
    assert set(body["questions"][0]) == {"id", "question", "question_type", "options", "points"}
    text = json.dumps(body)
    assert "correct_answers" not in text and "explanation" not in text and "Because." not in text
    assert body["results"] == {}
    # Starting again returns the same attempt (200), the same questions.
    again = _start(api_client, exam)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert [q["id"] for q in again.json()["questions"]] == [q["id"] for q in body["questions"]]
    detail = api_client.get(reverse("api:learning-exam-attempt", kwargs={"attempt_id": body["id"]})).json()
    assert "correct_answers" not in json.dumps(detail)


def test_cooldown_and_attempt_limit_are_409_with_the_next_time(api_client, student):
    exam = make_exam(max_attempts=2, cooldown_hours=24)
    api_client.force_authenticate(student)
    attempt_id = _start(api_client, exam).json()["id"]
    attempt = ExamAttempt.objects.get(pk=attempt_id)
    submit = api_client.post(
        reverse("api:learning-exam-attempt-submit", kwargs={"attempt_id": attempt_id}),
        {"answers": answers_for(attempt, right=0)},
        format="json",
    )
    assert submit.status_code == 200 and submit.json()["passed"] is False
    response = _start(api_client, exam)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "cooldown" and "next attempt" in error["message"]
    assert error["next_allowed_at"].startswith(str(timezone.localdate(timezone.now() + dt.timedelta(hours=24)).year))
    ExamAttempt.objects.filter(pk=attempt_id).update(submitted_at=timezone.now() - dt.timedelta(days=2))
    second = _start(api_client, exam).json()
    ExamAttempt.objects.filter(pk=second["id"]).update(
        status="submitted", submitted_at=timezone.now() - dt.timedelta(days=2)
    )
    response = _start(api_client, exam)
    assert response.status_code == 409 and response.json()["error"]["code"] == "attempts_exhausted"


def test_an_answer_after_the_time_limit_is_refused_409(api_client, student, exam):
    api_client.force_authenticate(student)
    body = _start(api_client, exam).json()
    attempt = ExamAttempt.objects.get(pk=body["id"])
    answers = answers_for(attempt)
    url = reverse("api:learning-exam-attempt-answers", kwargs={"attempt_id": attempt.pk})
    saved = api_client.post(url, {"answers": dict(list(answers.items())[:7])}, format="json")
    assert saved.status_code == 200 and len(saved.json()["answers"]) == 7
    # The clock moves past the deadline: set the attempt's start in the past.
    past = timezone.now() - dt.timedelta(minutes=16)
    ExamAttempt.objects.filter(pk=attempt.pk).update(started_at=past, deadline_at=past + dt.timedelta(minutes=15))
    late = api_client.post(url, {"answers": dict(list(answers.items())[7:])}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "time_over"
    submit = api_client.post(
        reverse("api:learning-exam-attempt-submit", kwargs={"attempt_id": attempt.pk}), {}, format="json"
    )
    assert submit.status_code == 409 and submit.json()["error"]["code"] == "time_over"
    result = api_client.get(reverse("api:learning-exam-attempt", kwargs={"attempt_id": attempt.pk})).json()
    assert result["status"] == "expired" and result["percent"] == "87.50" and result["passed"] is True
    assert result["questions"] == [] and len(result["results"]) == 8
    assert all("correct_answers" not in r for r in result["results"].values())  # the exam hides them


def test_bad_input_is_400_not_500(api_client, student, exam):
    api_client.force_authenticate(student)
    attempt_id = _start(api_client, exam).json()["id"]
    url = reverse("api:learning-exam-attempt-answers", kwargs={"attempt_id": attempt_id})
    for payload in ({"answers": {"nope": "yes"}}, {"answers": "x"}, {"answers": {str(attempt_id): 10**40}}, {}):
        assert api_client.post(url, payload, format="json").status_code == 400, payload
    events = reverse("api:learning-exam-proctor-events", kwargs={"attempt_id": attempt_id})
    too_many = {"events": [{"kind": "copy"}] * 51}
    assert api_client.post(events, too_many, format="json").status_code == 400
    nul = api_client.post(events, {"events": [{"kind": "copy", "occurred_at": "\x00"}]}, format="json")
    assert nul.status_code == 400 and "error" in nul.json()  # NUL bytes: refused by the API, not a 500
    odd = {"events": [{"kind": "copy", "occurred_at": "2026-13-45T99:00:00+25:00", "detail": 12}]}
    assert api_client.post(events, odd, format="json").status_code == 201  # a bad client time: the server's


def test_proctor_events_only_for_my_attempt_in_progress(api_client, student, exam):
    other = StudentFactory()
    theirs = services.exam_attempt_start(user=other, exam=exam)
    api_client.force_authenticate(student)
    url = reverse("api:learning-exam-proctor-events", kwargs={"attempt_id": theirs.pk})
    batch = {"events": [{"kind": "tab_hidden", "occurred_at": timezone.now().isoformat()}]}
    assert api_client.post(url, batch, format="json").status_code == 404
    assert not ExamProctorEvent.objects.exists()
    # Nor can I read or answer it.
    assert api_client.get(reverse("api:learning-exam-attempt", kwargs={"attempt_id": theirs.pk})).status_code == 404
    answers = reverse("api:learning-exam-attempt-answers", kwargs={"attempt_id": theirs.pk})
    assert api_client.post(answers, {"answers": {}}, format="json").status_code == 404

    mine = _start(api_client, exam).json()["id"]
    url = reverse("api:learning-exam-proctor-events", kwargs={"attempt_id": mine})
    response = api_client.post(url, batch, format="json")
    assert response.status_code == 201 and response.json() == {"stored": 1, "dropped": 0}
    api_client.post(reverse("api:learning-exam-attempt-submit", kwargs={"attempt_id": mine}), {}, format="json")
    finished = api_client.post(url, batch, format="json")
    assert finished.status_code == 409 and finished.json()["error"]["code"] == "attempt_closed"
    assert ExamProctorEvent.objects.count() == 1


def test_visitors_are_refused(api_client, exam):
    assert api_client.get(reverse("api:learning-exams")).status_code in (401, 403)
    assert _start(api_client, exam).status_code in (401, 403)


def test_list_apis_run_the_same_queries_at_two_sizes(api_client, student):
    api_client.force_authenticate(student)

    def load(n):
        while ExamAttempt.objects.filter(user=student).count() < n:
            exam = make_exam(pool=3, per_attempt=2)
            attempt = services.exam_attempt_start(user=student, exam=exam)
            services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
        exams, q1 = count_queries(lambda: api_client.get(reverse("api:learning-exams")))
        attempts, q2 = count_queries(lambda: api_client.get(reverse("api:learning-exam-attempts")))
        assert exams.json()["count"] == n and attempts.json()["count"] == n
        assert all(e["my_passed"] and e["my_attempts"] == 1 for e in exams.json()["results"])
        return q1, q2

    assert_same_queries_at_two_sizes(load)
