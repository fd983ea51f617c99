"""A course's life: create, update, delete, the review workflow and its notifications (services.courses)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from courses import selectors, services
from courses.models import CertificateTemplate, Course, CourseApprovalRequest, CourseVersion
from courses.tasks import course_review_notify
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import AuditLog, Notification
from tests.courses.factories import (
    CollaboratorFactory,
    ContentFactory,
    CourseFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.courses.services.utils import make_in_review, statuses
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory, StudentFactory

pytestmark = pytest.mark.django_db

S = Course.Status


# --- transitions ------------------------------------------------------------------------------


def test_submit_moves_draft_to_in_review_and_records_request_and_audit(course):
    request = services.course_submit(course=course, user=course.instructor, note="Ready")

    assert course.status == S.IN_REVIEW and statuses(course) == S.IN_REVIEW
    assert request.decision == CourseApprovalRequest.Decision.PENDING
    assert request.submitted_by == course.instructor and request.submission_note == "Ready"
    audit = AuditLog.objects.get(action="course.submit")
    assert audit.actor == course.instructor and audit.target_id == str(course.pk)
    assert audit.changes == {"status": ["draft", "in_review"]}


def test_co_author_can_submit(course):
    co_author = CollaboratorFactory(course=course).user
    services.course_submit(course=course, user=co_author)
    assert statuses(course) == S.IN_REVIEW


@pytest.mark.parametrize("who", ["other_instructor", "student", "reviewer"])
def test_only_authors_submit(course, who):
    user = {"other_instructor": InstructorFactory, "student": StudentFactory, "reviewer": ReviewerFactory}[who]()
    with pytest.raises(PermissionDenied):
        services.course_submit(course=course, user=user)
    assert statuses(course) == S.DRAFT
    assert not CourseApprovalRequest.objects.exists()


def test_submit_without_lessons_is_refused():
    course = CourseFactory()
    SectionFactory(course=course)
    with pytest.raises(ValidationError, match="Add at least one lesson"):
        services.course_submit(course=course, user=course.instructor)
    assert statuses(course) == S.DRAFT
    assert not CourseApprovalRequest.objects.exists()


def test_submit_with_an_empty_quiz_is_refused(course):
    QuizContentFactory(course=course, title="Final quiz")
    with pytest.raises(ValidationError, match="Final quiz"):
        services.course_submit(course=course, user=course.instructor)
    assert statuses(course) == S.DRAFT


def test_approve_publishes_and_creates_version_1(course, reviewer):
    make_in_review(course)
    version = services.course_approve(course=course, reviewer=reviewer, note="Nice")

    course.refresh_from_db()
    assert course.status == S.PUBLISHED and course.published_at is not None
    assert version.number == 1 and version.created_by == reviewer
    request = version.approval
    assert request.decision == CourseApprovalRequest.Decision.APPROVED
    assert request.reviewer == reviewer and request.decided_at is not None and request.review_note == "Nice"
    snap = version.snapshot
    assert snap["course"]["title"] == "Intro to Django"
    assert [lesson["title"] for lesson in snap["sections"][0]["lessons"]] == ["Welcome"]
    assert AuditLog.objects.filter(action="course.approve", actor=reviewer, target_id=str(course.pk)).exists()


def test_request_changes_then_resubmit(course, reviewer):
    make_in_review(course)
    request = services.course_request_changes(course=course, reviewer=reviewer, note="Add exercises")
    assert statuses(course) == S.CHANGES_REQUESTED
    assert request.decision == CourseApprovalRequest.Decision.CHANGES_REQUESTED
    assert request.review_note == "Add exercises"
    assert AuditLog.objects.filter(action="course.request_changes", reason="Add exercises").exists()

    second = services.course_submit(course=course, user=course.instructor)
    assert statuses(course) == S.IN_REVIEW and second.pk != request.pk
    assert course.approval_requests.count() == 2


@pytest.mark.parametrize("note", ["", "   "])
def test_request_changes_needs_a_note(course, reviewer, note):
    make_in_review(course)
    with pytest.raises(ValidationError) as exc:
        services.course_request_changes(course=course, reviewer=reviewer, note=note)
    assert "note" in exc.value.message_dict
    assert statuses(course) == S.IN_REVIEW
    assert course.approval_requests.get().decision == CourseApprovalRequest.Decision.PENDING


def test_archive_published_course(course, reviewer):
    make_in_review(course)
    services.course_approve(course=course, reviewer=reviewer)
    services.course_archive(course=course, user=course.instructor)
    assert statuses(course) == S.ARCHIVED
    assert AuditLog.objects.filter(action="course.archive").exists()


ILLEGAL = [
    # (starting status, action)
    (S.DRAFT, "approve"),
    (S.DRAFT, "request_changes"),
    (S.DRAFT, "archive"),
    (S.IN_REVIEW, "submit"),
    (S.IN_REVIEW, "archive"),
    (S.CHANGES_REQUESTED, "approve"),
    (S.CHANGES_REQUESTED, "request_changes"),
    (S.CHANGES_REQUESTED, "archive"),
    (S.PUBLISHED, "submit"),
    (S.PUBLISHED, "approve"),
    (S.PUBLISHED, "request_changes"),
    (S.ARCHIVED, "submit"),
    (S.ARCHIVED, "approve"),
    (S.ARCHIVED, "request_changes"),
    (S.ARCHIVED, "archive"),
]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(course, reviewer, status, action):
    Course.objects.filter(pk=course.pk).update(status=status)
    course.refresh_from_db()
    call = {
        "submit": lambda: services.course_submit(course=course, user=course.instructor),
        "approve": lambda: services.course_approve(course=course, reviewer=reviewer),
        "request_changes": lambda: services.course_request_changes(course=course, reviewer=reviewer, note="x"),
        "archive": lambda: services.course_archive(course=course, user=course.instructor),
    }[action]
    with pytest.raises(ConflictError) as exc:
        call()
    assert exc.value.code == "invalid_transition"
    assert f"This course is {course.get_status_display().lower()} and cannot be" in exc.value.messages[0]
    assert statuses(course) == status
    assert not CourseVersion.objects.exists()
    assert not AuditLog.objects.exists()


def test_reviewer_cannot_decide_on_own_course(reviewer):
    course = CourseFactory(instructor=reviewer)
    ContentFactory(course=course)
    make_in_review(course)
    with pytest.raises(PermissionDenied, match="you author"):
        services.course_approve(course=course, reviewer=reviewer)
    with pytest.raises(PermissionDenied):
        services.course_request_changes(course=course, reviewer=reviewer, note="x")
    assert statuses(course) == S.IN_REVIEW


def test_co_author_reviewer_cannot_decide(course, reviewer):
    CollaboratorFactory(course=course, user=reviewer)
    make_in_review(course)
    with pytest.raises(PermissionDenied):
        services.course_approve(course=course, reviewer=reviewer)


@pytest.mark.parametrize("factory", [InstructorFactory, StudentFactory])
def test_non_reviewers_cannot_decide(course, factory):
    make_in_review(course)
    with pytest.raises(PermissionDenied):
        services.course_approve(course=course, reviewer=factory())
    assert statuses(course) == S.IN_REVIEW


def test_superuser_can_decide(course):
    make_in_review(course)
    services.course_approve(course=course, reviewer=AdminFactory())
    assert statuses(course) == S.PUBLISHED


# --- notifications ----------------------------------------------------------------------------


def test_decision_notifies_instructor_on_commit(course, reviewer, django_capture_on_commit_callbacks):
    make_in_review(course)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.course_approve(course=course, reviewer=reviewer, note="Well done")
    assert len(callbacks) == 2  # the course.published webhook dispatch and the review notification
    assert not Notification.objects.exists()  # nothing before the commit

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    notification = Notification.objects.get()
    assert notification.user == course.instructor
    assert notification.category == "course_review"
    assert "approved" in notification.title and notification.body == "Well done"
    assert notification.url == f"/admin/courses/course/{course.pk}/change/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [course.instructor.email]
    assert "approved" in mail.outbox[0].subject
    assert CourseApprovalRequest.objects.get().notified_at is not None


def test_changes_requested_notification_and_task_is_idempotent(course, reviewer, django_capture_on_commit_callbacks):
    make_in_review(course)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.course_request_changes(course=course, reviewer=reviewer, note="Fix lesson 2")
    notification = Notification.objects.get()
    assert notification.title == f"Changes requested for “{course.title}”"
    assert "Fix lesson 2" in notification.body  # the reviewer's note, with what to do next
    assert notification.url == f"/admin/courses/course/{course.pk}/change/"  # the admin page (with the note)
    assert "Fix lesson 2" in mail.outbox[0].body
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert course_review_notify.delay(str(request.pk)).get() is False
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_submission_does_not_notify(course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_in_review(course)
    assert callbacks == [] and not Notification.objects.exists()


def test_course_create_makes_unique_slugs(instructor):
    a = services.course_create(instructor=instructor, title="Python Basics", description="d")
    b = services.course_create(instructor=instructor, title="Python basics", description="d")
    assert (a.slug, b.slug) == ("python-basics", "python-basics-2")
    assert a.status == S.DRAFT and a.instructor == instructor


def test_course_create_validates(instructor):
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            instructor=instructor, title="X", description="d", start_date="2026-02-01", end_date="2026-01-01"
        )
    assert {"title", "end_date"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.course_create(instructor=instructor, title="Course", description="d", status="published")
    assert "status" in exc.value.message_dict
    assert not Course.objects.exists()


def test_students_cannot_create_courses(student):
    with pytest.raises(PermissionDenied):
        services.course_create(instructor=student, title="Course", description="d")


def test_course_update_permissions_and_prerequisites(course):
    with pytest.raises(PermissionDenied):
        services.course_update(course=course, user=InstructorFactory(), data={"title": "Hijack"})
    with pytest.raises(ValidationError, match="own prerequisite"):
        services.course_update(course=course, user=course.instructor, data={"prerequisites": [course]})
    with pytest.raises(ValidationError) as exc:
        services.course_update(course=course, user=course.instructor, data={"instructor": InstructorFactory()})
    assert "instructor" in exc.value.message_dict
    co_author = CollaboratorFactory(course=course).user
    services.course_update(course=course, user=co_author, data={"title": "Co-edited"})
    assert Course.objects.get(pk=course.pk).title == "Co-edited"


def test_course_in_review_is_frozen_for_authors(course):
    make_in_review(course)
    with pytest.raises(PermissionDenied):
        services.course_update(course=course, user=course.instructor, data={"title": "Sneaky"})
    with pytest.raises(PermissionDenied):
        services.section_create(course=course, user=course.instructor, title="Sneaky")


# --- deletion and the checks the admin runs ------------------------------------------------------


def test_owner_deletes_a_draft_audited(course):
    owner = course.instructor
    services.course_delete(course=course, user=owner)
    assert not Course.objects.filter(pk=course.pk).exists()
    audit = AuditLog.objects.get(action="course.delete")
    assert (audit.actor, audit.target_id) == (owner, str(course.pk))


def test_course_delete_denials(course):
    with pytest.raises(PermissionDenied):
        services.course_delete(course=course, user=InstructorFactory())
    with pytest.raises(PermissionDenied):
        services.course_delete(course=course, user=CollaboratorFactory(course=course).user)
    make_in_review(course)
    with pytest.raises(ConflictError) as excinfo:
        services.course_delete(course=course, user=course.instructor)
    assert excinfo.value.code == "not_deletable"
    assert Course.objects.filter(pk=course.pk).exists()
    assert not AuditLog.objects.filter(action="course.delete").exists()


def test_superuser_deletes_a_draft(course):
    services.course_delete(course=course, user=AdminFactory())
    assert not Course.objects.filter(pk=course.pk).exists()


def test_course_check_writes_nothing_and_refuses_what_the_services_refuse(course, instructor):
    services.course_check(user=instructor, data={"title": "Fine title", "description": "d"})
    services.course_check(user=course.instructor, course=course, data={"title": "Renamed"})
    assert not Course.objects.filter(title__in=["Fine title", "Renamed"]).exists()
    with pytest.raises(ValidationError) as excinfo:
        services.course_check(user=course.instructor, course=course, data={"price": "-1"})
    assert "price" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.course_check(user=course.instructor, course=course, data={"prerequisites": [course]})
    assert "prerequisites" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        services.course_check(user=InstructorFactory(), course=course, data={"title": "Hijack"})
    with pytest.raises(PermissionDenied):  # only superusers choose the owner
        services.course_check(
            user=instructor, data={"title": "Theirs", "description": "d", "instructor": course.instructor}
        )
    inactive = InstructorFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        services.course_check(user=AdminFactory(), data={"title": "Orphan", "description": "d", "instructor": inactive})
    make_in_review(course)
    with pytest.raises(PermissionDenied):
        services.course_check(user=course.instructor, course=course, data={"title": "Frozen"})


# --- the pre-submit checklist: the same rules as course_submit's refusal ---------------------------------


def _no_lessons(course):
    course.contents.all().delete()


def _unpublished_lessons(course):
    course.contents.update(is_published=False)


def _empty_quiz(course):
    QuizContentFactory(course=course, title="Final quiz")


def _certificate_without_template(course):
    ContentFactory(course=course, title="Your certificate", kind="certificate", article_body="")


def _price_without_currency(course):
    Course.objects.filter(pk=course.pk).update(price="10.00", currency="")


def _no_description(course):
    Course.objects.filter(pk=course.pk).update(description="  ")


@pytest.mark.parametrize(
    ("breakage", "codes"),
    [
        (_no_lessons, ["empty"]),
        (_unpublished_lessons, ["no_published_lesson"]),
        (_empty_quiz, ["empty_quiz"]),
        (_certificate_without_template, ["no_certificate_template"]),
        (_price_without_currency, ["no_currency"]),
        (_no_description, ["no_description"]),
    ],
)
def test_checklist_and_course_submit_refuse_the_same_things(course, breakage, codes):
    assert all(item.ok for item in selectors.course_submit_checklist(course))
    breakage(course)
    course.refresh_from_db()
    missing = [item for item in selectors.course_submit_checklist(course) if not item.ok]
    assert [item.code for item in missing] == codes
    with pytest.raises(ValidationError) as caught:
        services.course_submit(course=course, user=course.instructor)
    assert [e.code for e in caught.value.error_list] == codes
    assert caught.value.messages == [item.message for item in missing]
    assert statuses(course) == S.DRAFT and not CourseApprovalRequest.objects.exists()


def test_a_default_template_is_enough_for_a_certificate(course):
    _certificate_without_template(course)
    CertificateTemplate.objects.create(name="House", html="<h1>{{ student_name }}</h1>", is_default=True)
    assert all(item.ok for item in selectors.course_submit_checklist(course))
    services.course_submit(course=course, user=course.instructor)
    assert statuses(course) == S.IN_REVIEW


def test_the_submission_keeps_what_was_submitted(course):
    request = services.course_submit(course=course, user=course.instructor)
    assert request.snapshot == selectors.course_snapshot(course=course)
