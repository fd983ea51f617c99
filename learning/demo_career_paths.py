"""Demo career paths for `manage.py seed_demo` (after learning's demo; idempotent).

Two published paths made of demo courses: "Web developer" (the demo student's completed, half-done and
just-started courses, in that order, each needing the one before, plus an optional last course), which the
student joined (1 of 3 required courses done), and "Programming foundations" (their completed course and an
optional one), which the student completed at once on joining — with its path certificate.
Everything goes through learning.services.
"""

from django.db.models import Case, IntegerField, Value, When

from courses.models import Course

from . import services
from .models import CareerPath, Enrollment, PathCourse

WEB = "web-developer"
FOUNDATIONS = "programming-foundations"


def _path(slug: str, actor, **fields) -> CareerPath:
    path, _ = CareerPath.objects.get_or_create(slug=slug, defaults={**fields, "created_by": actor})
    return path


def _entries(path: CareerPath, actor, courses: list[tuple[Course, bool]], *, chained: bool) -> None:
    previous = None
    for number, (course, required) in enumerate(courses, start=1):
        entry, _ = PathCourse.objects.get_or_create(
            path=path, course=course, defaults={"position": number * 10, "is_required": required}
        )
        if chained and previous is not None and not entry.prerequisites.exists():
            services.path_course_set_prerequisites(actor=actor, path_course=entry, prerequisites=[previous])
        previous = entry
    if not path.is_published:
        services.career_path_publish(path=path, actor=actor)
        path.refresh_from_db()


def seed(ctx: dict, log) -> None:
    users = ctx.get("users") or {}
    admin, student = users.get("admin"), users.get("student")
    if admin is None or student is None:
        log("  no demo users: career paths skipped")
        return
    mine = list(
        Enrollment.objects.filter(user=student, course__status=Course.Status.PUBLISHED)
        .select_related("course")
        .annotate(
            done=Case(
                When(status=Enrollment.Status.COMPLETED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )  # fmt: skip
        .order_by("done", "enrolled_at")
    )
    courses = [e.course for e in mine]
    others = list(Course.objects.published().exclude(pk__in=[c.pk for c in courses]).order_by("-is_featured", "title"))
    if len(courses) < 3 or not mine[0].is_completed or len(others) < 2:
        log("  not enough demo courses and progress: career paths skipped")
        return

    web = _path(
        WEB, admin,
        title="Web developer",
        summary="From your first program to a deployed web application, one course at a time.",
        description=(
            "A guided route into web development.\n\n"
            "- **Start** with programming fundamentals\n"
            "- **Build** real web applications\n"
            "- **Finish** with a portfolio project\n\n"
            "Each course unlocks the next one."
        ),
        target_role="Junior web developer",
    )  # fmt: skip
    _entries(web, admin, [(courses[0], True), (courses[1], True), (courses[2], True), (others[0], False)],
             chained=True)  # fmt: skip
    services.career_path_join(user=student, path=web)

    foundations = _path(
        FOUNDATIONS, admin,
        title="Programming foundations",
        summary="The essentials every developer needs, with a certificate when you finish.",
        description="One core course and an optional deep dive.",
        target_role="Aspiring programmer",
        estimated_hours=12,
    )  # fmt: skip
    _entries(foundations, admin, [(courses[0], True), (others[1], False)], chained=False)
    membership = services.career_path_join(user=student, path=foundations)
    done = "completed, with its certificate" if membership.is_completed else "joined"
    log(f"  career paths: {web.title} (student joined), {foundations.title} ({done})")
