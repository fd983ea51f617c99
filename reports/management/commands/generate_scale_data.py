"""Generate a large, repeatable data set for the report benchmarks (bench/reports.py).

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/courseworx_bench \
        python manage.py generate_scale_data --users 100000 --courses 2000 --enrolments 1000000 \
        --completions 5000000 --seed 42

Bulk inserts only (no services, no signals), in batches, with a progress bar.  The same seed gives the
same rows (ids included).  Rows are tagged (e-mails @scale.invalid, slugs scale-...) and the command
refuses to run twice on one database unless --force is given.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
import uuid
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from billing.models import EarningEntry, Payment
from community.models import SupportTicket
from courses.models import Category, Course, CourseContent, CourseSection
from learning.models import Attendance, Enrollment, LearningStreak, LessonCompletion, QuizAttempt
from reports.models import ActivityLog

LESSONS_PER_COURSE = 10
BATCH = 5000


class Progress:
    def __init__(self, out, label: str, total: int):
        self.out, self.label, self.total, self.done, self.start = out, label, max(total, 1), 0, time.monotonic()

    def add(self, n: int) -> None:
        self.done += n
        pct = min(100, int(100 * self.done / self.total))
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        rate = self.done / max(time.monotonic() - self.start, 1e-6)
        self.out.write(f"\r{self.label:<18} [{bar}] {pct:3d}% {self.done:>10,} rows {rate:>9,.0f}/s")
        self.out.flush()

    def close(self) -> None:
        self.out.write("\n")


class Command(BaseCommand):
    help = "Bulk-insert a large, repeatable data set for report benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=2000)
        parser.add_argument("--courses", type=int, default=50)
        parser.add_argument("--enrolments", type=int, default=10000)
        parser.add_argument("--completions", type=int, default=50000)
        parser.add_argument("--activity", type=int, default=None, help="ActivityLog rows (default: 2 × enrolments).")
        parser.add_argument("--days", type=int, default=365, help="Spread dates over this many past days.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--force", action="store_true", help="Add to a database that already has scale data.")

    def handle(self, *args, **o):
        if Course.objects.filter(slug__startswith="scale-").exists() and not o["force"]:
            raise CommandError("This database already has scale data (use a fresh database, or --force).")
        if o["enrolments"] > o["users"] * o["courses"]:
            raise CommandError("More enrolments than user × course pairs.")
        self.rng = random.Random(o["seed"])  # noqa: S311 (repeatable test data, not secrets)
        self.now = timezone.now().replace(microsecond=0)
        self.days = o["days"]
        out = sys.stdout
        started = time.monotonic()
        with transaction.atomic():
            instructors, students = self._users(out, o["users"], max(1, o["courses"] // 10))
            courses, contents = self._courses(out, o["courses"], instructors)
        enrolments = self._enrolments(out, o["enrolments"], students, courses)
        self._completions(out, o["completions"], enrolments, contents)
        self._activity(out, o["activity"] if o["activity"] is not None else 2 * o["enrolments"], enrolments, contents)
        self._extras(out, enrolments, contents, courses, students)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.0f} s."))

    # -- helpers ----------------------------------------------------------------------------
    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _when(self) -> dt.datetime:
        return self.now - dt.timedelta(seconds=self.rng.randrange(self.days * 86400))

    def _bulk(self, out, label, model, rows_iter, total, **kwargs) -> None:
        bar = Progress(out, label, total)
        batch = []
        for row in rows_iter:
            batch.append(row)
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch, batch_size=BATCH, **kwargs)
                bar.add(len(batch))
                batch = []
        if batch:
            model.objects.bulk_create(batch, batch_size=BATCH, **kwargs)
            bar.add(len(batch))
        bar.close()

    # -- tables -----------------------------------------------------------------------------
    def _users(self, out, n_users, n_instructors):
        password = "!scale-data-unusable"  # noqa: S105 (an unusable password hash)
        instructors = [self._uuid() for _ in range(n_instructors)]
        students = [self._uuid() for _ in range(n_users)]

        def rows():
            for i, pk in enumerate(instructors):
                yield User(id=pk, email=f"scale-instructor-{i}@scale.invalid", first_name="Teacher", last_name=f"No{i}",
                           role="instructor", is_staff=True, password=password)  # fmt: skip
            for i, pk in enumerate(students):
                yield User(id=pk, email=f"scale-student-{i}@scale.invalid", first_name="Student", last_name=f"No{i}",
                           password=password)  # fmt: skip

        self._bulk(out, "users", User, rows(), n_users + n_instructors)
        return instructors, students

    def _courses(self, out, n_courses, instructors):
        category, _ = Category.objects.get_or_create(slug="scale-data", defaults={"name": "Scale data"})
        courses = [(self._uuid(), instructors[i % len(instructors)]) for i in range(n_courses)]
        self._bulk(out, "courses", Course, (
            Course(id=pk, instructor_id=owner, title=f"Scale course {i}", slug=f"scale-{i}", description="Generated.",
                   category=category, status="published", published_at=self.now,
                   price=Decimal(self.rng.choice([0, 19, 49, 99])))
            for i, (pk, owner) in enumerate(courses)
        ), n_courses)  # fmt: skip
        sections = [self._uuid() for _ in courses]
        pairs = list(zip(sections, courses, strict=True))
        self._bulk(out, "sections", CourseSection, (
            CourseSection(id=s, course_id=c, title="Section 1", order=1) for s, (c, _) in pairs
        ), n_courses)  # fmt: skip
        contents = {c: [self._uuid() for _ in range(LESSONS_PER_COURSE)] for c, _ in courses}
        self._bulk(out, "lessons", CourseContent, (
            CourseContent(id=pk, course_id=c, section_id=s, title=f"Lesson {j}", kind="article", order=j,
                          article_body="Generated.", article_html="<p>Generated.</p>")
            for s, (c, _) in zip(sections, courses, strict=True) for j, pk in enumerate(contents[c])
        ), n_courses * LESSONS_PER_COURSE)  # fmt: skip
        return [c for c, _ in courses], contents

    def _enrolments(self, out, n, students, courses):
        """Student i takes courses (i * 7 + j) mod C for j < per_student: unique pairs, spread evenly."""
        per_student = -(-n // len(students))
        statuses = ["enrolled"] * 12 + ["completed"] * 5 + ["dropped"] * 2 + ["suspended"]
        result = []

        def rows():
            made = 0
            for i, user in enumerate(students):
                for j in range(per_student):
                    if made >= n:
                        return
                    course = courses[(i * 7 + j) % len(courses)]
                    status = self.rng.choice(statuses)
                    enrolled = self._when()
                    completed = enrolled + dt.timedelta(days=self.rng.randint(1, 60)) if status == "completed" else None
                    if completed and completed > self.now:
                        completed = self.now
                    progress = 100 if status == "completed" else self.rng.choice([0, 10, 30, 50, 70, 90])
                    pk = self._uuid()
                    result.append((pk, user, course, enrolled))
                    made += 1
                    yield Enrollment(id=pk, user_id=user, course_id=course, status=status, enrolled_at=enrolled,
                                     completed_at=completed, dropped_at=enrolled if status == "dropped" else None,
                                     required_total=LESSONS_PER_COURSE, completed_required=progress // 10,
                                     progress_percent=Decimal(progress), last_accessed_at=self._when())  # fmt: skip

        self._bulk(out, "enrolments", Enrollment, rows(), n)
        return result

    def _completions(self, out, n, enrolments, contents):
        per = max(1, min(LESSONS_PER_COURSE, -(-n // max(len(enrolments), 1))))

        def rows():
            made = 0
            for _pk, user, course, enrolled in enrolments:
                for content in contents[course][:per]:
                    if made >= n:
                        return
                    done = self.rng.random() < 0.7
                    when = enrolled + dt.timedelta(hours=self.rng.randint(1, 24 * 30))
                    when = min(when, self.now)
                    made += 1
                    yield LessonCompletion(user_id=user, content_id=content, course_id=course, completed=done,
                                           completed_at=when if done else None,
                                           time_spent_seconds=self.rng.randint(30, 3600), updated_at=when)  # fmt: skip

        self._bulk(out, "lesson records", LessonCompletion, rows(), min(n, per * len(enrolments)))
        # updated_at is auto_now: bulk_create sets it to now; spread it like real use.
        # (A single UPDATE: the benchmark needs realistic dates on the time-spent figure.)
        LessonCompletion.objects.filter(completed_at__isnull=False).update(updated_at=models_f("completed_at"))

    def _activity(self, out, n, enrolments, contents):
        events = ["lesson_view"] * 6 + ["lesson_complete"] * 2 + ["quiz_submit", "login"]

        def rows():
            for _ in range(n):
                _pk, user, course, _enrolled = enrolments[self.rng.randrange(len(enrolments))]
                event = self.rng.choice(events)
                yield ActivityLog(user_id=user, event=event, course_id=None if event == "login" else course,
                                  content_id=contents[course][self.rng.randrange(LESSONS_PER_COURSE)]
                                  if event == "lesson_view" else None, created_at=self._when())  # fmt: skip

        self._bulk(out, "activity", ActivityLog, rows(), n)

    def _extras(self, out, enrolments, contents, courses, students):
        """Smaller tables: quiz attempts, attendance, streaks, tickets, payments with earnings."""
        sample = enrolments[:: max(1, len(enrolments) // max(1, len(enrolments) // 10))]
        self._bulk(out, "quiz attempts", QuizAttempt, (
            QuizAttempt(user_id=u, content_id=contents[c][-1], course_id=c, number=1, status="submitted",
                        started_at=e, submitted_at=e + dt.timedelta(minutes=10),
                        percent=Decimal(self.rng.randint(20, 100)), passed=True)
            for _pk, u, c, e in sample
        ), len(sample))  # fmt: skip
        self._bulk(out, "attendance", Attendance, (
            Attendance(course_id=c, user_id=u, date=(e + dt.timedelta(days=1)).date(),
                       status=self.rng.choice(["present", "present", "late", "absent", "excused"]))
            for _pk, u, c, e in sample
        ), len(sample))  # fmt: skip
        self._bulk(out, "streaks", LearningStreak, (
            LearningStreak(user_id=u, current_days=self.rng.randint(0, 30), longest_days=self.rng.randint(30, 90))
            for u in students[:: 3]
        ), len(students[::3]))  # fmt: skip
        tickets = max(10, len(students) // 20)
        rows, opened = [], []
        for i in range(tickets):
            created = self._when()
            opened.append(created)
            status = self.rng.choice(["open", "pending", "resolved", "closed"])
            answered = created + dt.timedelta(hours=self.rng.randint(1, 48))
            rows.append(SupportTicket(number=10_000_000 + i, requester_id=students[i % len(students)],
                                      subject="Generated", category=self.rng.choice(SupportTicket.Category.values),
                                      status=status, first_response_at=answered, last_activity_at=answered,
                                      resolved_at=answered if status in ("resolved", "closed") else None,
                                      satisfaction=self.rng.randint(1, 5) if status == "closed" else None))  # fmt: skip
        self._bulk(out, "tickets", SupportTicket, iter(rows), tickets)
        for row, created in zip(rows, opened, strict=True):  # created_at is auto_now_add: set it afterwards
            row.created_at = created
        SupportTicket.objects.bulk_update(rows, ["created_at"], batch_size=BATCH)
        owner = dict(Course.objects.filter(pk__in=courses).values_list("pk", "instructor_id"))
        paid = enrolments[::20]
        payments = [(self._uuid(), u, c, e) for _pk, u, c, e in paid]
        self._bulk(out, "payments", Payment, (
            Payment(id=pk, user_id=u, kind="course", course_id=c, description="Generated", status="succeeded",
                    subtotal=Decimal("49.00"), amount=Decimal("49.00"), amount_base=Decimal("49.00"),
                    idempotency_key=f"scale-{pk.hex}",
                    succeeded_at=e)
            for pk, u, c, e in payments
        ), len(payments))  # fmt: skip
        self._bulk(out, "earnings", EarningEntry, (
            EarningEntry(instructor_id=owner[c], course_id=c, payment_id=pk, kind="sale", gross=Decimal("49.00"),
                         share_percent=Decimal("70.00"), amount=Decimal("34.30"), amount_base=Decimal("34.30"))
            for pk, _u, c, _e in payments
        ), len(payments))  # fmt: skip


def models_f(name):
    return F(name)
