"""Progress: a student completes a lesson ("mark complete"; quizzes complete by being passed, see
quizzes.py) and the time spent on it is recorded.  Completing the last required lesson completes the
enrolment (`_common._progress_increment`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import CourseContent
from learning.models import LessonCompletion

from ._common import _access_enrollment, _check_lesson_open, _complete_lesson

# One heartbeat may add at most this much time (the page sends one every 30 s).
MAX_HEARTBEAT_SECONDS = 120


@transaction.atomic
def lesson_mark_complete(*, user: User, content: CourseContent) -> LessonCompletion:
    """The student's "mark complete" button.  Quizzes complete only by being passed."""
    if content.kind == CourseContent.Kind.QUIZ:
        raise ValidationError(_("Pass the quiz to complete this lesson."), code="quiz_not_passed")
    enrollment = _access_enrollment(user=user, course_id=content.course_id, lock=True)
    _check_lesson_open(content=content, enrollment=enrollment)
    _complete_lesson(enrollment=enrollment, content=content)
    return LessonCompletion.objects.get(user=user, content=content)


@transaction.atomic
def lesson_time_record(*, user: User, content: CourseContent, seconds: int) -> LessonCompletion:
    """Add time spent on a lesson (heartbeat), bounded per call."""
    seconds = max(0, min(int(seconds), MAX_HEARTBEAT_SECONDS))
    _access_enrollment(user=user, course_id=content.course_id)
    completion, _ = LessonCompletion.objects.get_or_create(
        user=user, content=content, defaults={"course_id": content.course_id}
    )
    if seconds:
        LessonCompletion.objects.filter(pk=completion.pk).update(
            time_spent_seconds=F("time_spent_seconds") + seconds, updated_at=timezone.now()
        )
        completion.refresh_from_db(fields=["time_spent_seconds"])
    return completion
