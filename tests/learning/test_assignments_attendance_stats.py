import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from courseworx.core.models import AuditLog, Notification
from learning import services
from learning.models import AssignmentSubmission, Attendance, CourseStats
from tests.courses.factories import PublishedCourseFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(course):
    return AssignmentFactory(course=course, due_at=timezone.now() + dt.timedelta(days=2), points=20)


def test_submit_and_resubmit_until_graded(enrollment, student, assignment, instructor):
    first = services.assignment_submit(user=student, assignment=assignment, text="Draft")
    second = services.assignment_submit(
        user=student, assignment=assignment, file=SimpleUploadedFile("essay.pdf", b"%PDF-1.4 essay")
    )
    assert first.pk == second.pk and second.revision == 2 and second.file
    graded = services.submission_grade(submission=second, grader=instructor, score=Decimal("18"), feedback="Good")
    assert graded.status == "graded"
    assert Notification.objects.filter(user=student, category="grading").exists()
    with pytest.raises(ValidationError, match="graded"):
        services.assignment_submit(user=student, assignment=assignment, text="Too late")


def test_a_resubmitted_file_replaces_the_previous_one_only_once_saved(
    enrollment, student, assignment, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.assignment_submit(
            user=student, assignment=assignment, file=SimpleUploadedFile("v1.pdf", b"%PDF-1.4 first")
        )
    storage, old_name = first.file.storage, first.file.name
    # A resubmission that fails after the file was accepted keeps the previous file.
    monkeypatch.setattr(AssignmentSubmission, "full_clean", _raise_invalid)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.assignment_submit(
            user=student, assignment=assignment, file=SimpleUploadedFile("v2.pdf", b"%PDF-1.4 2")
        )
    assert storage.exists(old_name)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.assignment_submit(
            user=student, assignment=assignment, file=SimpleUploadedFile("v3.pdf", b"%PDF-1.4 third")
        )
    assert second.revision == 2 and storage.exists(second.file.name) and not storage.exists(old_name)


def _raise_invalid(*args, **kwargs):
    raise ValidationError({"text": "invalid"})


def test_file_type_is_checked(enrollment, student, assignment):
    with pytest.raises(ValidationError):
        services.assignment_submit(
            user=student, assignment=assignment, file=SimpleUploadedFile("x.pdf", b"MZ not a pdf")
        )
    with pytest.raises(ValidationError):
        services.assignment_submit(user=student, assignment=assignment, file=SimpleUploadedFile("x.exe", b"MZ"))


def test_late_submission_is_marked_or_refused(enrollment, student, course):
    past = timezone.now() - dt.timedelta(hours=1)
    strict = AssignmentFactory(course=course, due_at=past, allow_late=False)
    lenient = AssignmentFactory(course=course, due_at=past, allow_late=True)
    with pytest.raises(ValidationError, match="late"):
        services.assignment_submit(user=student, assignment=strict, text="x")
    late = services.assignment_submit(user=student, assignment=lenient, text="x")
    assert late.is_late
    with pytest.raises(ValidationError, match="deadline"):
        services.assignment_submit(user=student, assignment=lenient, text="y")


def test_score_cannot_exceed_points_and_regrade_is_audited(enrollment, student, assignment, instructor):
    submission = services.assignment_submit(user=student, assignment=assignment, text="x")
    with pytest.raises(ValidationError):
        services.submission_grade(submission=submission, grader=instructor, score=21)
    with pytest.raises(PermissionDenied):
        services.submission_grade(submission=submission, grader=InstructorFactory(), score=10)
    services.submission_grade(submission=submission, grader=instructor, score=10)
    services.submission_grade(submission=submission, grader=instructor, score=12)
    assert AuditLog.objects.filter(action="learning.grade_override", target_id=str(submission.pk)).exists()


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


def test_attendance_is_unique_per_day_with_duration(enrollment, student, course, instructor):
    day = dt.date(2026, 5, 4)
    services.attendance_record(
        course=course,
        user=student,
        date=day,
        status="late",
        recorded_by=instructor,
        sign_in_at=dt.time(9, 10),
        sign_out_at=dt.time(11, 0),
    )
    record = services.attendance_record(
        course=course,
        user=student,
        date=day,
        status="present",
        recorded_by=instructor,
        sign_in_at=dt.time(9, 0),
        sign_out_at=dt.time(11, 0),
    )
    assert Attendance.objects.count() == 1 and record.duration_minutes == 120
    with pytest.raises(PermissionDenied):
        services.attendance_record(course=course, user=student, date=day, status="absent", recorded_by=student)
    with pytest.raises(ValidationError):
        services.attendance_record(
            course=course, user=StudentFactory(), date=day, status="absent", recorded_by=instructor
        )


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


def test_attendance_sheet_save_service(enrollment, student, course, instructor):
    day = dt.date(2026, 5, 4)
    stranger = StudentFactory()  # not enrolled
    rows = [{"user": student, "status": "present"}, {"user": stranger, "status": "absent"}]
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_sheet_save(course=course, date=day, recorded_by=instructor, rows=rows)
    assert list(excinfo.value.message_dict) == [str(stranger.pk)]
    assert not Attendance.objects.exists() and not AuditLog.objects.filter(action="attendance.sheet_save").exists()
    with pytest.raises(PermissionDenied):
        services.attendance_sheet_save(course=course, date=day, recorded_by=student, rows=rows[:1])
    with pytest.raises(PermissionDenied):
        services.attendance_sheet_save(course=course, date=day, recorded_by=InstructorFactory(), rows=rows[:1])
    assert services.attendance_sheet_save(course=course, date=day, recorded_by=instructor, rows=rows[:1]) == 1
    assert Attendance.objects.get().recorded_by == instructor


def test_course_stats_are_aggregated_in_sql(course, instructor, django_capture_on_commit_callbacks):
    students = [StudentFactory() for _ in range(4)]
    for s in students:
        services.enrollment_create(user=s, course=course)
    services.enrollment_drop(enrollment=students[3].enrollments.get(), user=students[3])
    lessons = list(course.contents.filter(is_required=True))
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            services.lesson_mark_complete(user=students[0], content=lesson)
        services.lesson_mark_complete(user=students[1], content=lessons[0])
    assert services.course_stats_refresh(course_ids=[course.pk]) == 1
    stats = CourseStats.objects.get(course=course)
    assert (stats.total_enrollments, stats.active_enrollments, stats.completed_enrollments) == (4, 2, 1)
    assert stats.completion_rate == Decimal("25.00")
    assert stats.average_progress == Decimal("44.44")  # (100 + 33.33 + 0) / 3
