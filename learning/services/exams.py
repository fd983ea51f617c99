"""Certification exams: starting an attempt (the rules of `exam_eligibility`, questions drawn at random, one
attempt in progress), saving answers while the time lasts, grading on the server (once: under the attempt's
row lock), closing overdue attempts, the proctoring log, and reviewers' notes and invalidation.

Time: `deadline_at` = start + the exam's time limit, set here.  An answer or submission is taken until
`deadline_at + EXAM_GRACE_SECONDS` (live setting); after that it is refused (ConflictError `time_over`, API 409)
and the attempt is closed as expired and graded with what was saved before.  Overdue attempts are also closed
when anyone opens them and every 5 minutes by `learning.exam_attempts_close_due`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.exceptions import ConflictError
from courseworx.core.live_settings import setting_value
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from learning import permissions
from learning.exams_selectors import exam_eligibility
from learning.models import CertificationExam, ExamAttempt, ExamProctorEvent, ExamQuestion, IssuedCertificate

from ._common import _percent
from .certificates import certificate_award, certificate_revoke
from .quizzes import _grade_question

ANSWER_MAX_CHARS = 1000  # a text answer
ANSWER_MAX_CHOICES = 20  # options ticked in one multiple-choice answer
CLOSE_BATCH = 200  # overdue attempts closed per run of the periodic task


def _grace() -> dt.timedelta:
    return dt.timedelta(seconds=int(setting_value("EXAM_GRACE_SECONDS")))


def exam_is_overdue(attempt: ExamAttempt, now: dt.datetime | None = None) -> bool:
    """An attempt still open past its deadline and the grace."""
    return attempt.is_open and (now or timezone.now()) > attempt.deadline_at + _grace()


def _conflict_for_closed(attempt: ExamAttempt) -> ConflictError:
    if attempt.status == ExamAttempt.Status.EXPIRED:
        return ConflictError(_("The time of this attempt is over; your saved answers were graded."), code="time_over")
    return ConflictError(_("This attempt has already been submitted."), code="already_submitted")


# --- Starting --------------------------------------------------------------------------------------


def exam_check_pool(*, exam: CertificationExam, active_questions: int | None = None) -> None:
    """A published exam needs at least `questions_per_attempt` active questions (the admin checks it on save)."""
    if active_questions is None:
        active_questions = exam.questions.filter(is_active=True).count()
    if exam.status == CertificationExam.Status.PUBLISHED and active_questions < exam.questions_per_attempt:
        raise ValidationError(
            _("The pool has %(n)s active questions; publishing needs at least %(k)s (questions per attempt)."),
            code="pool_too_small",
            params={"n": active_questions, "k": exam.questions_per_attempt},
        )


@transaction.atomic
def exam_attempt_start(*, user: User, exam: CertificationExam, now: dt.datetime | None = None) -> ExamAttempt:
    """Start an attempt, or return the one in progress (starting twice, even at once, gives one attempt).

    Refusals are ConflictErrors (API 409) with the codes of `exam_eligibility`: `not_published`, `not_enrolled`,
    `already_passed`, `attempts_exhausted`, `cooldown` (params `next_allowed_at`), and `pool_too_small`."""
    now = now or timezone.now()
    _close_overdue_of(user=user, exam=exam, now=now)
    info = exam_eligibility(user=user, exam=exam, now=now)
    if info.open_attempt is not None:
        return info.open_attempt
    if info.blocker is not None:
        code, message = info.blocker
        params = None
        if code == "cooldown" and info.next_allowed_at is not None:
            params = {"next_allowed_at": info.next_allowed_at.isoformat()}
        raise ConflictError(message, code=code, params=params)
    pool = [str(pk) for pk in exam.questions.filter(is_active=True).values_list("id", flat=True)]
    if len(pool) < exam.questions_per_attempt:
        raise ConflictError(_("This exam is not available at the moment."), code="pool_too_small")
    drawn = secrets.SystemRandom().sample(pool, exam.questions_per_attempt)  # random order too
    attempt = ExamAttempt(
        user=user,
        exam=exam,
        number=info.attempts_used + 1,
        started_at=now,
        deadline_at=now + dt.timedelta(minutes=exam.time_limit_minutes),
        question_ids=drawn,
    )
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        # A concurrent start won (one open attempt per candidate and exam; unique numbers): return its attempt.
        existing = ExamAttempt.objects.filter(user=user, exam=exam, status=ExamAttempt.Status.IN_PROGRESS).first()
        if existing is None:
            raise ConflictError(
                _("Another attempt was started at the same time; reload the page."), code="concurrent_attempt"
            ) from None
        return existing
    return attempt


# --- Answering and submitting ------------------------------------------------------------------------


def _clean_answers(attempt: ExamAttempt, answers: Any) -> dict[str, Any]:
    """{question id: text | [texts]} for drawn questions only; 400 with the question's id otherwise."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Send the answers as an object {question id: answer}.")}, code="invalid")
    drawn = set(attempt.question_ids)
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in answers.items():
        qid = str(key)
        if qid not in drawn:
            errors[qid] = _("Not a question of this attempt.")
            continue
        if value is None or value == "":
            cleaned[qid] = None
        elif isinstance(value, str):
            text = value.replace("\x00", "").strip()
            if len(text) > ANSWER_MAX_CHARS:
                errors[qid] = _("An answer has at most %(n)s characters.") % {"n": ANSWER_MAX_CHARS}
            cleaned[qid] = text
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            choices = list(dict.fromkeys(v.replace("\x00", "")[:ANSWER_MAX_CHARS] for v in value if v))
            if len(choices) > ANSWER_MAX_CHOICES:
                errors[qid] = _("Too many options ticked.")
            cleaned[qid] = choices
        else:
            errors[qid] = _("An answer is a text or a list of texts.")
    if errors:
        raise ValidationError({"answers": [f"{qid}: {msg}" for qid, msg in errors.items()]}, code="invalid")
    return cleaned


