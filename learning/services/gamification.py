"""Gamification write paths: the points ledger, achievements and challenges.

- Points are rows of `PointsEntry` (append-only).  An event's row is keyed (user, reason, source_key), so
  an event that is reported twice awards once (the insert's unique constraint decides, in a savepoint).
  A withdrawn source (a review hidden by moderation, an accepted answer un-accepted) gets a negative row
  `<key>#<n>`; a restored one a positive `<key>#<n>` again: the source's rows always net to 0 or the award.
- Achievements are evaluated when an event that can change their criterion happens (`kinds`); the award is
  an INSERT guarded by the unique (user, achievement): only the insert that wins adds the reward points and
  the notification, so two concurrent triggers award once.
- Challenge progress is recomputed in SQL from the learning records inside the challenge's window whenever
  a matching event happens (`challenge_progress_value`), and rewarded once (a conditional UPDATE).

The learning services call the `gamification_on_*` functions; community calls `points_answer_*` and
`points_review_*` (a downward import).  Amounts are live settings (`GAMIFICATION_POINTS_*`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.exceptions import ConflictError
from courseworx.core.live_settings import setting_value
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from learning.models import (
    Achievement,
    Challenge,
    ChallengeParticipation,
    Enrollment,
    GamificationProfile,
    LearningStreak,
    LessonCompletion,
    PointsEntry,
    PointsReason,
    QuizAttempt,
    UserAchievement,
)

Kind = Achievement.Kind
Metric = Challenge.Metric

MAX_ADJUSTMENT = 1_000_000


def _amount(key: str) -> int:
    return max(0, int(setting_value(key) or 0))


# --- Points --------------------------------------------------------------------------------------


def _points_insert(
    *,
    user_id,
    amount: int,
    reason: str,
    source_key: str,
    course_id=None,
    note: str = "",
    created_by: User | None = None,
    kinds: Iterable[str] = (),
    metrics: Iterable[str] = (),
) -> PointsEntry | None:
    """Insert one ledger row; None when this (user, reason, source) already has one (the event was counted).

    `kinds` / `metrics`: the achievement kinds and challenge metrics the causing event can move; they are
    evaluated (whether or not the row was new) in one pass with the points' own (points total, points earned)."""
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                user_id=user_id,
                amount=amount,
                reason=reason,
                source_key=source_key[:120],
                course_id=course_id,
                note=note[:300],
                created_by=created_by,
                created_at=timezone.now(),
            )
    except IntegrityError:
        entry = None
    kinds, metrics = list(kinds), list(metrics)
    if entry is not None and amount:
        kinds.append(Kind.POINTS_TOTAL)
        if reason != PointsReason.CHALLENGE:  # a challenge's reward does not count towards a points challenge
            metrics.append(Metric.POINTS_EARNED)
    if kinds:
        achievements_evaluate(user_id=user_id, kinds=kinds)
    if metrics:
        challenges_progress_update(user_id=user_id, metrics=metrics)
    return entry


def _source_rows(user_id, key: str):
    return PointsEntry.objects.filter(user_id=user_id).filter(Q(source_key=key) | Q(source_key__startswith=key + "#"))


def _points_grant(*, user_id, reason: str, key: str, amount: int, course_id=None) -> PointsEntry | None:
    """Award a source's points unless they stand already (first award, or a restore after a withdrawal)."""
    state = _source_rows(user_id, key).aggregate(n=Count("id"), net=Sum("amount"))
    if not state["n"]:
        return _points_insert(user_id=user_id, amount=amount, reason=reason, source_key=key, course_id=course_id)
    if (state["net"] or 0) > 0 or not amount:
        return None
    return _points_insert(
        user_id=user_id, amount=amount, reason=reason, source_key=f"{key}#{state['n']}", course_id=course_id
    )


def _points_withdraw(*, user_id, reason: str, key: str) -> PointsEntry | None:
    """Take back what a source stands at (a negative row); nothing when it stands at 0."""
    state = _source_rows(user_id, key).aggregate(n=Count("id"), net=Sum("amount"))
    net = state["net"] or 0
    if net <= 0:
        return None
    course_id = _source_rows(user_id, key).values_list("course_id", flat=True).first()
    return _points_insert(
        user_id=user_id, amount=-net, reason=reason, source_key=f"{key}#{state['n']}", course_id=course_id
    )


