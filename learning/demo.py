"""Demo learning data for `manage.py seed_demo` (runs after courses; idempotent).

The demo student gets: one completed course (with its certificate, issued by the Celery task on
commit), one course half done with a passed and a failed quiz attempt, graded and pending
assignments, attendance and notes, a just-started course, saved courses and a learning streak.
Everything goes through learning.services, like real use.  Without published courses it does nothing.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from courses.models import Course, CourseContent

from . import services
from .models import Assignment, AssignmentSubmission, ClassSession, LearningStreak, QuizAttempt

PREFERRED = ["python-for-absolute-beginners", "django-web-development-bootcamp"]


def _courses() -> list[Course]:
    courses = list(
        Course.objects.published()
        .annotate(n=Count("contents", filter=Q(contents__is_published=True, contents__is_required=True)))
        .filter(n__gte=3)
        .select_related("instructor")
        .order_by("price", "-is_featured", "title")
    )
    courses.sort(key=lambda c: (c.slug not in PREFERRED, PREFERRED.index(c.slug) if c.slug in PREFERRED else 0))
    return courses


def lessons_of(course: Course) -> list[CourseContent]:
    return list(
        CourseContent.objects.filter(course=course, is_published=True, section__is_published=True).order_by(
            "section__order", "order"
        )
    )


def _enrol(user, course: Course):
    return services.enrollment_create(user=user, course=course, source="free" if course.is_free else "staff")


def _take_quiz(user, quiz: CourseContent, *, correct: bool) -> None:
    attempt = services.quiz_attempt_start(user=user, content=quiz)
    answers = {}
    for question in quiz.questions.filter(pk__in=attempt.question_order):
        right = question.correct_answers
        if question.question_type == "multiple_choice":
            answers[str(question.pk)] = right if correct else right[:1]
        elif correct:
            answers[str(question.pk)] = right[0] if right else ""
        else:
            wrong = [o for o in question.options if o not in right]
            answers[str(question.pk)] = wrong[0] if wrong else "not sure"
    services.quiz_attempt_submit(attempt=attempt, user=user, answers=answers)


def lessons_complete(user, lessons, *, upto: int | None = None) -> None:
    for lesson in lessons[:upto]:
        if lesson.kind == CourseContent.Kind.QUIZ:
            if not QuizAttempt.objects.filter(user=user, content=lesson, passed=True).exists():
                _take_quiz(user, lesson, correct=True)
        else:
            services.lesson_mark_complete(user=user, content=lesson)
            services.lesson_time_record(user=user, content=lesson, seconds=services.MAX_HEARTBEAT_SECONDS)


def _assignment(course: Course, title: str, days: int, **extra) -> Assignment:
    assignment, _ = Assignment.objects.get_or_create(
        course=course,
        title=title,
        defaults={
            "instructor": course.instructor,
            "description": extra.pop(
                "description",
                f"Apply what you learned in {course.title}.\n\n"
                "Write one page (or upload a PDF) and explain your choices.",
            ),
            "due_at": timezone.now() + dt.timedelta(days=days),
            "points": extra.pop("points", 20),
            "is_published": True,
            **extra,
        },
    )
    return assignment


def _class_sessions(course: Course, student, student2) -> None:
    """Classroom sessions: last week's (closed: the classmate is absent), one today at 14:00 in Room 2
    (self sign-in allowed) and one next week online.  Idempotent: keyed by title."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    plans = [
        ("Kick-off workshop", today - dt.timedelta(days=7), (9, 30), "Room 2", "", False),
        ("Hands-on lab", today, (14, 0), "Room 2", "", True),
        ("Q&A (online)", today + dt.timedelta(days=7), (17, 0), "", "https://meet.example.com/courseworx", False),
    ]
    for title, day, (hour, minute), room, url, self_sign_in in plans:
        if ClassSession.objects.filter(course=course, title=title).exists():
            continue
        starts = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)
        session = services.class_session_create(
            actor=course.instructor, course=course, title=title, starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2), timezone=timezone.get_current_timezone_name(), room=room,
            online_url=url, self_sign_in_allowed=self_sign_in, capacity=30,
        )  # fmt: skip
        if day < today:
            services.attendance_session_mark(
                session=session, user=student, actor=course.instructor, action="sign_in",
                reason="Demo data: signed in on paper", at=starts + dt.timedelta(minutes=3),
            )  # fmt: skip
            services.class_session_close(session_id=session.pk, now=starts + dt.timedelta(hours=3))


