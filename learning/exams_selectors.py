"""Certification exams, reads: the exams a candidate sees, the rules that decide whether they may start an
attempt now (`exam_eligibility`, also applied by the services), their attempts, and reviewers' views of an
attempt's proctoring log.  Every list is a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.live_settings import setting_value

from . import permissions
from .models import CertificationExam, Enrollment, ExamAttempt, ExamProctorEvent, ExamQuestion


def _published() -> QuerySet[CertificationExam]:
    return CertificationExam.objects.filter(status=CertificationExam.Status.PUBLISHED)


def exam_list(*, user: User) -> QuerySet[CertificationExam]:
    """Published exams, each with the candidate's figures: `my_attempts`, `my_best` (percent, invalidated
    attempts excluded), `my_passed` and `pool_size` (active questions), and its course."""
    if not user.is_authenticated:  # a visitor: the exams and their figures, nothing of theirs
        return (
            _published()
            .select_related("course")
            .annotate(
                my_attempts=Value(0, output_field=IntegerField()),
                my_best=Value(None, output_field=DecimalField(max_digits=5, decimal_places=2)),
                my_passed=Value(False, output_field=BooleanField()),
                pool_size=Count("questions", filter=Q(questions__is_active=True)),
            )
            .order_by("title")
        )
    mine = ExamAttempt.objects.filter(exam=OuterRef("pk"), user=user)
    return (
        _published()
        .select_related("course")
        .annotate(
            my_attempts=Coalesce(Subquery(mine.order_by().values("exam").annotate(n=Count("id")).values("n")[:1]), 0),
            my_best=Subquery(
                mine.filter(invalidated_at__isnull=True, percent__isnull=False)
                .order_by("-percent")
                .values("percent")[:1]
            ),
            my_passed=Exists(mine.filter(passed=True)),
            pool_size=Count("questions", filter=Q(questions__is_active=True)),
        )
        .order_by("title")
    )


def exam_get(*, user: User, slug: str) -> CertificationExam:
    """A published exam, or any exam for its reviewers; the 404 of an unknown slug otherwise."""
    exam = CertificationExam.objects.select_related("course", "certificate_template").filter(slug=slug).first()
    if exam is None or not (exam.is_published or permissions.can_review_exam(user, exam)):
        raise Http404(_("No such exam."))
    return exam


@dataclass
class ExamEligibility:
    """Where a candidate stands with an exam now: `blocker` (code, message) is None when they may start."""

    attempts_used: int = 0
    attempts_left: int | None = None  # None: no limit
    open_attempt: ExamAttempt | None = None
    last_finished_at: dt.datetime | None = None
    next_allowed_at: dt.datetime | None = None
    best_percent: Decimal | None = None
    passed_attempt: ExamAttempt | None = None
    blocker: tuple[str, str] | None = None
    attempts: list[ExamAttempt] = field(default_factory=list)

    @property
    def can_start(self) -> bool:
        return self.blocker is None or self.open_attempt is not None


def exam_eligibility(*, user: User, exam: CertificationExam, now: dt.datetime | None = None) -> ExamEligibility:
    """The rules of starting an attempt (2 queries): published; enrolled in the exam's course when it has one
    (`not_enrolled`); not already passed (`already_passed`); attempts left (`attempts_exhausted`); the cooldown
    since the last finished attempt (`cooldown`, with `next_allowed_at`).  An attempt in progress is resumed."""
    now = now or timezone.now()
    attempts = list(ExamAttempt.objects.filter(user=user, exam=exam).order_by("-number"))
    info = ExamEligibility(attempts=attempts, attempts_used=len(attempts))
    info.open_attempt = next((a for a in attempts if a.is_open), None)
    finished = [a for a in attempts if not a.is_open]
    valid = [a for a in finished if a.percent is not None and not a.is_invalidated]
    info.best_percent = max((a.percent for a in valid), default=None)  # type: ignore[type-var]
    info.passed_attempt = next((a for a in finished if a.passed), None)
    if exam.max_attempts is not None:
        info.attempts_left = max(0, exam.max_attempts - len(attempts))
    info.last_finished_at = max((a.submitted_at or a.deadline_at for a in finished), default=None)
    if info.last_finished_at is not None and exam.cooldown_hours:
        info.next_allowed_at = info.last_finished_at + dt.timedelta(hours=exam.cooldown_hours)
    if not exam.is_published:
        info.blocker = ("not_published", _("This exam is not published."))
    elif exam.course_id and not _enrolled(user, exam.course_id):
        info.blocker = ("not_enrolled", _("This exam is for the learners of its course: enrol in it first."))
    elif info.passed_attempt is not None:
        info.blocker = ("already_passed", _("You have already passed this exam."))
    elif info.attempts_left == 0 and info.open_attempt is None:
        info.blocker = (
            "attempts_exhausted",
            _("You have used all %(n)s attempts at this exam.") % {"n": exam.max_attempts},
        )
    elif info.open_attempt is None and info.next_allowed_at is not None and now < info.next_allowed_at:
        when = timezone.localtime(info.next_allowed_at).strftime("%Y-%m-%d %H:%M %Z")
        info.blocker = ("cooldown", _("You can start your next attempt from %(when)s.") % {"when": when})
    return info


def _enrolled(user: User, course_id) -> bool:
    return Enrollment.objects.filter(user=user, course_id=course_id, status__in=Enrollment.ACCESS_STATUSES).exists()


def exam_questions_for(attempt: ExamAttempt) -> list[ExamQuestion]:
    """The attempt's drawn questions in their order (one query; a question deleted since is left out)."""
    by_id = {str(q.pk): q for q in ExamQuestion.objects.filter(pk__in=attempt.question_ids)}
    return [by_id[qid] for qid in attempt.question_ids if qid in by_id]


