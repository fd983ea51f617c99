import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from learning import services
from learning.models import Enrollment
from tests.courses.factories import PublishedCourseFactory, QuestionFactory, QuizContentFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import AssignmentFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(name, *args):
    return reverse(f"api:learning-{name}", args=args)


def test_anonymous_is_refused_except_verify(course):
    assert api().get(url("enrollments")).status_code in (401, 403)
    assert api().get(url("certificate-verify", "nope")).status_code == 404


def test_enrol_list_progress_and_drop(course, student, lessons):
    client = api(student)
    response = client.post(url("enrollments"), {"course": course.slug}, format="json")
    assert response.status_code == 201, response.json()
    enrollment_id = response.json()["id"]
    assert client.get(url("enrollments")).json()["count"] == 1
    assert client.post(url("lesson-complete", lessons[0].pk)).status_code == 200
    progress = client.get(url("enrollment-progress", enrollment_id)).json()
    assert progress["enrollment"]["completed_required"] == 1
    assert len(progress["completions"]) == 1
    assert client.post(url("enrollment-drop", enrollment_id)).json()["status"] == "dropped"


def test_paid_course_enrolment_is_refused_with_a_clear_message(student):
    paid = PublishedCourseFactory(price="10.00")
    response = api(student).post(url("enrollments"), {"course": str(paid.pk)}, format="json")
    assert response.status_code == 400  # the request itself is wrong (buy it through billing): not a 409
    assert response.json()["error"]["code"] == "paid_course"
    assert "paid course" in str(response.json()["error"]["fields"])


def _course_refusing(student, code):
    today = timezone.localdate()
    if code == "course_full":
        course = PublishedCourseFactory(max_students=1)
        EnrollmentFactory(course=course)
    elif code == "prerequisites":
        course = PublishedCourseFactory(prerequisites=[PublishedCourseFactory(title="Basics")])
    elif code == "course_ended":
        course = PublishedCourseFactory(end_date=today - timezone.timedelta(days=1))
    else:  # suspended
        course = EnrollmentFactory(user=student, status=Enrollment.Status.SUSPENDED).course
    return course


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("course_full", "This course is full"),
        ("prerequisites", "Basics"),
        ("course_ended", "This course has ended"),
        ("suspended", "suspended"),
    ],
)
def test_enrolment_refused_by_the_courses_state_is_a_409_with_its_code(student, code, text):
    """Issue 13 §3: these were 400s (a ValidationError); the enrolment rules now raise ConflictError."""
    course = _course_refusing(student, code)
    response = api(student).post(url("enrollments"), {"course": course.slug}, format="json")
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == code and text in error["message"] and error["fields"] == {}
    assert not Enrollment.objects.filter(user=student, course=course, status=Enrollment.Status.ENROLLED).exists()


