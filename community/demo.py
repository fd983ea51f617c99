"""Demo community data for `manage.py seed_demo` (runs after courses and learning; idempotent).

Reviews with an instructor reply, discussions with replies (pinned, locked, answered, tied to a
lesson), open flags waiting in the moderation queue (one thread already hidden automatically), a
conversation, support tickets in every status, surveys with answers, internal docs and a digest
preference.  Everything goes through community.services (inside `bulk_loading()`: no e-mails, no
rate limit), like real use.

Every published course also gets 2-6 reviews (deterministic per slug) by passwordless demo learners
who are really enrolled (through learning.services; they complete prerequisite courses first, lesson
by lesson), plus a few learners who have not reviewed.  The catalog's counters (rating, learners,
completions) are never invented: a last step recounts them from the rows.
"""

import random

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When

from accounts.models import User
from courses.models import Course
from courseworx.core.bulk import bulk_loading
from courseworx.core.notifications import notification_preference_set
from learning import services as learning_services
from learning.demo import lessons_complete, lessons_of
from learning.models import Enrollment

from . import permissions, services
from .models import (
    Conversation,
    DiscussionThread,
    FlaggedItem,
    InternalDoc,
    Review,
    SupportTicket,
    Survey,
    SurveyQuestion,
)

LEARNERS = [
    ("amara.okafor@courseworx.local", "Amara", "Okafor"),
    ("lucas.martin@courseworx.local", "Lucas", "Martin"),
    ("yuki.tanaka@courseworx.local", "Yuki", "Tanaka"),
    ("omar.haddad@courseworx.local", "Omar", "Haddad"),
    ("sofia.rossi@courseworx.local", "Sofia", "Rossi"),
]

# More learners for the catalog (with LEARNERS: the pool that enrols in and reviews every published course).
CATALOG_LEARNERS = [
    ("priya.sharma@courseworx.local", "Priya", "Sharma"),
    ("jonas.berg@courseworx.local", "Jonas", "Berg"),
    ("chloe.dubois@courseworx.local", "Chloé", "Dubois"),
    ("mateo.fernandez@courseworx.local", "Mateo", "Fernández"),
    ("hannah.schmidt@courseworx.local", "Hannah", "Schmidt"),
    ("david.kim@courseworx.local", "David", "Kim"),
    ("fatima.zahra@courseworx.local", "Fatima", "Zahra"),
    ("liam.obrien@courseworx.local", "Liam", "O'Brien"),
    ("ana.souza@courseworx.local", "Ana", "Souza"),
    ("noah.williams@courseworx.local", "Noah", "Williams"),
]

# Catalog reviews by rating; each course draws 2-6 of them with `random.Random(slug)`.
RATING_WEIGHTS = {5: 45, 4: 33, 3: 14, 2: 8}
REVIEW_TEXTS = {
    5: [
        "One of the best courses I have taken. Every lesson builds on the previous one.",
        "Clear, practical and well paced. The final quiz made me go back and really understand things.",
        "I used what I learned at work the week after finishing. Worth every minute.",
        "Excellent explanations and great examples. The cheat sheet is on my desk now.",
        "The instructor explains difficult ideas simply. I would take another course from them.",
        "Exactly the right amount of theory and practice. Highly recommended.",
    ],
    4: [
        "Very good overall. A couple of videos could be shorter, but the content is solid.",
        "Well structured and easy to follow. I would have liked one more exercise per section.",
        "Good course with useful notes. The audio is a little quiet in places.",
        "Solid introduction. Some parts were easy for me, but the later sections were worth it.",
        "Helpful and practical. I finished it in a few evenings.",
    ],
    3: [
        "Decent content, but it moves quickly in the middle and the quiz felt too short.",
        "Okay as an overview. I expected more depth in the last section.",
        "Some lessons are great, others feel rushed. Still learned a few useful things.",
    ],
    2: [
        "Too basic for me, and a few examples are out of date.",
        "The topics are right but the explanations are hard to follow without prior knowledge.",
    ],
}