def exam_attempt_list(*, user: User, exam: CertificationExam | None = None) -> QuerySet[ExamAttempt]:
    """The candidate's own attempts, newest first, with their exam."""
    qs = ExamAttempt.objects.filter(user=user).select_related("exam", "certificate")
    if exam is not None:
        qs = qs.filter(exam=exam)
    return qs.order_by("-started_at")


def exam_attempt_get(*, user: User, attempt_id) -> ExamAttempt:
    """The candidate's own attempt, or one the user reviews; the 404 of an unknown id otherwise."""
    attempt = (
        ExamAttempt.objects.select_related("exam", "exam__course", "user", "certificate", "reviewed_by")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or not user.is_authenticated:
        raise Http404(_("No such attempt."))
    if attempt.user_id != user.pk and not permissions.can_review_exam_attempt(user, attempt):
        raise Http404(_("No such attempt."))
    return attempt


def exam_attempt_own(*, user: User, attempt_id) -> ExamAttempt:
    """The candidate's own attempt (answering, proctoring): anyone else's is a 404, reviewers included."""
    attempt = None
    if user.is_authenticated:
        attempt = ExamAttempt.objects.select_related("exam").filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise Http404(_("No such attempt."))
    return attempt


@dataclass
class ProctorSummary:
    counts: dict[str, int]  # kind -> number of events
    flagged_kinds: list[str]
    threshold: int
    total: int
    dropped: int

    @property
    def flagged(self) -> bool:
        return bool(self.flagged_kinds)

    def rows(self) -> list[tuple[str, str, int, bool]]:
        """(kind, label, count, flagged) for every kind that occurred, in the order of the kinds."""
        labels = dict(ExamProctorEvent.Kind.choices)
        return [
            (kind, str(labels[kind]), self.counts[kind], kind in self.flagged_kinds)
            for kind in labels
            if self.counts.get(kind)
        ]


def flag_threshold() -> int:
    return int(setting_value("EXAM_PROCTOR_FLAG_THRESHOLD"))


def proctor_summary(*, attempt: ExamAttempt) -> ProctorSummary:
    """Events per kind (one grouped query) and the kinds at or above the flag threshold."""
    counts = dict(
        ExamProctorEvent.objects.filter(attempt=attempt).values_list("kind").annotate(n=Count("id")).order_by()
    )
    threshold = flag_threshold()
    flagged = [k for k in ExamProctorEvent.SUSPICIOUS if counts.get(k, 0) >= threshold]
    return ProctorSummary(counts, flagged, threshold, sum(counts.values()), attempt.proctor_events_dropped)


def proctor_timeline(*, attempt: ExamAttempt) -> list[ExamProctorEvent]:
    return list(ExamProctorEvent.objects.filter(attempt=attempt).order_by("occurred_at", "id"))


def _suspicious_count(kind: str):
    return Count("proctor_events", filter=Q(proctor_events__kind=kind))


def reviewable_exams(*, user: User) -> QuerySet[CertificationExam]:
    """The exams `user` reviews: every exam for reviewers (`permissions.can_review_exams`), the exams of
    the courses they teach for instructors."""
    exams = CertificationExam.objects.all()
    if not permissions.can_review_exams(user):
        exams = exams.filter(course__in=Course.objects.editable_by(user))
    return exams


def exam_attempts_for_review(
    *, user: User, exam: CertificationExam | None = None, flagged_only: bool = False
) -> QuerySet[ExamAttempt]:
    """Finished attempts of the exams `user` reviews (every exam for reviewers, their courses' exams for
    instructors), each with `event_total` and `flag_max` (the largest count of one suspicious kind)."""
    qs = ExamAttempt.objects.exclude(status=ExamAttempt.Status.IN_PROGRESS)
    if not permissions.can_review_exams(user):
        qs = qs.filter(exam__in=reviewable_exams(user=user))
    if exam is not None:
        qs = qs.filter(exam=exam)
    threshold = flag_threshold()
    annotations = {f"n_{k}": _suspicious_count(k) for k in ExamProctorEvent.SUSPICIOUS}
    qs = qs.annotate(event_total=Count("proctor_events"), **annotations)
    flag = Q()
    for kind in ExamProctorEvent.SUSPICIOUS:
        flag |= Q(**{f"n_{kind}__gte": threshold})
    if flagged_only:
        qs = qs.filter(flag)
    return qs.select_related("exam", "user", "certificate").order_by("-submitted_at", "-started_at")


def is_flagged(attempt: ExamAttempt) -> bool:
    """For an attempt from `exam_attempts_for_review` (annotated): a suspicious kind at the threshold."""
    threshold = flag_threshold()
    return any(getattr(attempt, f"n_{k}", 0) >= threshold for k in ExamProctorEvent.SUSPICIOUS)


def exams_dashboard_panel(*, user: User) -> dict | None:
    """The "Certification exams" panel of My learning: published exams and how many the user passed (2 queries)."""
    if not user.is_authenticated:
        return None
    total = _published().count()
    if not total:
        return None
    passed = ExamAttempt.objects.filter(user=user, passed=True).values("exam").distinct().count()
    return {"total": total, "passed": passed}


def exams_review_panel(*, user: User) -> dict | None:
    """The teaching dashboard's "Exam attempts" panel: for users who review at least one exam (2 queries)."""
    if not user.is_authenticated:
        return None
    exams = reviewable_exams(user=user)
    exam_count = exams.count()
    if not exam_count:
        return None
    finished = ExamAttempt.objects.filter(exam__in=exams).exclude(status=ExamAttempt.Status.IN_PROGRESS)
    return {"exams": exam_count, "unreviewed": finished.filter(reviewed_at__isnull=True).count()}
