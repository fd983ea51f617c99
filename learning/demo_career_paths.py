"""Demo career paths for `manage.py seed_demo` (after learning's demo; idempotent).

Two published paths made of demo courses: "Web developer" (the demo student's completed, half-done and
just-started courses, in that order, each needing the one before, plus an optional last course), which the
student joined (1 of 3 required courses done), and "Programming foundations" (their completed course and an
optional one), which the student completed at once on joining — with its path certificate.
Everything goes through learning.services.
"""

from django.db.models import Case, IntegerField, Value, When

from courses.models import CertificateTemplate, Course

from . import services
from .models import CareerPath, Enrollment, PathCourse

# The path certificate's own wording (the default template speaks of "the course" and its instructor).
PATH_CERTIFICATE_HTML = """<div class="certificate">
  <div class="frame">
    <p class="brand">CourseWorx</p>
    <h1>Career Path Certificate</h1>
    <p class="lead">This certifies that</p>
    <p class="name">{{ student_name }}</p>
    <p class="lead">has completed every required course of the career path</p>
    <p class="course">{{ course_title }}</p>
    <div class="footer">
      <div class="sign"><span class="line"></span>{{ completed_on }}<br><small>Date of completion</small></div>
    </div>
    <p class="verify">Verify at {{ verification_url }} · code {{ verification_code }}</p>
  </div>
</div>"""
PATH_CERTIFICATE_CSS = """@page { size: A4 landscape; margin: 0; }
body { margin: 0; font-family: "DejaVu Serif", Georgia, serif; color: #10312b; }
.certificate { width: 297mm; height: 210mm; box-sizing: border-box; padding: 12mm;
  background: linear-gradient(135deg, #f1fbf7 0%, #ffffff 55%, #eef4ff 100%); }
.frame { height: 100%; box-sizing: border-box; border: 3px solid #0f766e; text-align: center; padding: 16mm 20mm; }
.brand { font-family: "DejaVu Sans", Arial, sans-serif; letter-spacing: .3em; text-transform: uppercase;
  color: #0f766e; font-weight: bold; margin: 0 0 6mm; }
h1 { font-size: 30pt; margin: 0 0 8mm; }
.lead { font-size: 13pt; margin: 2mm 0; color: #444; }
.name { font-size: 28pt; font-style: italic; margin: 4mm 0; }
.course { font-size: 20pt; font-weight: bold; margin: 3mm 0 2mm; }
.footer { margin-top: 16mm; font-size: 11pt; }
.sign { width: 70mm; margin: 0 auto; }
.sign .line { display: block; border-top: 1px solid #10312b; margin-bottom: 2mm; }
.verify { margin-top: 10mm; font-size: 8pt; color: #777; font-family: "DejaVu Sans", Arial, sans-serif; }"""

WEB = "web-developer"
FOUNDATIONS = "programming-foundations"


def _template() -> CertificateTemplate:
    template = CertificateTemplate.objects.filter(name="Career path certificate", owner__isnull=True).first()
    if template is None:
        template = CertificateTemplate(name="Career path certificate", html=PATH_CERTIFICATE_HTML,
                                       css=PATH_CERTIFICATE_CSS)  # fmt: skip
        template.full_clean()
        template.save()
    return template


def _path(slug: str, actor, **fields) -> CareerPath:
    path, _ = CareerPath.objects.get_or_create(
        slug=slug, defaults={**fields, "created_by": actor, "certificate_template": _template()}
    )
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
