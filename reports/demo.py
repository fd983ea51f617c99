"""Demo data for `manage.py seed_demo` (runs last; idempotent).

Activity over the last 60 days (log-ins, lesson views, completions, quiz submissions, purchases) for
the demo students on the courses they are enrolled in, so the charts look alive; a transcript on a
video lesson; the accessibility scan and the content-analytics pipeline (each records a run).
"""

import datetime as dt
import random

from django.utils import timezone

from courses.models import CourseContent, VoiceTranscript
from learning.models import Enrollment

from .accessibility import accessibility_scan
from .models import ActivityLog
from .pipelines import content_analytics_refresh

TRANSCRIPT = (
    "Welcome to this lesson. In the next few minutes we will look at the main idea of the course,\n"
    "see it at work on a small example, and finish with a short exercise you can try yourself.\n"
    "Pause the video whenever you like; the transcript stays here for reference."
)


def seed(ctx, log) -> None:
    rng = random.Random(7)  # noqa: S311 (demo data)
    now = timezone.now()
    if not ActivityLog.objects.filter(data__demo=True).exists():
        enrolments = list(
            Enrollment.objects.filter(status__in=Enrollment.ACCESS_STATUSES).values_list("user_id", "course_id")
        )
        lessons: dict = {}
        for content_id, course_id in CourseContent.objects.filter(course_id__in={c for _, c in enrolments}).values_list(
            "id", "course_id"
        ):
            lessons.setdefault(course_id, []).append(content_id)
        users = sorted({u for u, _ in enrolments})
        rows = []
        for day in range(60):
            when = now - dt.timedelta(days=day)
            weekday_boost = 1.0 if when.weekday() < 5 else 0.6
            trend = 1.0 + (60 - day) / 60  # busier lately
            for user in users:
                if rng.random() > 0.55 * weekday_boost:
                    continue
                at = when.replace(hour=rng.randint(7, 22), minute=rng.randint(0, 59))
                rows.append(ActivityLog(user_id=user, event="login", created_at=at, data={"demo": True}))
                for _ in range(int(rng.randint(1, 4) * trend)):
                    _, course = rng.choice([e for e in enrolments if e[0] == user])
                    content = rng.choice(lessons.get(course) or [None])
                    event = rng.choice(["lesson_view"] * 5 + ["lesson_complete", "quiz_submit"])
                    rows.append(ActivityLog(user_id=user, event=event, course_id=course, content_id=content,
                                            created_at=at + dt.timedelta(minutes=rng.randint(1, 50)),
                                            data={"demo": True}))  # fmt: skip
            if rng.random() < 0.3 and enrolments:
                user, course = rng.choice(enrolments)
                rows.append(ActivityLog(user_id=user, event="purchase", course_id=course, created_at=when,
                                        data={"demo": True}))  # fmt: skip
        ActivityLog.objects.bulk_create(rows, batch_size=1000)
        log(f"  {len(rows)} activity events over 60 days")
    video = CourseContent.objects.filter(kind="video", is_published=True).order_by("course__title", "order").first()
    if video and not VoiceTranscript.objects.filter(content=video).exists():
        VoiceTranscript.objects.create(content=video, language="en", text=TRANSCRIPT)
        log(f"  transcript on “{video.title}”")
    run = accessibility_scan()
    log(f"  accessibility scan: {run.rows} change(s)")
    run = content_analytics_refresh()
    log(f"  content analytics: {run.rows} lesson(s)")
