"""Career paths: prerequisite rules (earlier courses of the same path only: no cycles), joining and leaving,
progress numbers, the enrolment rule for members and the path certificate (exactly once)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing.models import Payment
from billing.services import checkout_check
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from learning import career_paths_selectors as sel
from learning import services
from learning.models import CareerPath, Enrollment, IssuedCertificate, PathCourse, UserCareerPath
from reports.privacy import collect_learning
from tests.courses.factories import ContentFactory
from tests.factories import AdminFactory, StudentFactory

from .helpers import complete, make_path

pytestmark = pytest.mark.django_db


# --- prerequisites -----------------------------------------------------------------------------


def test_a_prerequisite_must_come_earlier_in_the_same_path():
    admin = AdminFactory()
    path, (first, second, third) = make_path(3, chained=False)
    services.path_course_set_prerequisites(actor=admin, path_course=third, prerequisites=[first, second])
    assert set(third.prerequisites.all()) == {first, second}
    with pytest.raises(ValidationError) as later:
        services.path_course_set_prerequisites(actor=admin, path_course=first, prerequisites=[second])
    assert "comes after" in str(later.value)
    with pytest.raises(ValidationError, match="its own prerequisite"):
        services.path_course_set_prerequisites(actor=admin, path_course=second, prerequisites=[second])
    other_path, (elsewhere,) = make_path(1)
    with pytest.raises(ValidationError, match="same path"):
        services.path_course_set_prerequisites(actor=admin, path_course=third, prerequisites=[elsewhere])
    assert set(first.prerequisites.all()) == set() and set(third.prerequisites.all()) == {first, second}


def test_a_cycle_cannot_be_built():
    admin = AdminFactory()
    _path, (a, b) = make_path(2, chained=False)
    services.path_course_set_prerequisites(actor=admin, path_course=b, prerequisites=[a])
    with pytest.raises(ValidationError):
        services.path_course_set_prerequisites(actor=admin, path_course=a, prerequisites=[b])  # a <- b <- a
    # Reordering so that a prerequisite comes later is caught by the whole-path check (and on publishing).
    PathCourse.objects.filter(pk=a.pk).update(position=99)
    with pytest.raises(ValidationError, match="comes after"):
        services.career_path_validate(path=a.path)


def test_only_path_authors_set_prerequisites_and_publish():
    path, (a, b) = make_path(2, chained=False, published=False)
    student = StudentFactory()
    with pytest.raises(PermissionDenied):
        services.path_course_set_prerequisites(actor=student, path_course=b, prerequisites=[a])
    with pytest.raises(PermissionDenied):
        services.career_path_publish(path=path, actor=student)
    assert not b.prerequisites.exists()
    admin = AdminFactory()
    services.career_path_publish(path=path, actor=admin)
    path.refresh_from_db()
    assert path.is_published and path.published_at
    with pytest.raises(ConflictError):
        services.career_path_publish(path=path, actor=admin)


def test_an_empty_path_is_not_published():
    path, _ = make_path(0, published=False)
    with pytest.raises(ValidationError, match="at least one"):
        services.career_path_publish(path=path, actor=AdminFactory())


# --- joining, leaving, progress ----------------------------------------------------------------


def test_join_is_idempotent_enrols_in_nothing_and_leave_keeps_enrolments(student, django_capture_on_commit_callbacks):
    path, (a, b, c) = make_path(3)
    first = services.career_path_join(user=student, path=path)
    again = services.career_path_join(user=student, path=path)
    assert first.pk == again.pk and UserCareerPath.objects.filter(user=student).count() == 1
    assert not Enrollment.objects.filter(user=student).exists()
    complete(student, a.course, django_capture_on_commit_callbacks)
    services.career_path_leave(user=student, path=path)
    assert not UserCareerPath.objects.filter(user=student).exists()
    assert Enrollment.objects.get(user=student, course=a.course).status == Enrollment.Status.COMPLETED
    with pytest.raises(ConflictError) as exc:
        services.career_path_leave(user=student, path=path)
    assert exc.value.code == "not_member"


def test_a_draft_path_cannot_be_joined(student):
    path, _ = make_path(1, published=False)
    with pytest.raises(ConflictError) as exc:
        services.career_path_join(user=student, path=path)
    assert exc.value.code == "not_published"


def test_progress_counts_completed_required_courses_in_sql(student, django_capture_on_commit_callbacks):
    path, (a, b, c, optional) = make_path(4, required=[True, True, True, False], chained=False)
    c.prerequisites.add(b)
    services.career_path_join(user=student, path=path)
    complete(student, a.course, django_capture_on_commit_callbacks)
    complete(student, optional.course, django_capture_on_commit_callbacks)  # optional, no prerequisites
    listed = sel.career_path_list(user=student).get(pk=path.pk)
    assert (listed.course_count, listed.required_count, listed.required_done, listed.is_member) == (4, 3, 1, True)
    progress = sel.career_path_progress(path=path, user=student)
    assert (progress.required_done, progress.required_total, progress.percent) == (1, 3, 33)
    assert (progress.lessons_done, progress.lessons_total) == (1, 3)
    assert [r.state for r in progress.rows] == ["completed", "available", "locked", "completed"]
    assert progress.rows[2].missing == [b.course.title]
    assert progress.next_row.entry == b
    (mine,) = sel.my_career_paths(user=student)
    assert (mine.required_done, mine.required_count) == (1, 3)
    # A visitor sees the same path with nothing done and nothing locked.
    visitor = sel.career_path_progress(path=path, user=None)
    assert visitor.required_done == 0 and {r.state for r in visitor.rows} == {"available"}


def test_enrolled_course_shows_its_progress(student, django_capture_on_commit_callbacks):
    path, (a,) = make_path(1)
    second_lesson = ContentFactory(section=a.course.contents.get().section, order=2)
    services.career_path_join(user=student, path=path)
    services.enrollment_create(user=student, course=a.course)
    services.lesson_mark_complete(user=student, content=second_lesson)
    (row,) = sel.career_path_progress(path=path, user=student).rows
    assert row.state == "enrolled" and row.percent == 50


# --- the enrolment rule ------------------------------------------------------------------------


def test_a_member_cannot_enrol_before_the_prerequisites_and_can_after(student, django_capture_on_commit_callbacks):
    path, (a, b, _c) = make_path(3)
    services.career_path_join(user=student, path=path)
    with pytest.raises(ConflictError) as exc:
        services.enrollment_create(user=student, course=b.course, source="free")
    assert exc.value.code == "path_prerequisites" and a.course.title in exc.value.messages[0]
    assert not Enrollment.objects.filter(user=student, course=b.course).exists()
    complete(student, a.course, django_capture_on_commit_callbacks)
    assert services.enrollment_create(user=student, course=b.course, source="free").status == "enrolled"


def test_non_members_and_former_members_are_not_bound_by_a_path(student):
    path, (_a, b) = make_path(2)
    services.enrollment_create(user=StudentFactory(), course=b.course, source="free")  # never joined
    services.career_path_join(user=student, path=path)
    services.career_path_leave(user=student, path=path)
    services.enrollment_create(user=student, course=b.course, source="free")  # left the path


def test_an_unpublished_path_binds_nobody(student):
    path, (_a, b) = make_path(2)
    services.career_path_join(user=student, path=path)
    CareerPath.objects.filter(pk=path.pk).update(status=CareerPath.Status.DRAFT)
    services.enrollment_create(user=student, course=b.course, source="free")


def test_path_prerequisites_code_is_an_eligibility_conflict_code():
    assert "path_prerequisites" in services.ELIGIBILITY_CONFLICT_CODES


# --- completion --------------------------------------------------------------------------------


def test_completing_the_last_required_course_awards_one_path_certificate(student, django_capture_on_commit_callbacks):
    path, (a, b, optional) = make_path(3, required=[True, True, False], title="Data analyst")
    services.career_path_join(user=student, path=path)
    complete(student, a.course, django_capture_on_commit_callbacks)
    assert UserCareerPath.objects.get(user=student).completed_at is None
    complete(student, b.course, django_capture_on_commit_callbacks)
    membership = UserCareerPath.objects.get(user=student)
    assert membership.completed_at is not None
    certificate = membership.certificate
    assert (certificate.kind, certificate.course_title, certificate.course, certificate.enrollment) == (
        IssuedCertificate.Kind.PATH, "Data analyst", None, None,
    )  # fmt: skip
    assert Notification.objects.filter(user=student, title__contains="Data analyst").exists()
    # Twice more (the task retried, the nightly reconcile): still one certificate.
    assert services.career_path_progress_check(user_id=student.pk, course_id=b.course_id) == 0
    assert services.career_path_progress_check(user_id=student.pk) == 0
    assert services.career_paths_reconcile() == 0
    assert IssuedCertificate.objects.filter(user=student, kind=IssuedCertificate.Kind.PATH).count() == 1
    with pytest.raises(ConflictError) as exc:
        services.career_path_leave(user=student, path=path)
    assert exc.value.code == "completed"


def test_a_lost_completion_task_is_caught_by_the_reconcile(student, django_capture_on_commit_callbacks):
    path, (a,) = make_path(1)
    services.career_path_join(user=student, path=path)
    services.enrollment_create(user=student, course=a.course, source="free")
    services.lesson_mark_complete(user=student, content=a.course.contents.get())  # on-commit work never ran
    assert UserCareerPath.objects.get(user=student).completed_at is None
    assert services.career_paths_reconcile() == 1
    assert services.career_paths_reconcile() == 0
    assert IssuedCertificate.objects.filter(user=student, kind="path").count() == 1


def test_joining_after_finishing_every_course_completes_at_once(student, django_capture_on_commit_callbacks):
    path, (a,) = make_path(1)
    complete(student, a.course, django_capture_on_commit_callbacks)
    membership = services.career_path_join(user=student, path=path)
    assert membership.is_completed and membership.certificate.kind == "path"


def test_other_paths_and_other_learners_are_untouched(student, django_capture_on_commit_callbacks):
    path, (a,) = make_path(1)
    other, _ = make_path(1)
    services.career_path_join(user=student, path=other)
    classmate = StudentFactory()
    services.career_path_join(user=classmate, path=path)
    complete(student, a.course, django_capture_on_commit_callbacks)
    assert not UserCareerPath.objects.filter(completed_at__isnull=False).exists()
    assert not IssuedCertificate.objects.filter(kind="path").exists()


def test_hours_are_entered_or_added_up_from_the_courses():
    path, (a, b) = make_path(2)
    a.course.duration_minutes, b.course.duration_minutes = 100, 50
    a.course.save(), b.course.save()
    assert sel.path_hours(sel.career_path_list().get(pk=path.pk)) == 3  # 150 minutes, rounded
    CareerPath.objects.filter(pk=path.pk).update(estimated_hours=40)
    assert sel.path_hours(sel.career_path_list().get(pk=path.pk)) == 40


def test_memberships_are_in_the_users_data_export_only(student, django_capture_on_commit_callbacks):
    path, (a,) = make_path(1, title="Cloud engineer")
    services.career_path_join(user=student, path=path)
    services.career_path_join(user=StudentFactory(), path=path)
    complete(student, a.course, django_capture_on_commit_callbacks)
    (row,) = collect_learning(student)["career_paths"]
    assert row["path__title"] == "Cloud engineer" and row["completed_at"] and row["certificate__code"]


def test_checkout_refuses_a_member_a_later_paid_course_before_any_payment(student):
    path, (_a, b) = make_path(2)
    type(b.course).objects.filter(pk=b.course_id).update(price="25.00")
    b.course.refresh_from_db()
    services.career_path_join(user=student, path=path)
    with pytest.raises(ConflictError) as exc:
        checkout_check(user=student, product=b.course)
    assert exc.value.code == "path_prerequisites"
    assert not Payment.objects.exists()
    checkout_check(user=StudentFactory(), product=b.course)  # a non-member may buy it