def _locked_open_attempt(*, attempt: ExamAttempt, user: User, now: dt.datetime) -> tuple[ExamAttempt, bool]:
    """The attempt under its row lock, and whether it is past its time (then it has just been closed)."""
    if attempt.user_id != user.pk:
        raise PermissionDenied(_("This is not your attempt."))
    locked = ExamAttempt.objects.select_for_update(of=("self",)).select_related("exam", "user").get(pk=attempt.pk)
    if not locked.is_open:
        raise _conflict_for_closed(locked)
    if exam_is_overdue(locked, now):
        _close(locked, now=now, status=ExamAttempt.Status.EXPIRED)
        return locked, True
    return locked, False


def exam_answers_save(*, attempt: ExamAttempt, user: User, answers: Any, now: dt.datetime | None = None) -> ExamAttempt:
    """Save some or all answers of an attempt in progress (autosave merges them into those saved before).
    Past the deadline + grace: refused (409 `time_over`) and the attempt is closed with what was saved."""
    now = now or timezone.now()
    cleaned = _clean_answers(attempt, answers)
    with transaction.atomic():
        locked, overdue = _locked_open_attempt(attempt=attempt, user=user, now=now)
        if not overdue:
            locked.answers = {**locked.answers, **cleaned}
            locked.answers_saved_at = now
            locked.save(update_fields=["answers", "answers_saved_at", "updated_at"])
    if overdue:
        raise _conflict_for_closed(locked)  # after the commit: the closing stays
    return locked


def exam_attempt_submit(
    *, attempt: ExamAttempt, user: User, answers: Any = None, now: dt.datetime | None = None
) -> ExamAttempt:
    """Save the last answers (if any) and grade the attempt.  Refused after the time (409 `time_over`: graded
    with what was saved in time) and when already submitted (409 `already_submitted`)."""
    now = now or timezone.now()
    cleaned = _clean_answers(attempt, answers) if answers is not None else {}
    with transaction.atomic():
        locked, overdue = _locked_open_attempt(attempt=attempt, user=user, now=now)
        if not overdue:
            locked.answers = {**locked.answers, **cleaned}
            if cleaned:
                locked.answers_saved_at = now
            _close(locked, now=now, status=ExamAttempt.Status.SUBMITTED)
    if overdue:
        raise _conflict_for_closed(locked)
    return locked