REVIEWS = [
    (5, "Clear explanations and the exercises build on each other nicely. **Highly recommended.**"),
    (4, "Very good course. The middle section was a bit fast, but the notes helped."),
    (5, "Exactly what I needed to get started. The instructor answers questions quickly."),
    (3, "Good content, but I wish there were more practice quizzes."),
    (4, "Well structured. I finished it in two weeks of evenings."),
]

THREADS = [
    (
        "Welcome! Introduce yourself here",
        "Tell us who you are and what you want to build after this course. 👋",
        [
            "Hi all, I'm Stella: I want to automate reports at work.",
            "Sid here, learning for a career change!",
            "Welcome everyone — glad to have you.",
        ],
    ),
    (
        "Why does my loop never end?",
        "I wrote `while x < 10:` but the program keeps running. What am I missing?",
        [
            "You probably never change `x` inside the loop. Add `x += 1` at the end of the body.",
            "That was it, thank you!",
        ],
    ),
    (
        "Is there a cheat sheet for the syntax?",
        "Something printable would be great for revision.",
        ["The course resources section has a PDF — check lesson 1."],
    ),
    (
        "Project ideas for the final assignment?",
        "Share what you are planning, maybe we can pair up.",
        ["I'm building a budget tracker.", "A small quiz game for my kids."],
    ),
    ("Off topic: favourite editor?", "VS Code, PyCharm, vim…?", ["VS Code with the Python extension."]),
]

TICKETS = [
    # (requester, subject, category, priority, target status, staff reply, rating)
    ("student", "Video in lesson 3 does not load", "technical", "high", "open", None, None),
    (
        "student2",
        "How do I change my e-mail address?",
        "account",
        "normal",
        "pending",
        "You can change it on your profile page. Could you confirm which address you want to use?",
        None,
    ),
    (
        "student",
        "Certificate shows the wrong name",
        "certificate",
        "normal",
        "resolved",
        "Fixed: your certificate now shows your full name. Download it again from your dashboard.",
        None,
    ),
    (
        "student2",
        "Invoice for my company",
        "billing",
        "low",
        "closed",
        "Here is the invoice with your company details; it is also under Billing.",
        5,
    ),
]

DOCS = [
    (
        "Moderation guidelines",
        "moderation-guidelines",
        "Moderation",
        "# Moderation guidelines\n\n1. **Hide** spam, harassment and personal data at once.\n"
        "2. **Dismiss** reports about opinions or harsh but fair reviews.\n"
        "3. **Mute** repeat offenders for 7 days, then 30.\n\nAlways write a note the reporter can understand.",
    ),
    (
        "Support response times",
        "support-response-times",
        "Support",
        "# Response times\n\n| Priority | First response |\n|---|---|\n| Urgent | 2 hours |\n| High | 8 hours |\n"
        "| Normal | 1 working day |\n| Low | 3 working days |",
    ),
    (
        "Refund policy (internal)",
        "refund-policy",
        "Billing",
        "# Refunds\n\nFull refund within **14 days** if less than 30% of the course is completed.",
    ),
]