def test_quiz_attempt_flow_hides_answers_and_refuses_a_second_submit(enrollment, student, course):
    quiz = QuizContentFactory(section=course.sections.first(), order=9, pass_mark=50, max_attempts=1)
    question = QuestionFactory(content=quiz, explanation="Because.")
    client = api(student)
    started = client.post(url("quiz-start", quiz.pk))
    assert started.status_code == 201
    body = started.json()
    assert body["questions"][0]["options"] == ["Paris", "London", "Berlin"]
    assert "correct_answers" not in str(body) and "Because." not in str(body)
    submit = url("quiz-submit", body["id"])
    response = client.post(submit, {"answers": {str(question.pk): "Paris"}}, format="json")
    assert response.status_code == 200 and response.json()["passed"] is True
    assert response.json()["results"][str(question.pk)]["explanation"] == "Because."
    again = client.post(submit, {"answers": {str(question.pk): "Paris"}}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_submitted"
    assert client.post(url("quiz-start", quiz.pk)).status_code == 400  # attempt limit


def test_a_student_cannot_read_another_students_things(
    enrollment, student, course, lessons, django_capture_on_commit_callbacks
):
    assignment = AssignmentFactory(course=course)
    submission = services.assignment_submit(user=student, assignment=assignment, text="mine")
    note = services.note_save(user=student, content=lessons[0], body="private")
    quiz = QuizContentFactory(section=course.sections.first(), order=9)
    QuestionFactory(content=quiz)
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[:3]:
            services.lesson_mark_complete(user=student, content=lesson)
        services.quiz_attempt_submit(attempt=attempt, user=student, answers={})
    enrollment.refresh_from_db()
    services.lesson_mark_complete(user=student, content=lessons[3])

    other = StudentFactory()
    EnrollmentFactory(user=other, course=course)
    client = api(other)
    assert client.get(url("note", note.pk)).status_code == 404
    assert client.patch(url("note", note.pk), {"body": "x"}, format="json").status_code == 404
    assert client.delete(url("note", note.pk)).status_code == 404
    assert client.get(url("notes")).json()["count"] == 0
    assert client.get(url("submission", submission.pk)).status_code == 404
    assert client.get(url("submissions")).json()["count"] == 0
    assert client.get(url("quiz-attempt", attempt.pk)).status_code == 404
    assert client.post(url("quiz-submit", attempt.pk), {"answers": {}}, format="json").status_code == 404
    assert client.get(url("quiz-attempts")).json()["count"] == 0
    assert client.get(url("enrollment", enrollment.pk)).status_code == 404
    assert client.get(url("grading-submissions")).json()["count"] == 0
    assert client.post(url("grading-submission-grade", submission.pk), {"score": 1}, format="json").status_code == 404


def test_certificates_api_and_public_verify(enrollment, student, lessons, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[:3]:
            services.lesson_mark_complete(user=student, content=lesson)
    certificate = enrollment.certificate
    listing = api(student).get(url("certificates")).json()
    assert listing["count"] == 1 and listing["results"][0]["download_url"]
    assert api(student).get(url("certificate-download", certificate.pk)).status_code == 200
    assert api(StudentFactory()).get(url("certificate", certificate.pk)).status_code == 404
    assert api(StudentFactory()).get(url("certificate-download", certificate.pk)).status_code == 404
    verify = api().get(url("certificate-verify", certificate.code)).json()
    assert verify["holder_name"] == "Stella Student" and verify["status"] == "valid"


def test_assignment_submit_and_instructor_grading(enrollment, student, course, instructor):
    assignment = AssignmentFactory(course=course, points=10, due_at=timezone.now() + timezone.timedelta(days=1))
    client = api(student)
    assert client.get(url("assignments")).json()["count"] == 1
    response = client.post(
        url("assignment-submit", assignment.pk),
        {"text": "hello", "file": SimpleUploadedFile("a.txt", b"plain text")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    submission_id = response.json()["id"]
    assert api(InstructorFactory()).get(url("grading-submissions")).json()["count"] == 0
    teacher = api(instructor)
    assert teacher.get(url("grading-submissions")).json()["count"] == 1
    bad = teacher.post(url("grading-submission-grade", submission_id), {"score": "11"}, format="json")
    assert bad.status_code == 400
    ok = teacher.post(url("grading-submission-grade", submission_id), {"score": "9", "feedback": "ok"}, format="json")
    assert ok.json()["status"] == "graded"
    assert client.get(url("submission", submission_id)).json()["score"] == "9.00"


def test_notes_crud(enrollment, student, lessons):
    client = api(student)
    created = client.post(url("notes"), {"content": str(lessons[0].pk), "body": "first"}, format="json")
    assert created.status_code == 201
    note_id = created.json()["id"]
    assert client.patch(url("note", note_id), {"body": "edited"}, format="json").json()["body"] == "edited"
    assert client.delete(url("note", note_id)).status_code == 204
    outsider = api(StudentFactory())
    response = outsider.post(url("notes"), {"content": str(lessons[0].pk), "body": "x"}, format="json")
    assert response.status_code == 403


def test_attendance_api(enrollment, student, course, instructor):
    teacher = api(instructor)
    data = {
        "course": str(course.pk),
        "user": str(student.pk),
        "date": "2026-05-04",
        "status": "present",
        "sign_in_at": "09:00",
        "sign_out_at": "10:00",
    }
    response = teacher.post(url("attendance"), data, format="json")
    assert response.status_code == 201 and response.json()["duration_minutes"] == 60
    assert api(StudentFactory()).post(url("attendance"), data, format="json").status_code == 404
    assert api(student).get(url("attendance")).json()["count"] == 1
    assert api(StudentFactory()).get(url("attendance"), {"course": str(course.pk)}).json()["count"] == 0
    assert teacher.get(url("attendance"), {"course": str(course.pk)}).json()["count"] == 1


def test_saved_courses(student):
    course = PublishedCourseFactory()
    client = api(student)
    assert client.post(url("saved-courses"), {"course": str(course.pk)}, format="json").status_code == 201
    assert client.get(url("saved-courses")).json()["count"] == 1
    assert client.delete(url("saved-course", course.pk)).status_code == 204
    assert client.get(url("saved-courses")).json()["count"] == 0