def _close(attempt: ExamAttempt, *, now: dt.datetime, status: str) -> None:
    """Grade a locked, open attempt and close it (`submitted`, or `expired` at its deadline); a pass earns the
    certificate (once: the row lock, the open status checked under it, and the one-to-one link)."""
    questions = {str(q.pk): q for q in ExamQuestion.objects.filter(pk__in=attempt.question_ids)}
    results = {}
    for qid in attempt.question_ids:
        question = questions.get(qid)
        if question is not None:  # deleted since the attempt started: not counted
            results[qid] = _grade_question(question, attempt.answers.get(qid), manual=False)  # type: ignore[arg-type]
    score = sum((Decimal(str(r["points"])) for r in results.values()), Decimal("0"))
    max_score = sum((Decimal(str(r["max"])) for r in results.values()), Decimal("0"))
    percent = _percent(score, max_score) if max_score else Decimal("0.00")
    exam = attempt.exam
    attempt.status = status
    attempt.submitted_at = now if status == ExamAttempt.Status.SUBMITTED else min(now, attempt.deadline_at)
    attempt.results = results
    attempt.score, attempt.max_score, attempt.percent = score, max_score, percent
    attempt.passed = percent >= exam.pass_score
    attempt.save()
    result_url = reverse("learning:exam_result", kwargs={"attempt_id": attempt.pk})
    if attempt.passed and attempt.certificate_id is None:
        attempt.certificate = certificate_award(
            user=attempt.user, kind=IssuedCertificate.Kind.EXAM, title=exam.title, template=exam.certificate_template
        )
        attempt.save(update_fields=["certificate", "updated_at"])
    elif not attempt.passed:
        notification_create(
            user=attempt.user,
            category=Notification.Category.GRADING,
            title=f"Your result in “{exam.title}”: {percent}%",
            body=f"Not passed this time (pass score {exam.pass_score}%)."
            + (" The time ran out; your saved answers were graded." if status == ExamAttempt.Status.EXPIRED else ""),
            url=result_url,
        )