def _demo_learner(email: str, first: str, last: str) -> User:
    """A passwordless demo learner (get or create)."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, first_name=first, last_name=last, role=User.Role.STUDENT)
        user.set_unusable_password()
        user.save()
    return user


def _learners(courses: list[Course]) -> list[User]:
    users = []
    for email, first, last in LEARNERS:
        user = _demo_learner(email, first, last)
        for course in courses:
            if not Enrollment.objects.filter(user=user, course=course).exists():
                try:
                    learning_services.enrollment_create(user=user, course=course,
                                                        source="free" if course.is_free else "staff")  # fmt: skip
                except ValidationError:  # prerequisites, a full course...: not this one
                    continue
        users.append(user)
    return users


def _main_course(student, instructor=None) -> Course | None:
    """The demo student's course with the most classmates (the discussions happen there); one taught
    by the demo instructor when possible, so that login sees the instructor tools."""

    mine = Case(When(instructor=instructor, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        Course.objects.filter(enrollments__user=student, enrollments__status__in=Enrollment.ACCESS_STATUSES)
        .annotate(
            n=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.ACCESS_STATUSES), distinct=True),
            prerequisite_count=Count("prerequisites", distinct=True),
        )
        .select_related("instructor")
        .order_by("prerequisite_count", mine, "-n", "title")
        .first()
    )


def seed(ctx: dict, log) -> None:
    users = ctx.get("users") or {}
    student = users.get("student")
    if student is None:
        log("  no demo users: community demo data skipped")
        return
    course = _main_course(student, users.get("instructor"))
    with bulk_loading():
        if course is None:
            log("  the demo student has no course: community discussions skipped")
        else:
            _seed(ctx, log, course, users)
        _catalog_reviews(log)
    _counters_refresh(log)


# -- catalog reviews ------------------------------------------------------------------------------
def _source(course: Course) -> str:
    return Enrollment.Source.FREE if course.is_free else Enrollment.Source.STAFF


def _completed_ids(user) -> set:
    return set(
        Enrollment.objects.filter(user=user, status=Enrollment.Status.COMPLETED).values_list("course_id", flat=True)
    )


def _enrol(user, course: Course, prerequisites: dict, *, complete: bool = False) -> bool:
    """Enrol `user` through learning.services, completing the prerequisite courses first (lesson by
    lesson, recursively), like a real learner.  False when the course does not accept them."""

    done = _completed_ids(user)
    for prerequisite in prerequisites.get(course.pk, []):
        if prerequisite.pk not in done and not _enrol(user, prerequisite, prerequisites, complete=True):
            return False
    try:
        enrollment = learning_services.enrollment_create(user=user, course=course, source=_source(course))
    except ValidationError:  # a full or ended course, a suspended enrolment...: not this one
        return False
    if complete and enrollment.status != Enrollment.Status.COMPLETED:
        lessons_complete(user, lessons_of(course))
    user.__dict__.pop("_cw_community_enrolment", None)  # community.permissions caches enrolments per user
    return True


def _catalog_reviews(log) -> None:
    """2-6 reviews on every published course, by enrolled demo learners (deterministic per slug)."""
    pool = [_demo_learner(*row) for row in LEARNERS + CATALOG_LEARNERS]
    courses = list(Course.objects.published().prefetch_related("prerequisites").order_by("slug"))
    prerequisites = {c.pk: list(c.prerequisites.all()) for c in courses}
    depth: dict = {}

    def level(course, seen=()) -> int:
        if course.pk not in depth:
            parents = [p for p in prerequisites.get(course.pk, []) if p.pk not in seen]
            depth[course.pk] = 1 + max((level(p, (*seen, course.pk)) for p in parents), default=-1)
        return depth[course.pk]

    courses.sort(key=lambda c: (level(c), c.slug))  # prerequisites are reviewed (and completed) first
    ratings, weights = list(RATING_WEIGHTS), list(RATING_WEIGHTS.values())
    created = 0
    for course in courses:
        rng = random.Random(course.slug)  # noqa: S311 - demo data, reproducible
        target = rng.randint(2, 6)
        order = rng.sample(pool, len(pool))
        extra = order[-rng.randint(1, 4) :]  # learners who enrol without reviewing (not the reviewers)
        visible = Review.objects.filter(course=course, is_hidden=False).count()
        if visible < target:
            needed = {p.pk for p in prerequisites[course.pk]}
            # Learners who already completed the prerequisites first: fewer courses to complete on the way.
            order.sort(key=lambda u: not needed <= _completed_ids(u))
            reviewed = set(Review.objects.filter(course=course).values_list("author_id", flat=True))
            for user in order:
                if visible >= target:
                    break
                if user.pk in reviewed or not _enrol(user, course, prerequisites):
                    continue
                rating = rng.choices(ratings, weights)[0]
                services.review_save(user=user, course=course, rating=rating, body=rng.choice(REVIEW_TEXTS[rating]))
                visible += 1
                created += 1
        if not prerequisites[course.pk]:
            for user in extra:
                _enrol(user, course, prerequisites)
    log(f"  catalog: {created} reviews by {len(pool)} demo learners")


def _counters_refresh(log) -> None:
    """The catalog's counters, recounted from the rows: learners, completions and ratings."""
    learning_services.course_counters_recount()
    for course_id in Course.objects.values_list("pk", flat=True):
        services.review_rating_refresh(course_id=course_id)
    learning_services.course_stats_refresh()
    log("  course counters recounted (learners, completions, ratings)")


