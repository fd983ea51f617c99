"""Pages that need the demo data (a course, a lesson, a certificate's verify page) and the certificate
flow: a student completes a course through the API and the worker must render the PDF.

Both read the smoke's database through Django, set up by `run.main` once the site answers.
"""

import html
import time
from pathlib import Path

from .checks import Results, check_response
from .client import Client
from .config import CERTIFICATE_TIMEOUT, Config, SmokeError, log

# --- Certificate through the worker --------------------------------------------------------------


def certificate_flow(config: Config, results: Results, password: str) -> dict:
    """A student completes a free course through the API; the worker must render the certificate."""
    from courses.models import Course, CourseContent, QuizQuestion
    from learning.models import Enrollment, IssuedCertificate

    email = "student2@courseworx.local"
    client = Client(config.site)
    t0 = time.monotonic()
    token = client.request("POST", "/api/v1/auth/token/", data={"username": email, "password": password})
    if token.status != 200:
        raise SmokeError(f"token API: {token.status} {token.body[:200]!r}")
    client.token = token.json()["token"]
    from django.db.models import Q
    from django.utils import timezone

    today = timezone.localdate()
    taken = Enrollment.objects.filter(user__email=email).values("course_id")
    # A course this student can finish alone, today: free, open, no prerequisites, no hand-graded quiz.
    hand_graded = CourseContent.objects.filter(kind=CourseContent.Kind.QUIZ, manual_grading=True, is_required=True)
    course = (
        Course.objects.filter(status="published", price=0, contents__is_required=True, prerequisites=None)
        .filter(
            Q(start_date__isnull=True) | Q(start_date__lte=today), Q(end_date__isnull=True) | Q(end_date__gte=today)
        )
        .exclude(pk__in=taken)
        .exclude(pk__in=hand_graded.values("course_id"))
        .distinct()
        .order_by("slug")
        .first()
    )
    if course is None:
        raise SmokeError("no free published course the second demo student is not enrolled in")
    enrol = client.request("POST", "/api/v1/enrollments/", data={"course": course.slug})
    if enrol.status != 201:
        raise SmokeError(f"enrolling in {course.slug}: {enrol.status} {enrol.body[:300]!r}")
    lessons = CourseContent.objects.filter(course=course, is_required=True, is_published=True).order_by(
        "section__order", "order"
    )
    for lesson in lessons:
        if lesson.kind == CourseContent.Kind.QUIZ:
            attempt = client.request("POST", f"/api/v1/lessons/{lesson.pk}/quiz-attempts/", data={})
            if attempt.status != 201:
                raise SmokeError(f"starting the quiz {lesson.title!r}: {attempt.status} {attempt.body[:300]!r}")
            answers = {}
            for question in attempt.json()["questions"]:
                q = QuizQuestion.objects.get(pk=question["id"])
                multiple = q.question_type == QuizQuestion.Type.MULTIPLE_CHOICE
                answers[str(q.pk)] = list(q.correct_answers) if multiple else q.correct_answers[0]
            submit = client.request(
                "POST", f"/api/v1/quiz-attempts/{attempt.json()['id']}/submit/", data={"answers": answers}
            )
            if submit.status != 200 or not submit.json().get("passed"):
                raise SmokeError(f"submitting the quiz {lesson.title!r}: {submit.status} {submit.body[:300]!r}")
        else:
            done = client.request("POST", f"/api/v1/lessons/{lesson.pk}/complete/", data={})
            if done.status != 200:
                raise SmokeError(f"completing {lesson.title!r}: {done.status} {done.body[:300]!r}")
    completed_at = time.monotonic()
    enrollment = Enrollment.objects.get(user__email=email, course=course)
    if enrollment.status != "completed":
        raise SmokeError(f"{course.slug}: every required lesson done, but the enrolment is {enrollment.status}")
    log(f"certificate: student2 completed {course.slug} through the API; waiting for the worker")
    certificate = None
    deadline = time.monotonic() + CERTIFICATE_TIMEOUT
    while time.monotonic() < deadline:
        certificate = IssuedCertificate.objects.filter(enrollment=enrollment).exclude(pdf="").first()
        if certificate is not None and certificate.pdf.storage.exists(certificate.pdf.name):
            break
        certificate = None
        time.sleep(0.5)
    if certificate is None:
        raise SmokeError(f"no certificate PDF {CERTIFICATE_TIMEOUT} s after completing {course.slug}")
    waited = time.monotonic() - completed_at
    pdf_path = Path(certificate.pdf.path)
    download = client.get(f"/api/v1/certificates/{certificate.pk}/download/")
    if download.status != 200 or not download.body.startswith(b"%PDF"):
        raise SmokeError(f"certificate download: {download.status} {download.header('content-type')}")
    anonymous = Client(config.site)
    verify = anonymous.get(f"/certificates/verify/{certificate.code}/")
    check_response(verify, "anonymous", results, config.allow_missing)
    if verify.status != 200 or html.escape(certificate.holder_name).encode() not in verify.body:
        raise SmokeError(f"certificate verification page: {verify.status}, holder name shown: no")
    api_verify = anonymous.get(
        f"/api/v1/certificates/verify/{certificate.code}/", headers={"Accept": "application/json"}
    )
    check_response(api_verify, "anonymous", results, config.allow_missing)
    # Private files are streamed by a permission-checked view; the proxy never serves them.
    leaked = anonymous.get(f"/media/{certificate.pdf.name}")
    if leaked.status != 404:
        raise SmokeError(f"the private certificate PDF answers {leaked.status} under /media/ (must be 404)")
    anonymous.close()
    client.close()
    return {
        "course": course.slug,
        "code": certificate.code,
        "pdf_bytes": pdf_path.stat().st_size,
        "waited": waited,
        "total": time.monotonic() - t0,
    }


def parameterised_paths() -> tuple[list[str], str]:
    """A course page, a lesson in the player (the demo student is enrolled), a certificate's verify page."""
    from courses.models import Course, CourseContent
    from learning.models import Enrollment, IssuedCertificate

    paths = []
    course = Course.objects.filter(status="published").order_by("-is_featured", "slug").first()
    if course is None:
        raise SmokeError("the demo data has no published course")
    paths.append(f"/courses/{course.slug}/")
    enrollment = (
        Enrollment.objects.filter(user__email="student@courseworx.local", course__status="published")
        .order_by("course__slug")
        .first()
    )
    if enrollment is None:
        raise SmokeError("the demo student has no enrolment")
    lesson = CourseContent.objects.filter(course_id=enrollment.course_id, is_published=True).order_by(
        "section__order", "order"
    )[0]
    paths += [f"/learn/{enrollment.course.slug}/", f"/learn/{enrollment.course.slug}/{lesson.pk}/"]
    # The demo student's completed course: seed_demo queued its certificate for the worker.
    deadline = time.monotonic() + CERTIFICATE_TIMEOUT
    while (
        certificate := IssuedCertificate.objects.filter(enrollment__user__email="student@courseworx.local")
        .exclude(pdf="")
        .first()
    ) is None:
        if time.monotonic() > deadline:
            raise SmokeError(f"the worker rendered no certificate for the demo student in {CERTIFICATE_TIMEOUT} s")
        time.sleep(0.5)
    paths += [f"/certificates/verify/{certificate.code}/", f"/api/v1/certificates/verify/{certificate.code}/"]
    return paths, course.slug