def _close_overdue_of(*, user: User, exam: CertificationExam, now: dt.datetime) -> None:
    overdue = ExamAttempt.objects.filter(
        user=user, exam=exam, status=ExamAttempt.Status.IN_PROGRESS, deadline_at__lt=now - _grace()
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        exam_attempt_close_if_overdue(attempt_id=pk, now=now)


def exam_attempt_close_if_overdue(*, attempt_id, now: dt.datetime | None = None) -> ExamAttempt | None:
    """Close (expired) and grade one attempt past its deadline + grace; None when there is nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            ExamAttempt.objects.select_for_update(of=("self",))
            .select_related("exam", "user")
            .filter(pk=attempt_id, status=ExamAttempt.Status.IN_PROGRESS)
            .first()
        )
        if attempt is None or not exam_is_overdue(attempt, now):
            return None
        _close(attempt, now=now, status=ExamAttempt.Status.EXPIRED)
        return attempt


def exam_attempts_close_due(*, now: dt.datetime | None = None) -> int:
    """The periodic task: close every overdue attempt (each in its own transaction)."""
    now = now or timezone.now()
    ids = list(
        ExamAttempt.objects.filter(status=ExamAttempt.Status.IN_PROGRESS, deadline_at__lt=now - _grace())
        .order_by("deadline_at")
        .values_list("pk", flat=True)[:CLOSE_BATCH]
    )
    return sum(1 for pk in ids if exam_attempt_close_if_overdue(attempt_id=pk, now=now) is not None)


# --- Proctoring --------------------------------------------------------------------------------------


def _clean_events(events: Any, *, attempt: ExamAttempt, now: dt.datetime) -> list[ExamProctorEvent]:
    max_batch = int(settings.EXAM_PROCTOR_MAX_BATCH)
    if not isinstance(events, list):
        raise ValidationError({"events": _("Send a list of events.")}, code="invalid")
    if len(events) > max_batch:
        raise ValidationError(
            {"events": _("At most %(n)s events at a time.") % {"n": max_batch}}, code="too_many_events"
        )
    kinds = set(ExamProctorEvent.Kind.values)
    rows, seen = [], set()
    for i, event in enumerate(events):
        if not isinstance(event, dict) or event.get("kind") not in kinds:
            raise ValidationError({"events": _("Event %(i)s: unknown kind.") % {"i": i + 1}}, code="invalid")
        occurred = _parse_time(event.get("occurred_at"), now=now)
        occurred = min(max(occurred, attempt.started_at), now)  # a client clock cannot move events outside
        detail = str(event.get("detail") or "").replace("\x00", "")[: ExamProctorEvent.DETAIL_MAX]
        if event.get("occurred_at"):
            key = (event["kind"], str(event["occurred_at"]), detail)
            if key in seen:  # the same event sent twice in one batch (as the browser timed it)
                continue
            seen.add(key)
        rows.append(
            ExamProctorEvent(attempt=attempt, kind=event["kind"], occurred_at=occurred, received_at=now, detail=detail)
        )
    return rows


def _parse_time(value: Any, *, now: dt.datetime) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        return now
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return now
    if parsed is None:
        return now
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def exam_proctor_events_record(
    *, attempt: ExamAttempt, user: User, events: Any, now: dt.datetime | None = None
) -> dict[str, int]:
    """Store a batch of the browser's events for the candidate's own attempt in progress (refused once it is
    closed: 409 `attempt_closed`).  At most EXAM_PROCTOR_MAX_EVENTS are kept per attempt; the rest are
    counted (`proctor_events_dropped`).  Returns {"stored": n, "dropped": m}."""
    now = now or timezone.now()
    if attempt.user_id != user.pk:
        raise PermissionDenied(_("This is not your attempt."))
    with transaction.atomic():
        locked = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_open or now > locked.deadline_at + _grace():
            raise ConflictError(_("This attempt is over: no more events are recorded."), code="attempt_closed")
        rows = _clean_events(events, attempt=locked, now=now)
        room = max(0, int(setting_value("EXAM_PROCTOR_MAX_EVENTS")) - locked.proctor_event_count)
        kept, dropped = rows[:room], len(rows) - min(room, len(rows))
        ExamProctorEvent.objects.bulk_create(kept)
        locked.proctor_event_count += len(kept)
        locked.proctor_events_dropped += dropped
        locked.save(update_fields=["proctor_event_count", "proctor_events_dropped", "updated_at"])
    return {"stored": len(kept), "dropped": dropped}


# --- Review ------------------------------------------------------------------------------------------


@transaction.atomic
def exam_attempt_review(*, attempt: ExamAttempt, actor: User, notes: str) -> ExamAttempt:
    """A reviewer's notes on a finished attempt (audited)."""
    if not permissions.can_review_exam_attempt(actor, attempt):
        raise PermissionDenied(_("You do not review this exam."))
    notes = (notes or "").replace("\x00", "").strip()
    if len(notes) > 5000:
        raise ValidationError({"notes": _("At most 5000 characters.")})
    locked = ExamAttempt.objects.select_for_update(of=("self",)).select_related("exam").get(pk=attempt.pk)
    if locked.is_open:
        raise ConflictError(_("This attempt is still in progress."), code="in_progress")
    locked.review_notes, locked.reviewed_by, locked.reviewed_at = notes, actor, timezone.now()
    locked.save(update_fields=["review_notes", "reviewed_by", "reviewed_at", "updated_at"])
    audit_log_create(actor=actor, action="learning.exam_attempt_reviewed", target=locked, reason=notes[:500])
    return locked


@transaction.atomic
def exam_attempt_invalidate(*, attempt: ExamAttempt, actor: User, reason: str) -> ExamAttempt:
    """Invalidate a passed attempt: it no longer counts as passed and its certificate is revoked
    (`certificate_revoke`, audited).  409 `not_passed` otherwise; a reason is required."""
    if not permissions.can_invalidate_exam_attempt(actor, attempt):
        raise PermissionDenied(_("You may not invalidate exam attempts."))
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for invalidating this attempt.")}, code="required")
    locked = (
        ExamAttempt.objects.select_for_update(of=("self",)).select_related("exam", "certificate").get(pk=attempt.pk)
    )
    if locked.is_invalidated:
        raise ConflictError(_("This attempt is already invalidated."), code="already_invalidated")
    if not locked.passed:
        raise ConflictError(_("Only a passed attempt can be invalidated."), code="not_passed")
    now = timezone.now()
    locked.passed = False
    locked.invalidated_at = now
    locked.reviewed_by, locked.reviewed_at = actor, now
    locked.review_notes = (f"{locked.review_notes}\n\n" if locked.review_notes else "") + f"Invalidated: {reason}"
    locked.save(update_fields=["passed", "invalidated_at", "reviewed_by", "reviewed_at", "review_notes", "updated_at"])
    changes = {"percent": str(locked.percent), "certificate": str(locked.certificate_id or "")}
    audit_log_create(
        actor=actor, action="learning.exam_attempt_invalidated", target=locked, reason=reason, changes=changes
    )
    if locked.certificate is not None and locked.certificate.is_valid:
        certificate_revoke(certificate=locked.certificate, actor=actor, reason=reason)
    return locked