def _seed(ctx, log, course: Course, users: dict) -> None:
    student, student2 = users["student"], users.get("student2")
    teacher = course.instructor
    other_courses = list(
        Course.objects.filter(enrollments__user=student, prerequisites__isnull=True)
        .exclude(pk=course.pk)
        .select_related("instructor")
        .order_by("slug")
        .distinct()[:2]
    )
    learners = _learners([course, *other_courses[:1]])
    people = [u for u in [student, student2, *learners] if u is not None]
    members = [u for u in people if permissions.is_course_member(u, course)]
    if len(members) < 5:
        log("  not enough learners in the course: community demo data skipped")
        return

    # Reviews (+ an instructor reply) on the main course and another one.
    for target in [course, *other_courses[:1]]:
        for user, (rating, body) in zip(people, REVIEWS, strict=False):
            if (
                permissions.can_review_course(user, target)
                and not Review.objects.filter(course=target, author=user).exists()
            ):
                services.review_save(user=user, course=target, rating=rating, body=body)
    first = Review.objects.filter(course=course).order_by("created_at").first()
    if first is not None and not first.reply:
        services.review_reply(user=teacher, review=first, reply="Thank you! Glad the exercises helped.")

    # Discussions.
    if not DiscussionThread.objects.filter(course=course, title=THREADS[0][0]).exists():
        lesson = course.contents.filter(is_published=True).order_by("section__order", "order").first()
        authors = [teacher, *members[:4]]
        for i, (title, body, replies) in enumerate(THREADS):
            thread = services.thread_create(user=authors[i], course=course, title=title, body=body,
                                            lesson=lesson if i == 2 else None)  # fmt: skip
            last = None
            for j, text in enumerate(replies):
                replier = teacher if (i == 1 and j == 0) or (i == 0 and j == 2) else members[(i + j + 1) % len(members)]
                if replier.pk == thread.author_id and i != 1:
                    replier = members[(i + j + 2) % len(members)]
                last = services.reply_create(user=replier, thread=thread, body=text)
                if i == 1 and j == 0:
                    services.thread_accept_answer(user=thread.author, thread=thread, reply=last)
            if i == 0:
                services.thread_set_flags(user=teacher, thread=thread, pinned=True)
            if i == 4:
                services.thread_set_flags(user=teacher, thread=thread, locked=True)
        # A spammy thread and reply, flagged by several learners.
        spam = services.thread_create(user=members[-2], course=course, title="Cheap essays, fast delivery!!!",
                                      body="Visit my site for cheap homework help.")  # fmt: skip
        for flagger in members[:3]:
            services.flag_create(user=flagger, target=spam, reason="spam", details="Advertising.")
        rude_thread = DiscussionThread.objects.get(course=course, title=THREADS[3][0])
        rude = services.reply_create(user=members[-1], thread=rude_thread, body="What a stupid idea, lol.")
        services.flag_create(user=members[0], target=rude, reason="abuse", details="Insulting another learner.")
        services.flag_create(user=members[1], target=rude, reason="abuse")
        harsh = Review.objects.filter(course=course, rating=3).first()
        if harsh is not None:
            services.flag_create(user=teacher, target=harsh, reason="other", details="Unfair? Please check.")
        log(f"  discussions in {course.title}; {FlaggedItem.objects.filter(status='open').count()} open flag items")

    # A conversation between the student and the instructor.
    if not Conversation.objects.filter(student=student, instructor=teacher).exists():
        conversation = services.conversation_start(user=student, other=teacher)
        services.message_send(user=student, conversation=conversation,
                              body="Hello! Could you recommend extra reading for the second section?")  # fmt: skip
        services.message_send(user=teacher, conversation=conversation,
                              body="Sure — start with the official tutorial, chapters 3 to 5.")  # fmt: skip
        services.message_send(user=student, conversation=conversation, body="Thanks, I'll read them this week.")

    # Support tickets in every status.
    support = users.get("support")
    if support is not None and not SupportTicket.objects.filter(subject=TICKETS[0][1]).exists():
        for who, subject, category, priority, target_status, reply, rating in TICKETS:
            requester = users.get(who) or student
            body = f"Hello, {subject[0].lower()}{subject[1:]}. Thanks!"
            ticket = services.ticket_create(user=requester, subject=subject, category=category, priority=priority,
                                            course=course if category == "technical" else None, body=body)  # fmt: skip
            if reply:
                services.ticket_reply(user=support, ticket=ticket, body=reply)
            if target_status in ("resolved", "closed"):
                services.ticket_set_status(user=support, ticket=ticket, status="resolved")
            if target_status == "closed":
                services.ticket_rate(user=requester, ticket=ticket, rating=rating)
                services.ticket_set_status(user=requester, ticket=ticket, status="closed")

    # Surveys.
    if not Survey.objects.filter(course=course).exists():
        survey = Survey.objects.create(title=f"Mid-course feedback: {course.title}", audience="course", course=course,
                                       created_by=teacher, is_published=True,
                                       description="Three quick questions; it takes a minute.")  # fmt: skip
        q1 = SurveyQuestion.objects.create(survey=survey, order=1, kind="rating", text="How clear are the lessons?")
        q2 = SurveyQuestion.objects.create(survey=survey, order=2, kind="single_choice", text="The pace is…",
                                           options=["Too slow", "Just right", "Too fast"])  # fmt: skip
        q3 = SurveyQuestion.objects.create(survey=survey, order=3, kind="text", required=False,
                                           text="What would you improve?")  # fmt: skip
        answers = [(5, "Just right", "More exercises please."), (4, "Just right", ""), (4, "Too fast", "Slower demos."),
                   (3, "Too fast", ""), (5, "Just right", "Nothing, it's great!")]  # fmt: skip
        for user, (rating, pace, text) in zip(members[1:], answers, strict=False):
            if permissions.can_answer_survey(user, survey):
                values = {str(q1.pk): str(rating), str(q2.pk): pace, str(q3.pk): text}
                services.survey_answer(user=user, survey=survey, answers=values)
    admin = users.get("admin")
    if not Survey.objects.filter(audience="all").exists():
        survey = Survey.objects.create(title="How do you like CourseWorx?", audience="all", created_by=admin,
                                       is_published=True)  # fmt: skip
        SurveyQuestion.objects.create(survey=survey, order=1, kind="rating", text="Overall satisfaction")
        SurveyQuestion.objects.create(survey=survey, order=2, kind="text", required=False, text="One wish?")

    # Internal docs, and a digest preference for the demo student.
    for title, slug, category, body in DOCS:
        InternalDoc.objects.get_or_create(slug=slug, defaults={"title": title, "category": category, "body": body,
                                                               "updated_by": admin})  # fmt: skip
    notification_preference_set(user=student, category="discussion", channel="daily")
    log(f"  community: {Review.objects.count()} reviews, {DiscussionThread.objects.count()} threads, "
        f"{SupportTicket.objects.count()} tickets, {Survey.objects.count()} surveys")  # fmt: skip