@transaction.atomic
def points_adjust(*, actor: User, user: User, amount: int, note: str) -> PointsEntry:
    """A staff correction of a user's points (+ or -), with its reason; audited."""
    if not (actor.is_superuser or actor.has_perm("learning.add_pointsentry")):
        raise PermissionDenied(_("You may not adjust points."))
    note = (note or "").replace("\x00", "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the points are adjusted.")})
    if not isinstance(amount, int) or amount == 0 or abs(amount) > MAX_ADJUSTMENT:
        raise ValidationError({"amount": _("Enter a non-zero whole number up to one million.")})
    key = f"adjustment:{timezone.now().isoformat()}:{actor.pk}"
    entry = _points_insert(
        user_id=user.pk, amount=amount, reason=PointsReason.ADJUSTMENT, source_key=key, note=note, created_by=actor
    )
    if entry is None:
        raise ConflictError(_("This adjustment was just made; try again."), code="duplicate_adjustment")
    audit_log_create(actor=actor, action="learning.points_adjusted", target=entry, reason=note,
                     changes={"user": str(user.pk), "amount": amount})  # fmt: skip
    return entry


def points_answer_accepted(*, user_id, reply_id, course_id) -> PointsEntry | None:
    """Community: a reply by `user_id` became a thread's accepted answer."""
    with transaction.atomic():
        entry = _points_grant(
            user_id=user_id,
            reason=PointsReason.ACCEPTED_ANSWER,
            key=f"reply:{reply_id}",
            amount=_amount("GAMIFICATION_POINTS_ACCEPTED_ANSWER"),
            course_id=course_id,
        )
        achievements_evaluate(user_id=user_id, kinds=[Kind.FIRST_ACCEPTED_ANSWER])
    return entry


def points_answer_unaccepted(*, user_id, reply_id) -> PointsEntry | None:
    """Community: an accepted answer was cleared or replaced (or its reply hidden)."""
    with transaction.atomic():
        return _points_withdraw(user_id=user_id, reason=PointsReason.ACCEPTED_ANSWER_REVOKED, key=f"reply:{reply_id}")


def points_review_posted(*, user_id, review_id, course_id) -> PointsEntry | None:
    """Community: a review was posted (or restored by a moderator)."""
    with transaction.atomic():
        entry = _points_grant(
            user_id=user_id,
            reason=PointsReason.REVIEW_POSTED,
            key=f"review:{review_id}",
            amount=_amount("GAMIFICATION_POINTS_REVIEW"),
            course_id=course_id,
        )
        achievements_evaluate(user_id=user_id, kinds=[Kind.FIRST_REVIEW])
    return entry


def points_review_removed(*, user_id, review_id) -> PointsEntry | None:
    """Community: a review was hidden by moderation or deleted: its points are taken back."""
    with transaction.atomic():
        return _points_withdraw(user_id=user_id, reason=PointsReason.REVIEW_REMOVED, key=f"review:{review_id}")


# --- Learning events (called by progress, enrolment completion and quizzes) ------------------------


def gamification_on_lesson_completed(*, user_id, content_id, course_id) -> None:
    _points_insert(
        user_id=user_id,
        amount=_amount("GAMIFICATION_POINTS_LESSON"),
        reason=PointsReason.LESSON_COMPLETED,
        source_key=f"lesson:{content_id}",
        course_id=course_id,
        kinds=[Kind.LESSONS_COMPLETED],
        metrics=[Metric.LESSONS_COMPLETED],
    )


def gamification_on_course_completed(*, user_id, course_id) -> None:
    _points_insert(
        user_id=user_id,
        amount=_amount("GAMIFICATION_POINTS_COURSE"),
        reason=PointsReason.COURSE_COMPLETED,
        source_key=f"course:{course_id}",
        course_id=course_id,
        kinds=[Kind.COURSES_COMPLETED],
        metrics=[Metric.COURSES_COMPLETED],
    )


