"""Who sees which report, and which courses."""

import pytest

from accounts import roles
from reports.filters import report_params
from reports.permissions import can_view_report, report_courses, visible_report_slugs

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def test_duties(make_staff, admin_user, student, instructor):
    finance, support, reviewer = make_staff(roles.FINANCE), make_staff(roles.SUPPORT), make_staff(roles.REVIEWERS)
    moderator = make_staff(roles.MODERATORS)
    assert visible_report_slugs(finance) == ["revenue"]
    assert set(visible_report_slugs(support)) == {"support", "accessibility"}
    assert set(visible_report_slugs(reviewer)) == {
        "top-students", "activity", "engagement", "completion", "attendance", "attendance-trainees", "accessibility",
    }  # fmt: skip
    assert visible_report_slugs(moderator) == [] and visible_report_slugs(student) == []
    assert len(visible_report_slugs(admin_user)) == 9
    assert can_view_report(instructor, "completion") and can_view_report(instructor, "revenue")
    assert not can_view_report(instructor, "support")
    assert not can_view_report(student, "completion")


def test_instructor_cannot_pick_another_instructors_course(world):
    params, filterset = report_params(user=world.ivan, report="completion", data={**MARCH, "course": world.gamma.pk})
    assert not filterset.is_valid() and "course" in filterset.errors
    # The invalid choice is ignored: the scope stays Ivan's courses.
    assert set(params.courses.values_list("title", flat=True)) == {"Alpha", "Beta"}


def test_instructor_filter_cannot_widen_scope(world):
    params, filterset = report_params(
        user=world.ivan, report="completion", data={**MARCH, "instructor": world.irene.pk}
    )
    # Irene co-authors Ivan's Beta, so she is a valid choice, but only Beta (Ivan's) remains.
    assert filterset.is_valid()
    assert list(params.courses.values_list("title", flat=True)) == ["Beta"]


def test_closed_report_has_no_courses(world, student):
    assert not report_courses(student, "completion").exists()
    assert not report_courses(world.ivan, "support").exists()
