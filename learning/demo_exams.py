"""Demo certification exam for `manage.py seed_demo` (after learning's demo; idempotent).

One published exam open to everyone ("Python Fundamentals Certification": a pool of 12 questions, 8 per
attempt, 15 minutes, pass 70%), a draft exam, the demo student's passed attempt (certificate) with a few
proctoring events, and the second student's attempt that ran out of time with a flagged proctoring log.
Everything goes through learning.services, like real use.
"""

import datetime as dt

from django.utils import timezone

from . import services
from .models import CertificationExam, ExamAttempt, ExamQuestion

SLUG = "python-fundamentals-certification"

QUESTIONS = [
    ("single_choice", "Which keyword defines a function in Python?", ["def", "func", "function", "lambda"], ["def"]),
    ("single_choice", "What does len([1, 2, 3]) return?", ["2", "3", "4", "An error"], ["3"]),
    ("true_false", "Python lists are mutable.", ["True", "False"], ["True"]),
    ("true_false", "A tuple can be changed after it is created.", ["True", "False"], ["False"]),
    (
        "multiple_choice",
        "Which of these are built-in Python types?",
        ["dict", "list", "array", "set"],
        ["dict", "list", "set"],
    ),
    ("single_choice", "Which operator gives the remainder of a division?", ["/", "//", "%", "**"], ["%"]),
    ("text", "Which keyword starts a loop over the items of a list?", [], ["for"]),
    ("single_choice", "What is the value of 2 ** 3?", ["6", "8", "9", "5"], ["8"]),
    ("multiple_choice", "Which values are falsy?", ["0", "''", "'False'", "None"], ["0", "''", "None"]),
    ("true_false", "Indentation is part of Python's syntax.", ["True", "False"], ["True"]),
    (
        "single_choice",
        "Which method adds an item at the end of a list?",
        ["add", "append", "push", "insert"],
        ["append"],
    ),
    ("text", "Which keyword handles an exception raised in a try block?", [], ["except"]),
]


def _exam(admin) -> CertificationExam:
    exam, created = CertificationExam.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": "Python Fundamentals Certification",
            "description": "Show that you master Python's basics: types, operators, functions, loops and "
            "exceptions. Pass with 70% to receive a certificate you can share.",
            "questions_per_attempt": 8,
            "time_limit_minutes": 15,
            "pass_score": 70,
            "max_attempts": 3,
            "cooldown_hours": 24,
            "show_correct_answers": True,
            "created_by": admin,
        },
    )
    if created:
        for order, (kind, text, options, correct) in enumerate(QUESTIONS, start=1):
            question = ExamQuestion(
                exam=exam, question=text, question_type=kind, options=options, correct_answers=correct, order=order
            )
            question.full_clean()
            question.save()
        exam.status = CertificationExam.Status.PUBLISHED
        services.exam_check_pool(exam=exam)
        exam.save(update_fields=["status", "updated_at"])
    CertificationExam.objects.get_or_create(
        slug="data-analysis-with-python-certification",
        defaults={
            "title": "Data Analysis with Python Certification",
            "description": "Coming soon: pandas, plotting and statistics.",
            "questions_per_attempt": 10,
            "created_by": admin,
        },
    )
    return exam


def _answers(attempt: ExamAttempt, *, correct: bool) -> dict:
    answers = {}
    for question in ExamQuestion.objects.filter(pk__in=attempt.question_ids):
        right = question.correct_answers
        if question.question_type == "multiple_choice":
            answers[str(question.pk)] = right if correct else right[:1]
        elif question.question_type == "text" or correct:
            answers[str(question.pk)] = right[0] if correct else "not sure"
        else:
            answers[str(question.pk)] = next(o for o in question.options if o not in right)
    return answers


def _events(attempt: ExamAttempt, plan: list[tuple[int, str]]) -> None:
    events = [
        {"kind": kind, "occurred_at": (attempt.started_at + dt.timedelta(seconds=s)).isoformat()} for s, kind in plan
    ]
    services.exam_proctor_events_record(
        attempt=attempt, user=attempt.user, events=events, now=attempt.started_at + dt.timedelta(minutes=9)
    )


def seed(ctx: dict, log) -> None:
    users = ctx.get("users") or {}
    student, student2, admin = users.get("student"), users.get("student2"), users.get("admin")
    if student is None:
        log("  no demo student: exams demo skipped")
        return
    exam = _exam(admin)
    if not ExamAttempt.objects.filter(user=student, exam=exam).exists():
        started = timezone.now() - dt.timedelta(days=2, minutes=12)
        attempt = services.exam_attempt_start(user=student, exam=exam, now=started)
        _events(attempt, [(5, "fullscreen_enter"), (200, "focus_lost"), (214, "focus_returned"), (420, "copy")])
        services.exam_answers_save(
            attempt=attempt,
            user=student,
            answers=_answers(attempt, correct=True),
            now=started + dt.timedelta(minutes=9),
        )
        services.exam_attempt_submit(attempt=attempt, user=student, now=started + dt.timedelta(minutes=10))
        log(f"  {student.email} passed “{exam.title}” (certificate)")
    if student2 is not None and not ExamAttempt.objects.filter(user=student2, exam=exam).exists():
        started = timezone.now() - dt.timedelta(hours=3)
        attempt = services.exam_attempt_start(user=student2, exam=exam, now=started)
        plan = [(30 * i, kind) for i, kind in enumerate(
            ["tab_hidden", "tab_visible", "paste", "tab_hidden", "tab_visible", "paste", "tab_hidden", "tab_visible",
             "paste", "context_menu", "fullscreen_exit"], start=1)]  # fmt: skip
        _events(attempt, plan)
        half = dict(list(_answers(attempt, correct=True).items())[:4])
        services.exam_answers_save(attempt=attempt, user=student2, answers=half, now=started + dt.timedelta(minutes=8))
        services.exam_attempts_close_due(now=started + dt.timedelta(minutes=20))
        log(f"  {student2.email}: an exam attempt that ran out of time, flagged for review")