def quiz_points(percent: Decimal) -> int:
    """The points of a passed quiz: the live amount scaled by the score (rounded half up)."""
    full = Decimal(_amount("GAMIFICATION_POINTS_QUIZ"))
    return int((full * Decimal(percent) / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def gamification_on_quiz_passed(*, attempt: QuizAttempt) -> None:
    """A passed quiz earns once per quiz (its first pass), scaled by that attempt's score."""
    _points_insert(
        user_id=attempt.user_id,
        amount=quiz_points(attempt.percent or Decimal(0)),
        reason=PointsReason.QUIZ_PASSED,
        source_key=f"quiz:{attempt.content_id}",
        course_id=attempt.course_id,
        note=f"{attempt.percent}%",
        kinds=[Kind.PERFECT_QUIZ],
        metrics=[Metric.QUIZZES_PASSED],
    )


def gamification_on_streak(*, user_id) -> None:
    """The learning streak grew (once a day at most)."""
    achievements_evaluate(user_id=user_id, kinds=[Kind.STREAK_DAYS])


# --- Achievements --------------------------------------------------------------------------------


def criterion_values(*, user_id, kinds: Iterable[str]) -> dict[str, int]:
    """The user's current value of each criterion kind (one query per kind asked)."""
    values: dict[str, int] = {}
    for kind in set(kinds):
        if kind == Kind.LESSONS_COMPLETED:
            values[kind] = LessonCompletion.objects.filter(user_id=user_id, completed=True).count()
        elif kind == Kind.COURSES_COMPLETED:
            values[kind] = Enrollment.objects.filter(user_id=user_id, completed_at__isnull=False).count()
        elif kind == Kind.STREAK_DAYS:
            streak = LearningStreak.objects.filter(user_id=user_id).values_list("longest_days", flat=True).first()
            values[kind] = streak or 0
        elif kind == Kind.PERFECT_QUIZ:
            values[kind] = (
                QuizAttempt.objects.filter(user_id=user_id, passed=True, percent__gte=100)
                .values("content_id")
                .distinct()
                .count()
            )
        elif kind in (Kind.FIRST_ACCEPTED_ANSWER, Kind.FIRST_REVIEW):
            reason = PointsReason.ACCEPTED_ANSWER if kind == Kind.FIRST_ACCEPTED_ANSWER else PointsReason.REVIEW_POSTED
            values[kind] = (
                PointsEntry.objects.filter(user_id=user_id, reason=reason).exclude(source_key__contains="#").count()
            )
        elif kind == Kind.POINTS_TOTAL:
            values[kind] = PointsEntry.objects.filter(user_id=user_id).aggregate(s=Sum("amount"))["s"] or 0
    return values


def achievements_evaluate(*, user_id, kinds: Iterable[str]) -> list[UserAchievement]:
    """Award the active achievements of these kinds whose threshold the user has reached (each once)."""
    candidates = list(
        Achievement.objects.filter(is_active=True, criterion_kind__in=list(kinds)).exclude(awards__user_id=user_id)
    )
    if not candidates:
        return []
    values = criterion_values(user_id=user_id, kinds={a.criterion_kind for a in candidates})
    return [
        award
        for a in candidates
        if values.get(a.criterion_kind, 0) >= a.threshold
        for award in [achievement_award(user_id=user_id, achievement=a)]
        if award is not None
    ]


@transaction.atomic
def achievement_award(*, user_id, achievement: Achievement) -> UserAchievement | None:
    """Insert the award; None when the user has it (also when a concurrent trigger won the insert).
    Only the winning insert adds the reward points and the notification."""
    try:
        with transaction.atomic():
            award = UserAchievement.objects.create(user_id=user_id, achievement=achievement, awarded_at=timezone.now())
    except IntegrityError:
        return None
    if achievement.points_reward:
        _points_insert(
            user_id=user_id,
            amount=achievement.points_reward,
            reason=PointsReason.ACHIEVEMENT,
            source_key=f"achievement:{achievement.pk}",
            note=achievement.name,
        )
    notification_create(
        user=User.objects.get(pk=user_id),
        category=Notification.Category.CERTIFICATE,
        title=_("Achievement unlocked: %(name)s") % {"name": achievement.name},
        body=achievement.description,
        url=reverse("learning:achievements"),
    )
    return award


# --- Preferences ---------------------------------------------------------------------------------


@transaction.atomic
def gamification_preferences_set(
    *, user: User, leaderboard_opt_out: bool | None = None, achievements_public: bool | None = None
) -> GamificationProfile:
    profile, _created = GamificationProfile.objects.select_for_update().get_or_create(user=user)
    fields = []
    if leaderboard_opt_out is not None:
        profile.leaderboard_opt_out = bool(leaderboard_opt_out)
        fields.append("leaderboard_opt_out")
    if achievements_public is not None:
        profile.achievements_public = bool(achievements_public)
        fields.append("achievements_public")
    if fields:
        profile.save(update_fields=[*fields, "updated_at"])
    return profile


# --- Challenges ----------------------------------------------------------------------------------


def challenge_progress_value(*, user_id, challenge: Challenge, now: dt.datetime | None = None) -> int:
    """The user's progress in a challenge from their records inside its window (one SQL query)."""
    now = now or timezone.now()
    start, end = challenge.starts_at, min(challenge.ends_at, now)
    if end <= start:
        return 0
    course = {"course_id": challenge.course_id} if challenge.course_id else {}
    if challenge.metric == Metric.LESSONS_COMPLETED:
        return LessonCompletion.objects.filter(
            user_id=user_id, completed=True, completed_at__gte=start, completed_at__lt=end, **course
        ).count()
    if challenge.metric == Metric.COURSES_COMPLETED:
        return Enrollment.objects.filter(
            user_id=user_id, completed_at__gte=start, completed_at__lt=end, **course
        ).count()
    if challenge.metric == Metric.QUIZZES_PASSED:
        return (
            QuizAttempt.objects.filter(
                user_id=user_id, passed=True, submitted_at__gte=start, submitted_at__lt=end, **course
            )
            .values("content_id")
            .distinct()
            .count()
        )
    total = (
        PointsEntry.objects.filter(user_id=user_id, created_at__gte=start, created_at__lt=end, **course)
        .exclude(reason=PointsReason.CHALLENGE)
        .aggregate(s=Sum("amount"))["s"]
    )
    return max(0, total or 0)


def _participation_refresh(participation: ChallengeParticipation, *, now: dt.datetime) -> ChallengeParticipation:
    challenge = participation.challenge
    progress = challenge_progress_value(user_id=participation.user_id, challenge=challenge, now=now)
    ChallengeParticipation.objects.filter(pk=participation.pk).update(progress=progress, updated_at=now)
    participation.progress = progress
    if progress >= challenge.target and participation.completed_at is None and now < challenge.ends_at:
        won = ChallengeParticipation.objects.filter(pk=participation.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        if won:
            participation.completed_at = now
            if challenge.reward_points:
                _points_insert(
                    user_id=participation.user_id,
                    amount=challenge.reward_points,
                    reason=PointsReason.CHALLENGE,
                    source_key=f"challenge:{challenge.pk}",
                    course_id=challenge.course_id,
                    note=challenge.title,
                )
            notification_create(
                user=participation.user,
                category=Notification.Category.CERTIFICATE,
                title=_("Challenge completed: %(title)s") % {"title": challenge.title},
                url=reverse("learning:challenges"),
            )
    return participation


def challenges_progress_update(*, user_id, metrics: Iterable[str], now: dt.datetime | None = None) -> None:
    """An event of these metrics happened: refresh the user's open participations that it can move."""
    now = now or timezone.now()
    open_ones = ChallengeParticipation.objects.filter(
        user_id=user_id,
        completed_at__isnull=True,
        challenge__is_active=True,
        challenge__metric__in=list(metrics),
        challenge__starts_at__lte=now,
        challenge__ends_at__gt=now,
    ).select_related("challenge", "user")
    for participation in open_ones:
        _participation_refresh(participation, now=now)


@transaction.atomic
def challenge_join(*, user: User, challenge: Challenge) -> ChallengeParticipation:
    """Join a challenge that has not ended (upcoming ones too); joining twice answers the same participation."""
    now = timezone.now()
    challenge = Challenge.objects.select_related("course").get(pk=challenge.pk)
    if not challenge.is_active or challenge.ends_at <= now:
        raise ConflictError(_("This challenge has ended."), code="challenge_ended")
    if (
        challenge.course_id
        and not Enrollment.objects.active().filter(user=user, course_id=challenge.course_id).exists()
    ):
        raise PermissionDenied(_("Enrol in the challenge's course first."))
    participation, created = ChallengeParticipation.objects.get_or_create(
        user=user, challenge=challenge, defaults={"joined_at": now}
    )
    if created and challenge.starts_at <= now:
        participation.challenge = challenge
        _participation_refresh(participation, now=now)
    return participation


def challenge_participations_recount(*, challenge: Challenge) -> int:
    """Recompute every open participation of a challenge from the records (admin action, repairs)."""
    now = timezone.now()
    count = 0
    for participation in challenge.participations.filter(completed_at__isnull=True).select_related("challenge", "user"):
        with transaction.atomic():
            _participation_refresh(participation, now=min(now, challenge.ends_at))
        count += 1
    return count
