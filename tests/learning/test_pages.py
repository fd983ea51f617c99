import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseContent
from courseworx.core.models import AuditLog
from learning import services
from learning.models import Attendance, Enrollment, LessonCompletion, QuizAttempt, UserNote
from tests.courses.factories import (
    ContentFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import quiz_answers

pytestmark = pytest.mark.django_db


def lesson_url(lesson):
    return reverse("learning:lesson", kwargs={"slug": lesson.course.slug, "content_id": lesson.pk})


def test_player_shows_syllabus_and_marks_complete_with_htmx(client, enrollment, student, lessons):
    client.force_login(student)
    response = client.get(lesson_url(lessons[0]))
    assert response.status_code == 200
    html = response.content.decode()
    for lesson in lessons:
        assert lesson.title in html
    assert "Mark as complete" in html
    assert reverse("learning:lesson_heartbeat", args=[lessons[0].course.slug, lessons[0].pk]) in html

    url = reverse("learning:lesson_complete", args=[lessons[0].course.slug, lessons[0].pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Completed" in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert LessonCompletion.objects.get(user=student, content=lessons[0]).completed


def test_player_renders_every_content_type(client, enrollment, student, course):
    section = SectionFactory(course=course, order=5)
    video_embed = ContentFactory(
        section=section, order=1, kind="video", article_body="", video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    video_file = ContentFactory(
        section=section,
        order=2,
        kind="video",
        article_body="",
        file=SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42"),
    )
    document = ContentFactory(
        section=section,
        order=3,
        kind="document",
        article_body="",
        file=SimpleUploadedFile("notes.pdf", b"%PDF-1.4 test"),
        file_type="application/pdf",
    )
    image = ContentFactory(
        section=section,
        order=4,
        kind="image",
        article_body="",
        alt_text="A diagram",
        file=SimpleUploadedFile("d.png", b"\x89PNG\r\n"),
    )
    article = ContentFactory(section=section, order=5, article_body="# Heading\n\nSome *text*.")
    quiz = QuizContentFactory(section=section, order=6, pass_mark=50)
    QuestionFactory(content=quiz)
    client.force_login(student)
    expectations = {
        video_embed: "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        video_file: "<video controls",
        document: "Download",
        image: 'alt="A diagram"',
        article: "<h1>Heading</h1>",
        quiz: "Start the quiz",
    }
    for lesson, expected in expectations.items():
        response = client.get(lesson_url(lesson))
        assert response.status_code == 200, lesson.kind
        assert expected in response.content.decode(), lesson.kind


def test_player_refuses_students_who_are_not_enrolled(client, lessons):
    client.force_login(StudentFactory())
    response = client.get(lesson_url(lessons[0]))
    assert response.status_code == 302


def test_instructor_can_preview_lessons(client, instructor, lessons):
    client.force_login(instructor)
    response = client.get(lesson_url(lessons[0]), follow=True)
    preview = reverse("learning:lesson_preview", args=[lessons[0].course.slug, lessons[0].pk])
    assert response.redirect_chain[-1][0] == preview
    assert "you are seeing this course as a student would; progress is not recorded" in response.content.decode()


def test_notes_are_saved_with_htmx_and_private(client, enrollment, student, lessons):
    client.force_login(student)
    url = reverse("learning:lesson_note", args=[lessons[0].course.slug, lessons[0].pk])
    response = client.post(url, {"body": "Remember loops", "is_private": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Saved" in response.content.decode()
    note = UserNote.objects.get(user=student)
    assert note.body == "Remember loops" and note.is_private
    response = client.get(reverse("learning:course_notes", args=[lessons[0].course.slug]))
    assert "Remember loops" in response.content.decode()

    intruder = StudentFactory()
    services.enrollment_create(user=intruder, course=lessons[0].course)
    client.force_login(intruder)
    assert (
        "Remember loops"
        not in client.get(reverse("learning:course_notes", args=[lessons[0].course.slug])).content.decode()
    )
    assert "Remember loops" not in client.get(lesson_url(lessons[0])).content.decode()


def test_enrol_and_drop_pages(client, course, student):
    client.force_login(student)
    response = client.post(reverse("learning:enrol", args=[course.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:course_home", args=[course.slug])
    response = client.get(response["Location"])
    assert response.status_code == 302 and "/learn/" in response["Location"]
    response = client.post(reverse("learning:drop", args=[course.slug]), follow=True)
    assert "You left" in response.content.decode()


def test_enrol_page_shows_a_state_refusal_as_the_same_friendly_message(client, student):
    """A ConflictError (course full) reads on the page exactly as the ValidationError did."""
    course = PublishedCourseFactory(max_students=1, title="Tiny Seminar")
    services.enrollment_create(user=StudentFactory(), course=course)
    client.force_login(student)
    response = client.post(reverse("learning:enrol", args=[course.slug]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["This course is full: all 1 seats are taken."]
    assert not Enrollment.objects.filter(user=student, course=course).exists()


def test_dashboard_lists_courses_and_empty_states(client, enrollment, student):
    client.force_login(student)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "Python Basics" in html
    assert "Complete a course to earn your first certificate." in html


def test_certificate_verify_page_is_public(
    client, enrollment, student, lessons, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[:3]:
            services.lesson_mark_complete(user=student, content=lesson)
    certificate = enrollment.certificate
    html = client.get(reverse("learning:certificate_verify", args=[certificate.code])).content.decode()
    assert "This certificate is valid" in html and "Stella Student" in html and "Python Basics" in html
    services.certificate_revoke(certificate=certificate, actor=admin_user, reason="Issued by mistake")
    html = client.get(reverse("learning:certificate_verify", args=[certificate.code])).content.decode()
    assert "revoked" in html and "Issued by mistake" in html
    assert client.get(reverse("learning:certificate_verify", args=["nope"])).status_code == 404


def test_certificate_download_only_for_the_holder(
    client, enrollment, student, lessons, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[:3]:
            services.lesson_mark_complete(user=student, content=lesson)
    certificate = enrollment.certificate
    url = reverse("learning:certificate_download", args=[certificate.pk])
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(StudentFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("learning:certificate_detail", args=[certificate.pk])).status_code == 404


def test_lessons_are_locked_before_the_course_starts(client, student, course, lessons):
    services.enrollment_create(user=student, course=course)
    type(course).objects.filter(pk=course.pk).update(start_date=timezone.localdate() + dt.timedelta(days=3))
    client.force_login(student)
    html = client.get(lesson_url(lessons[0])).content.decode()
    assert "The course opens on" in html
    assert "Mark as complete" not in html
    assert CourseContent.objects.filter(course=course).count() == 4


def test_course_page_enrol_button_follows_enrolment(client, course, student):
    client.force_login(student)
    html = client.get(course.get_absolute_url()).content.decode()
    assert reverse("learning:enrol", args=[course.slug]) in html
    services.enrollment_create(user=student, course=course)
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Continue learning" in html and reverse("learning:course_home", args=[course.slug]) in html


def test_quiz_page_never_sends_correct_answers(client, enrollment, student, quiz):
    client.force_login(student)
    start = reverse("learning:quiz_start", args=[quiz.course.slug, quiz.pk])
    response = client.post(start)
    attempt = QuizAttempt.objects.get(user=student)
    assert response["Location"] == reverse("learning:quiz_attempt", args=[attempt.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Capital of France?" in html
    assert "Paris since 987." not in html  # explanation only after submission
    assert 'value="def"' not in html

    post = {f"q_{qid}": v for qid, v in quiz_answers(attempt).items() if not isinstance(v, list)}
    primes = next(q for q in quiz.questions.all() if q.question == "Pick primes")
    data = {**post, f"q_{primes.pk}": ["2", "3"]}
    response = client.post(reverse("learning:quiz_attempt", args=[attempt.pk]), data)
    assert response["Location"] == reverse("learning:quiz_result", args=[attempt.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Passed" in html and "Paris since 987." in html


def test_regression_the_result_of_the_quiz_that_completes_the_course_says_so(client, enrollment, student, quiz):
    """Issue 19 §6 (browser journeys): a course whose last step is a quiz was completed (certificate issued)
    with no word on the quiz result page; marking a lesson complete says "Course completed!"."""
    client.force_login(student)
    for lesson in CourseContent.objects.filter(course=quiz.course, is_required=True).exclude(pk=quiz.pk):
        services.lesson_mark_complete(user=student, content=lesson)

    def submit(correct: bool) -> str:
        attempt = services.quiz_attempt_start(user=student, content=quiz)
        answers = quiz_answers(attempt, correct=correct)
        data = {f"q_{qid}": v for qid, v in answers.items()}
        response = client.post(reverse("learning:quiz_attempt", args=[attempt.pk]), data)
        assert response["Location"] == reverse("learning:quiz_result", args=[attempt.pk])
        return client.get(response["Location"]).content.decode()

    failed = submit(correct=False)
    assert "Not passed this time" in failed and "Course completed!" not in failed
    passed = submit(correct=True)
    assert "Passed" in passed and "Course completed!" in passed
    assert f'href="{reverse("learning:dashboard")}#certificates"' in passed
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    again = submit(correct=True)  # a later attempt did not complete the course: no message
    assert "Passed" in again and "Course completed!" not in again


def test_another_student_cannot_see_an_attempt(client, enrollment, student, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    other = StudentFactory()
    Enrollment.objects.create(user=other, course=quiz.course, enrolled_at=timezone.now())
    client.force_login(other)
    assert client.get(reverse("learning:quiz_attempt", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("learning:quiz_result", args=[attempt.pk])).status_code == 404


def test_grading_queue_shows_only_own_courses(client, enrollment, student, assignment, instructor):
    submission = services.assignment_submit(user=student, assignment=assignment, text="My essay")
    other_teacher = InstructorFactory()

    PublishedCourseFactory(instructor=other_teacher)
    client.force_login(other_teacher)
    assert student.get_full_name() not in client.get(reverse("learning:grading")).content.decode()
    assert client.get(reverse("learning:submission_grade", args=[submission.pk])).status_code == 404
    client.force_login(instructor)
    assert student.get_full_name() in client.get(reverse("learning:grading")).content.decode()
    response = client.post(reverse("learning:submission_grade", args=[submission.pk]), {"score": "25", "feedback": "x"})
    assert response.status_code == 200  # form error: more than 20 points
    response = client.post(
        reverse("learning:submission_grade", args=[submission.pk]), {"score": "15", "feedback": "Nice"}
    )
    assert response.status_code == 302
    client.force_login(student)
    html = client.get(reverse("learning:assignment", args=[assignment.pk])).content.decode()
    assert "Nice" in html and "15" in html


def test_student_cannot_read_another_students_submission(client, enrollment, student, assignment):
    submission = services.assignment_submit(
        user=student, assignment=assignment, text="secret", file=SimpleUploadedFile("e.pdf", b"%PDF-1.4")
    )
    other = StudentFactory()
    services.enrollment_create(user=other, course=assignment.course)
    client.force_login(other)
    assert "secret" not in client.get(reverse("learning:assignment", args=[assignment.pk])).content.decode()
    assert client.get(reverse("learning:submission_file", args=[submission.pk])).status_code == 404


def test_attendance_pages(client, enrollment, student, course, instructor):
    client.force_login(instructor)
    url = reverse("learning:attendance_sheet", args=[course.slug])
    prefix = f"u{student.pk.hex}"
    response = client.post(
        url,
        {
            "date": "2026-05-04",
            f"{prefix}-status": "present",
            f"{prefix}-sign_in_at": "09:00",
            f"{prefix}-sign_out_at": "10:30",
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.get().duration_minutes == 90
    client.force_login(student)
    html = client.get(reverse("learning:my_attendance", args=[course.slug])).content.decode()
    assert "90 min" in html
    assert client.get(url).status_code == 404


def test_attendance_sheet_is_saved_whole_or_not_at_all(client, enrollment, student, course, instructor):
    other = StudentFactory()
    services.enrollment_create(user=other, course=course)
    client.force_login(instructor)
    url = reverse("learning:attendance_sheet", args=[course.slug])
    good, bad = f"u{student.pk.hex}", f"u{other.pk.hex}"
    data = {
        "date": "2026-05-04",
        f"{good}-status": "present",
        f"{good}-sign_in_at": "09:00",
        f"{good}-sign_out_at": "10:30",
        f"{bad}-status": "present",
        f"{bad}-sign_in_at": "11:00",
        f"{bad}-sign_out_at": "10:00",  # before sign-in
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Attendance.objects.exists(), "the valid row is not saved on its own"
    response = client.post(url, data | {f"{bad}-sign_out_at": "12:00"})
    assert response.status_code == 302
    assert Attendance.objects.count() == 2
    audit = AuditLog.objects.get(action="attendance.sheet_save")
    assert audit.actor == instructor and audit.changes["date"] == "2026-05-04"


def test_teaching_page_links_each_course_to_its_outline_preview_and_analytics(client, instructor, course):
    client.force_login(instructor)
    body = client.get(reverse("learning:instructor_dashboard")).content.decode()
    change = reverse("admin:courses_course_change", args=[course.pk])
    assert f'<a class="fw-semibold" href="{change}">{course.title}</a>' in body  # the name is a link
    for label, url in [
        ("Edit outline", change),
        ("Preview", reverse("learning:course_preview", args=[course.slug])),
        ("Analytics", f"{reverse('reports:report', args=['engagement'])}?course={course.pk}"),
    ]:
        assert re.search(rf'href="{re.escape(url)}"><i [^>]*></i> {label}<span class="visually-hidden">', body), label
    # "Author courses" opens the instructor's course list in the admin, not the admin's home page.
    assert f'href="{reverse("admin:courses_course_changelist")}">Author courses</a>' in body
    assert f'href="{reverse("admin:index")}">Author courses' not in body
