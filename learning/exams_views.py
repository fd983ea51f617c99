"""Certification exam pages: the exam list and detail, the attempt page (timer, autosave and the proctoring
script are static files: CSP), the result, and reviewers' pages (attempts with their proctoring log)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courseworx.core.exceptions import ConflictError
from courseworx.core.forms import service_error_text

from . import exams_selectors as selectors
from . import permissions, services
from .models import CertificationExam, ExamAttempt, ExamQuestion

PAGE_SIZE = 20
MAX_JSON_BYTES = 64 * 1024  # an autosave or a batch of proctoring events


# --- Candidates ------------------------------------------------------------------------------------


def exam_list(request):
    exams = selectors.exam_list(user=request.user)
    page = Paginator(exams, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/exams/list.html", {"page": page, "exams": page.object_list})


def exam_detail(request, slug: str):
    exam = selectors.exam_get(user=request.user, slug=slug)
    info = None
    if request.user.is_authenticated:
        for attempt in ExamAttempt.objects.filter(user=request.user, exam=exam, status="in_progress"):
            if services.exam_is_overdue(attempt):
                services.exam_attempt_close_if_overdue(attempt_id=attempt.pk)
        info = selectors.exam_eligibility(user=request.user, exam=exam)
    return render(request, "learning/exams/detail.html", {
        "exam": exam, "info": info, "can_review": permissions.can_review_exam(request.user, exam),
    })  # fmt: skip


@login_required
@require_POST
def exam_start(request, slug: str):
    exam = selectors.exam_get(user=request.user, slug=slug)
    try:
        attempt = services.exam_attempt_start(user=request.user, exam=exam)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
        return redirect("learning:exam_detail", slug=exam.slug)
    return redirect("learning:exam_attempt", attempt_id=attempt.pk)


def _answers_from_post(post, questions: list[ExamQuestion]) -> dict:
    answers = {}
    for question in questions:
        key = f"q_{question.pk}"
        if question.question_type == ExamQuestion.Type.MULTIPLE_CHOICE:
            answers[str(question.pk)] = post.getlist(key)
        else:
            answers[str(question.pk)] = post.get(key, "")
    return answers


def _closed_if_overdue(attempt: ExamAttempt) -> ExamAttempt:
    if services.exam_is_overdue(attempt):
        services.exam_attempt_close_if_overdue(attempt_id=attempt.pk)
        attempt.refresh_from_db()
    return attempt


@login_required
@require_http_methods(["GET", "POST"])
def exam_attempt(request, attempt_id):
    attempt = _closed_if_overdue(selectors.exam_attempt_own(user=request.user, attempt_id=attempt_id))
    if not attempt.is_open:
        return redirect("learning:exam_result", attempt_id=attempt.pk)
    questions = selectors.exam_questions_for(attempt)
    if request.method == "POST":
        try:
            services.exam_attempt_submit(
                attempt=attempt, user=request.user, answers=_answers_from_post(request.POST, questions)
            )
        except ConflictError as exc:
            messages.warning(request, service_error_text(exc))
        except ValidationError as exc:
            messages.error(request, service_error_text(exc))
            return redirect("learning:exam_attempt", attempt_id=attempt.pk)
        return redirect("learning:exam_result", attempt_id=attempt.pk)
    for question in questions:  # what was saved before (a reload, another device)
        saved = attempt.answers.get(str(question.pk))
        question.saved_list = saved if isinstance(saved, list) else ([saved] if saved else [])
        question.saved_text = saved if isinstance(saved, str) else ""
    now = timezone.now()
    return render(request, "learning/exams/attempt.html", {
        "attempt": attempt, "exam": attempt.exam, "questions": questions, "saved": attempt.answers,
        "seconds_left": max(0, int((attempt.deadline_at - now).total_seconds())),
    })  # fmt: skip


def _json_body(request) -> dict:
    if len(request.body) > MAX_JSON_BYTES:
        raise ValidationError(_("The request is too large."), code="too_large")
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise ValidationError(_("The request is not valid JSON."), code="invalid") from None
    if not isinstance(data, dict):
        raise ValidationError(_("The request is not valid JSON."), code="invalid")
    return data


def _json_refusal(exc: ValidationError, attempt: ExamAttempt) -> JsonResponse:
    status = 409 if isinstance(exc, ConflictError) else 400
    body = {"code": getattr(exc, "code", None) or "invalid", "message": service_error_text(exc)}
    if status == 409:
        body["redirect"] = reverse("learning:exam_result", kwargs={"attempt_id": attempt.pk})
    return JsonResponse({"error": body}, status=status)


@login_required
@require_POST
def exam_attempt_save(request, attempt_id):
    """Autosave (the attempt page's script): {"answers": {question id: answer}} -> {"saved_at": ...}."""
    attempt = selectors.exam_attempt_own(user=request.user, attempt_id=attempt_id)
    try:
        data = _json_body(request)
        attempt = services.exam_answers_save(attempt=attempt, user=request.user, answers=data.get("answers"))
    except ValidationError as exc:
        return _json_refusal(exc, attempt)
    saved = timezone.localtime(attempt.answers_saved_at) if attempt.answers_saved_at else None
    return JsonResponse(
        {"saved_at": saved.isoformat() if saved else None, "time": saved.strftime("%H:%M:%S") if saved else ""}
    )


@login_required
@require_POST
def exam_attempt_events(request, attempt_id):
    """The proctoring script's batches: {"events": [{kind, occurred_at, detail}]} for my attempt in progress."""
    attempt = selectors.exam_attempt_own(user=request.user, attempt_id=attempt_id)
    try:
        data = _json_body(request)
        result = services.exam_proctor_events_record(attempt=attempt, user=request.user, events=data.get("events"))
    except ValidationError as exc:
        return _json_refusal(exc, attempt)
    return JsonResponse(result, status=201)


@login_required
def exam_result(request, attempt_id):
    attempt = _closed_if_overdue(selectors.exam_attempt_own(user=request.user, attempt_id=attempt_id))
    if attempt.is_open:
        return redirect("learning:exam_attempt", attempt_id=attempt.pk)
    rows = [(qid, attempt.results[qid]) for qid in attempt.question_ids if qid in attempt.results]
    return render(request, "learning/exams/result.html", {"attempt": attempt, "exam": attempt.exam, "rows": rows})


# --- Reviewers ---------------------------------------------------------------------------------------


def _reviewable_exams(user) -> list[CertificationExam]:
    return list(selectors.reviewable_exams(user=user).select_related("course").order_by("title"))


@login_required
def exam_review_list(request):
    exams = _reviewable_exams(request.user)
    if not exams and not permissions.can_review_exams(request.user):
        raise PermissionDenied(_("This page is for exam reviewers."))
    exam = next((e for e in exams if str(e.pk) == request.GET.get("exam")), None)
    flagged_only = request.GET.get("flagged") == "1"
    attempts = selectors.exam_attempts_for_review(user=request.user, exam=exam, flagged_only=flagged_only)
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, selectors.is_flagged(a)) for a in page.object_list]
    return render(request, "learning/exams/review_list.html", {
        "exams": exams, "exam": exam, "flagged_only": flagged_only, "page": page, "rows": rows,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def exam_review_attempt(request, attempt_id):
    attempt = selectors.exam_attempt_get(user=request.user, attempt_id=attempt_id)
    if not permissions.can_review_exam_attempt(request.user, attempt):
        raise Http404(_("No such attempt."))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invalidate":
                services.exam_attempt_invalidate(
                    attempt=attempt, actor=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The attempt was invalidated and its certificate revoked."))
            else:
                services.exam_attempt_review(attempt=attempt, actor=request.user, notes=request.POST.get("notes", ""))
                messages.success(request, _("Review notes saved."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, service_error_text(exc))
        return redirect("learning:exam_review_attempt", attempt_id=attempt.pk)
    rows = [(qid, attempt.results[qid]) for qid in attempt.question_ids if qid in attempt.results]
    return render(request, "learning/exams/review_attempt.html", {
        "attempt": attempt, "exam": attempt.exam, "rows": rows,
        "summary": selectors.proctor_summary(attempt=attempt),
        "timeline": selectors.proctor_timeline(attempt=attempt),
        "can_invalidate": permissions.can_invalidate_exam_attempt(request.user, attempt),
    })  # fmt: skip
