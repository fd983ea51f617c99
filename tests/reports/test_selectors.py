"""selectors.report_nav: the report switcher lists exactly the reports a user may open."""

import pytest

from accounts import roles
from reports.permissions import can_view_report
from reports.reports import REPORTS
from reports.selectors import report_nav
from tests.factories import InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_superuser_sees_every_report_then_accessibility(admin_user):
    items = report_nav(admin_user, "engagement")
    assert [i.slug for i in items] == [*REPORTS, "accessibility"]
    assert [i.slug for i in items if i.active] == ["engagement"]
    assert items[0].url == "/reports/completion/"


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        (roles.FINANCE, ["revenue"]),
        (roles.SUPPORT, ["support", "accessibility"]),
        (
            roles.REVIEWERS,
            [
                "completion",
                "engagement",
                "top-students",
                "activity",
                "attendance",
                "attendance-trainees",
                "accessibility",
            ],
        ),
    ],
)
def test_staff_see_only_their_duties(make_staff, group, expected):
    user = make_staff(group)
    slugs = [i.slug for i in report_nav(user)]
    assert slugs == expected
    assert all(can_view_report(user, s) for s in slugs)


def test_instructor_sees_course_reports_but_not_support():
    slugs = [i.slug for i in report_nav(InstructorFactory())]
    assert "support" not in slugs and {"completion", "revenue", "accessibility"} <= set(slugs)


def test_student_sees_none():
    assert report_nav(StudentFactory()) == []
