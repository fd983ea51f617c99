"""Certification exam pages: list, detail, the attempt page (no answers in it, the timer and proctoring
notice), autosave and events endpoints, the result, and the reviewers' pages (with their denials)."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from learning import services
from learning.models import ExamAttempt, ExamProctorEvent
from tests.courses.factories import PublishedCourseFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

from .conftest import answers_for, make_exam

pytestmark = pytest.mark.django_db


def _finished(student, exam, *, right=None, events=()):
    attempt = services.exam_attempt_start(user=student, exam=exam)
    if events:
        services.exam_proctor_events_record(attempt=attempt, user=student, events=[{"kind": k} for k in events])
    services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt, right=right))
    attempt.refresh_from_db()
    return attempt


def test_list_and_detail(client, student, exam):
    make_exam(status="draft", title="Secret draft")
    response = client.get(reverse("learning:exam_list"))
    assert response.status_code == 200
    assert exam.title.encode() in response.content and b"Secret draft" not in response.content
    client.force_login(student)
    detail = client.get(reverse("learning:exam_detail", kwargs={"slug": exam.slug}))
    assert detail.status_code == 200
    assert b'data-testid="proctor-notice"' in detail.content and b"Start the exam" in detail.content
    draft = make_exam(status="draft")
    assert client.get(reverse("learning:exam_detail", kwargs={"slug": draft.slug})).status_code == 404


def test_the_attempt_page_has_the_timer_and_notice_and_no_answers(client, student, exam):
    client.force_login(student)
    response = client.post(reverse("learning:exam_start", kwargs={"slug": exam.slug}))
    attempt = ExamAttempt.objects.get(user=student)
    assert response.url == reverse("learning:exam_attempt", kwargs={"attempt_id": attempt.pk})
    page = client.get(response.url)
    html = page.content.decode()
    assert 'id="exam-timer"' in html and 'data-seconds="' in html
    assert 'data-testid="proctor-notice"' in html
    assert "learning/exam_attempt.js" in html and "learning/exam_proctor.js" in html
    assert "<script>" not in html.replace('<script src="', "")  # no inline script (CSP)
    assert html.count("<fieldset") == 8
    assert "Because." not in html  # no explanations
    assert 900 - 5 <= int(html.split('data-seconds="')[1].split('"')[0]) <= 900


def test_autosave_then_submit_shows_the_result(client, student, exam):
    client.force_login(student)
    attempt = services.exam_attempt_start(user=student, exam=exam)
    answers = answers_for(attempt)
    save = client.post(
        reverse("learning:exam_attempt_save", kwargs={"attempt_id": attempt.pk}),
        json.dumps({"answers": dict(list(answers.items())[:3])}),
        content_type="application/json",
    )
    assert save.status_code == 200 and save.json()["saved_at"]
    page = client.get(reverse("learning:exam_attempt", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert page.count("checked") == 3  # saved answers come back on reload
    form = {f"q_{qid}": value for qid, value in answers.items()}
    response = client.post(reverse("learning:exam_attempt", kwargs={"attempt_id": attempt.pk}), form)
    assert response.url == reverse("learning:exam_result", kwargs={"attempt_id": attempt.pk})
    result = client.get(response.url).content.decode()
    assert "100%" in result and "Your certificate" in result
    assert "Because." not in result  # show_correct_answers is off


def test_autosave_after_the_time_is_409_with_the_result_url(client, student, exam):
    client.force_login(student)
    attempt = services.exam_attempt_start(user=student, exam=exam)
    past = timezone.now() - dt.timedelta(minutes=20)
    ExamAttempt.objects.filter(pk=attempt.pk).update(started_at=past, deadline_at=past + dt.timedelta(minutes=15))
    response = client.post(
        reverse("learning:exam_attempt_save", kwargs={"attempt_id": attempt.pk}),
        json.dumps({"answers": answers_for(attempt)}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "time_over"
    assert response.json()["error"]["redirect"].endswith(f"/exam-attempts/{attempt.pk}/result/")
    bad = client.post(
        reverse("learning:exam_attempt_save", kwargs={"attempt_id": attempt.pk}),
        b"{not json",
        content_type="application/json",
    )
    assert bad.status_code == 400
    # Opening the attempt after its time shows the result.
    page = client.get(reverse("learning:exam_attempt", kwargs={"attempt_id": attempt.pk}))
    assert page.url == reverse("learning:exam_result", kwargs={"attempt_id": attempt.pk})


def test_events_endpoint_is_for_my_attempt_only(client, student, exam):
    theirs = services.exam_attempt_start(user=StudentFactory(), exam=exam)
    client.force_login(student)
    body = json.dumps({"events": [{"kind": "copy", "occurred_at": timezone.now().isoformat()}]})
    url = reverse("learning:exam_attempt_events", kwargs={"attempt_id": theirs.pk})
    assert client.post(url, body, content_type="application/json").status_code == 404
    for name in ("exam_attempt", "exam_result"):
        assert client.get(reverse(f"learning:{name}", kwargs={"attempt_id": theirs.pk})).status_code == 404
    mine = services.exam_attempt_start(user=student, exam=exam)
    url = reverse("learning:exam_attempt_events", kwargs={"attempt_id": mine.pk})
    assert client.post(url, body, content_type="application/json").status_code == 201
    assert ExamProctorEvent.objects.filter(attempt=mine).count() == 1


def test_reviewer_sees_the_log_other_students_and_instructors_do_not(client, student, exam, make_staff):
    attempt = _finished(student, exam, events=["tab_hidden", "tab_hidden", "tab_hidden", "paste", "focus_lost"])
    url = reverse("learning:exam_review_attempt", kwargs={"attempt_id": attempt.pk})

    client.force_login(make_staff(roles.REVIEWERS))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tab hidden" in html and "Flagged" in html and 'data-testid="proctor-summary"' in html
    listing = client.get(reverse("learning:exam_review_list") + "?flagged=1").content.decode()
    assert url in listing

    client.force_login(StudentFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("learning:exam_review_list")).status_code == 403
    client.force_login(InstructorFactory())  # teaches nothing of this exam (which has no course)
    assert client.get(url).status_code == 404
    client.force_login(student)  # the candidate sees the result, not the proctoring log
    assert client.get(url).status_code == 404


def test_the_course_instructor_reviews_and_writes_notes_but_cannot_invalidate(client, student):
    course = PublishedCourseFactory()
    exam = make_exam(course=course)
    services.enrollment_create(user=student, course=course)
    attempt = _finished(student, exam)
    url = reverse("learning:exam_review_attempt", kwargs={"attempt_id": attempt.pk})
    client.force_login(course.instructor)
    assert client.get(url).status_code == 200
    client.post(url, {"action": "notes", "notes": "Looks fine."})
    client.post(url, {"action": "invalidate", "reason": "Because I can"})
    attempt.refresh_from_db()
    assert attempt.review_notes == "Looks fine." and attempt.reviewed_by == course.instructor
    assert attempt.passed and not attempt.is_invalidated
    other = make_exam()
    other_attempt = _finished(StudentFactory(), other)
    assert (
        client.get(reverse("learning:exam_review_attempt", kwargs={"attempt_id": other_attempt.pk})).status_code == 404
    )


def test_superuser_invalidates_on_the_review_page(client, student, exam, admin_user):
    attempt = _finished(student, exam)
    client.force_login(admin_user)
    url = reverse("learning:exam_review_attempt", kwargs={"attempt_id": attempt.pk})
    client.post(url, {"action": "invalidate", "reason": "Copied answers"})
    attempt.refresh_from_db()
    assert attempt.is_invalidated and attempt.certificate.status == "revoked"
    client.force_login(student)
    result = client.get(reverse("learning:exam_result", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert "Invalidated by a reviewer" in result and "Your certificate" not in result


def test_list_pages_run_the_same_queries_at_two_sizes(client, student, make_staff):
    reviewer = make_staff(roles.REVIEWERS)

    def load(n):
        while ExamAttempt.objects.filter(user=student).count() < n:
            _finished(student, make_exam(pool=3, per_attempt=2), events=["copy"])
        client.force_login(student)
        listing, q1 = count_queries(lambda: client.get(reverse("learning:exam_list")))
        assert len(listing.context["exams"]) == n
        client.force_login(reviewer)
        review, q2 = count_queries(lambda: client.get(reverse("learning:exam_review_list")))
        assert len(review.context["rows"]) == n
        return q1, q2

    assert_same_queries_at_two_sizes(load)


def test_dashboard_panel(client, student, exam):
    client.force_login(student)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert 'data-testid="exams-panel"' in html and reverse("learning:exam_list") in html
