"""Issue 12, defect 4: report CSVs carried spreadsheet formulas typed as names (now neutralised), while
figures, negative ones included, stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import ReportExport
from tests.factories import InstructorFactory, StudentFactory

from .conftest import MARCH, _completion, _earning, _payment, at

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1+1", "\t=1"]
# What the CSV holds for "<payload> Evil<n>": a leading quote (and one after the tab, where a tab-separated
# reading would start a new cell).
EXPECTED = ['\'=HYPERLINK("http://x","y") Evil0', "'@SUM(1) Evil1", "'+1 Evil2", "'-1+1 Evil3", "'\t'=1 Evil4"]


def _parse(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))


def _students_with_formula_names(world):
    for n, payload in enumerate(PAYLOADS):
        student = StudentFactory(first_name=payload, last_name=f"Evil{n}")
        _completion(student, world.a1, seconds=60, completed_at=at(3, 20), updated=at(3, 20))


def _assert_neutralised(rows: list[list[str]]):
    names = {row[0] for row in rows[1:]}
    for n, payload in enumerate(PAYLOADS):
        assert f"{payload} Evil{n}" not in names, f"{payload!r} arrived as it was typed"
    assert set(EXPECTED) <= names, names
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r")), row[0]


def test_streamed_report_csv_neutralises_formulas_in_names(client, world, admin_user):
    _students_with_formula_names(world)
    client.force_login(admin_user)
    response = client.get(reverse("reports:report_csv", args=["top-students"]), MARCH)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    rows = _parse(body)
    assert rows[0][0] == "Student"
    _assert_neutralised(rows)
    assert b"'=HYPERLINK(" in body and b"\n=HYPERLINK" not in body and b",=HYPERLINK" not in body
    # The figures are still plain numbers.
    evil = next(row for row in rows if row[0].endswith("Evil0"))
    assert evil[1:4] == ["1", "0", "0"]


def test_background_report_csv_neutralises_formulas_too(
    client, world, admin_user, settings, django_capture_on_commit_callbacks
):
    _students_with_formula_names(world)
    settings.REPORTS_SYNC_EXPORT_MAX_ROWS = 1
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_export", args=["top-students"]), {**MARCH, "format": "csv"})
    export = ReportExport.objects.get()
    assert export.status == "done"
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    _assert_neutralised(_parse(b"".join(download.streaming_content)))


def test_negative_money_stays_a_number_and_instructor_names_are_text(client, money_world, admin_user):
    """A refund in March of a February sale: the instructor's March net revenue is negative."""
    w = money_world
    shady = InstructorFactory(first_name="=1+1", last_name="Shady")
    course = w.alpha.__class__.objects.create(
        title="-2+3 course", slug="minus-course", instructor=shady, status=w.alpha.status, price=Decimal("80.00")
    )
    payment = _payment(9, w.s2, course, "80.00", status="refunded")
    _earning(payment, course, "sale", "80.00", 70, at(2, 10))
    _earning(payment, course, "refund", "-80.00", 70, at(3, 10))
    client.force_login(admin_user)
    response = client.get(reverse("reports:report_csv", args=["revenue"]), MARCH)
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = _parse(body.encode())
    header = rows[0]
    row = next(r for r in rows if r[header.index("Instructor")].endswith("Shady"))
    assert row[header.index("Instructor")] == "'=1+1 Shady"
    assert row[header.index("Net revenue")] == "-80.00"  # a negative number, not "'-80.00"
    assert ",-80.00," in body