def seed(ctx: dict, log) -> None:
    users = ctx.get("users") or {}
    student, student2 = users.get("student"), users.get("student2")
    courses = _courses()
    if student is None or len(courses) < 3:
        log("  no published courses with lessons yet: learning demo data skipped")
        return
    finished, halfway, started = courses[0], courses[1], courses[2]

    # 1. A completed course: every required lesson (the final quiz passed) -> certificate on commit.
    _enrol(student, finished)
    finished_lessons = lessons_of(finished)
    lessons_complete(student, finished_lessons)
    services.note_save(user=student, content=finished_lessons[0], body="Great overview — rewatch before the quiz.")

    # 2. Half way through, with a failed quiz attempt (two attempts left), assignments, attendance.
    _enrol(student, halfway)
    lessons = lessons_of(halfway)
    required = [lesson for lesson in lessons if lesson.is_required and lesson.kind != CourseContent.Kind.QUIZ]
    lessons_complete(student, required, upto=max(1, len(required) // 2))
    quiz = next((lesson for lesson in lessons if lesson.kind == CourseContent.Kind.QUIZ), None)
    if quiz is not None and not QuizAttempt.objects.filter(user=student, content=quiz).exists():
        _take_quiz(student, quiz, correct=False)
    services.note_save(user=student, content=required[0], body="Key idea: small steps, tested often.")
    graded = _assignment(halfway, "Project plan", 6, points=20)
    essay = _assignment(halfway, "Reflection essay", 12, points=10, allow_late=True)
    _assignment(halfway, "Final project", 25, points=50)
    if not AssignmentSubmission.objects.filter(assignment=graded, user=student).exists():
        submission = services.assignment_submit(
            user=student, assignment=graded, text="My plan: three milestones, a weekly review and a demo at the end."
        )
        services.submission_grade(
            submission=submission,
            grader=halfway.instructor,
            score=Decimal("17"),
            feedback="Clear and realistic. Add a risk list next time.",
        )
    if not AssignmentSubmission.objects.filter(assignment=essay, user=student).exists():
        services.assignment_submit(user=student, assignment=essay, text="What I learned so far: …")
    today = timezone.localdate()
    for days_ago, status, start, end in [
        (14, "present", (9, 0), (11, 0)),
        (7, "late", (9, 20), (11, 0)),
        (3, "excused", None, None),
    ]:
        services.attendance_record(
            course=halfway,
            user=student,
            date=today - dt.timedelta(days=days_ago),
            status=status,
            recorded_by=halfway.instructor,
            sign_in_at=dt.time(*start) if start else None,
            sign_out_at=dt.time(*end) if end else None,
        )

    _class_sessions(halfway, student, student2)

    # 3. Just started.
    _enrol(student, started)
    lessons_complete(student, lessons_of(started), upto=1)
    _assignment(started, "First exercise", 3, points=10)

    # Wishlist and a learning streak.
    for course in courses[3:5]:
        services.saved_course_add(user=student, course=course)
    streak, _ = LearningStreak.objects.get_or_create(user=student)
    streak.current_days, streak.longest_days = max(streak.current_days, 4), max(streak.longest_days, 9)
    streak.last_activity_date = today
    streak.save()

    # A classmate: some progress and a submission waiting in the instructor's grading queue.
    if student2 is not None:
        _enrol(student2, finished)
        lessons_complete(student2, lessons_of(finished), upto=2)
        _enrol(student2, halfway)
        if not AssignmentSubmission.objects.filter(assignment=graded, user=student2).exists():
            services.assignment_submit(user=student2, assignment=graded, text="Plan: build, test, ship.")

    services.course_stats_refresh()
    log(f"  student enrolled in {finished.title} (completed), {halfway.title} and {started.title}")
