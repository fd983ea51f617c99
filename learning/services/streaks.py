"""Learning streaks: consecutive days with learning activity (opening or completing lessons)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from learning.models import LearningStreak

from .gamification import gamification_on_streak


def learning_streak_record(*, user_id, on: dt.date) -> None:
    """Count a day of learning: +1 when yesterday was active, reset to 1 otherwise (SQL updates)."""
    if not LearningStreak.objects.filter(user_id=user_id).exists():
        try:
            with transaction.atomic():
                LearningStreak.objects.create(user_id=user_id, current_days=1, longest_days=1, last_activity_date=on)
            return
        except IntegrityError:
            pass
    yesterday = on - dt.timedelta(days=1)
    continued = LearningStreak.objects.filter(user_id=user_id, last_activity_date=yesterday).update(
        current_days=F("current_days") + 1,
        longest_days=Greatest(F("longest_days"), F("current_days") + 1),
        last_activity_date=on,
        updated_at=timezone.now(),
    )
    if continued:
        gamification_on_streak(user_id=user_id)
    else:
        LearningStreak.objects.filter(user_id=user_id).filter(
            Q(last_activity_date__isnull=True) | Q(last_activity_date__lt=yesterday)
        ).update(
            current_days=1,
            longest_days=Greatest(F("longest_days"), Value(1)),
            last_activity_date=on,
            updated_at=timezone.now(),
        )
