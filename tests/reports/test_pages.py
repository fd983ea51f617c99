"""Report pages, CSV streaming, PDF export jobs, query counts and denials."""

import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from pypdf import PdfReader

from accounts import roles
from community.models import SupportTicket
from learning.models import Attendance
from reports.models import ActivityLog, ReportExport
from reports.permissions import can_view_report
from reports.reports import REPORTS
from reports.reports.base import Kpi, format_value
from tests.courses.factories import ContentFactory, PublishedCourseFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.utils import skip_or_fail

from .conftest import MARCH, _certificate, _completion, _earning, _enrol, _event, _payment, _ticket, at

pytestmark = pytest.mark.django_db

SLUGS = list(REPORTS)


def test_home_lists_the_reports_of_the_role(client, world, admin_user, make_staff):
    client.force_login(admin_user)
    page = client.get(reverse("reports:home")).content.decode()
    for report in REPORTS.values():
        assert report.title.replace("&", "&amp;") in page
    client.force_login(make_staff(roles.FINANCE))
    page = client.get(reverse("reports:home")).content.decode()
    assert "Top performing students" not in page


@pytest.mark.parametrize("slug", SLUGS)
def test_report_page_renders_for_admin_and_instructor(client, world, admin_user, slug):
    for user in (admin_user, world.ivan):
        client.force_login(user)
        response = client.get(reverse("reports:report", args=[slug]), MARCH)
        if not can_view_report(user, slug):
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="report-charts"' in html and "chart.umd.min.js" in html and "reports/charts.js" in html


def test_instructor_page_hides_other_instructors_figures(client, world):
    client.force_login(world.ivan)
    html = client.get(reverse("reports:report", args=["completion"]), MARCH).content.decode()
    assert "Alpha" in html and "Beta" in html and "Gamma" not in html
    # Asking for Irene's course by id changes nothing.
    html = client.get(reverse("reports:report", args=["completion"]), {**MARCH, "course": world.gamma.pk}).content
    assert b"Gamma" not in html and b"Some filters were ignored" in html


@pytest.mark.parametrize("url_name", ["reports:home", "reports:report"])
def test_students_are_refused(client, student, url_name):
    client.force_login(student)
    args = ["completion"] if url_name == "reports:report" else []
    assert client.get(reverse(url_name, args=args)).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("reports:report", args=["completion"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_duty_is_enforced(client, world, make_staff):
    client.force_login(make_staff(roles.FINANCE))
    assert client.get(reverse("reports:report", args=["completion"])).status_code == 403
    client.force_login(world.ivan)
    assert client.get(reverse("reports:report", args=["support"])).status_code in (403, 404)


def test_sorting_and_pagination(client, world, admin_user, settings):
    settings.REPORTS_PAGE_SIZE = 2
    client.force_login(admin_user)
    url = reverse("reports:report", args=["completion"])
    response = client.get(url, {**MARCH, "sort": "title"})
    titles = [row["title"] for row, _ in response.context["rp"].rows]
    assert titles == ["Alpha", "Beta"]
    response = client.get(url, {**MARCH, "sort": "title", "page": 2})
    assert [row["title"] for row, _ in response.context["rp"].rows] == ["Gamma"]
    response = client.get(url, {**MARCH, "sort": "-completion_rate"})
    assert [row["title"] for row, _ in response.context["rp"].rows] == ["Gamma", "Beta"]
    # An unknown sort key falls back to the default.
    response = client.get(url, {**MARCH, "sort": "password"})
    assert response.status_code == 200


def test_csv_streams_and_matches_the_table(client, world, admin_user):
    client.force_login(admin_user)
    for slug in SLUGS:
        page = client.get(reverse("reports:report", args=[slug]), {**MARCH, "sort": "-" + REPORTS[slug].columns[1].key})
        table = [cells for _, cells in page.context["rp"].rows]
        response = client.get(
            reverse("reports:report_csv", args=[slug]), {**MARCH, "sort": "-" + REPORTS[slug].columns[1].key}
        )
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
        lines = list(csv.reader(io.StringIO(body)))
        assert lines[0] == REPORTS[slug].header()
        assert lines[1:] == table, slug


def test_instructor_csv_is_scoped(client, world):
    client.force_login(world.ivan)
    response = client.get(reverse("reports:report_csv", args=["completion"]), MARCH)
    body = b"".join(response.streaming_content).decode()
    assert "Alpha" in body and "Gamma" not in body


def test_large_csv_becomes_a_background_job(client, world, admin_user, settings, django_capture_on_commit_callbacks):
    settings.REPORTS_SYNC_EXPORT_MAX_ROWS = 1
    client.force_login(admin_user)
    link = client.get(reverse("reports:report_csv", args=["completion"]), MARCH)
    assert link.status_code == 302 and link["Location"].startswith(reverse("reports:report", args=["completion"]))
    assert not ReportExport.objects.exists()  # a GET never queues work
    page = client.get(link["Location"])
    assert "press Export CSV to prepare it in the background" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_export", args=["completion"]), {**MARCH, "format": "csv"})
    export = ReportExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:export_detail", args=[export.pk])
    assert export.status == "done" and export.progress == 100 and export.row_count == 3
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Course,Instructor,Enrolments")


def test_pdf_export_job_contains_title_and_chart(client, world, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_export", args=["completion"]), {**MARCH, "format": "pdf"})
    export = ReportExport.objects.get()
    assert response["Location"] == reverse("reports:export_detail", args=[export.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Your file is ready" in page and "every 2s" not in page
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Course completion & certification" in text
    # The charts are drawn as SVG (vector paths) with their titles as text.
    assert "Enrolments and completions (top 10 courses)" in text
    assert "Alpha" in text and "Gamma" in text


def test_export_progress_page_polls_while_running(client, world, admin_user):
    export = ReportExport.objects.create(
        user=admin_user, report="completion", format="pdf", status="running", progress=40
    )
    client.force_login(admin_user)
    page = client.get(reverse("reports:export_detail", args=[export.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "40%" in page
    partial = client.get(reverse("reports:export_detail", args=[export.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="export-status"')


def test_exports_belong_to_their_owner(client, world, admin_user):
    export = ReportExport.objects.create(user=admin_user, report="completion", format="csv", status="done")
    client.force_login(world.ivan)
    assert client.get(reverse("reports:export_detail", args=[export.pk])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 404


def _count_queries(client, url, params):
    """(number of queries, rows in the report, rows on the page) of one report page."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    rp = response.context["rp"]
    return len(ctx.captured_queries), rp.page.paginator.count, len(rp.rows)


def _add_report_row(slug, world, i):
    """One more row of the report `slug` in March (rows: courses, students, days or categories, instructors)."""

    student = StudentFactory()
    if slug == "completion":  # a course with an enrolment made in March (completed, with a certificate)
        _certificate(_enrol(student, PublishedCourseFactory(), at(3, 15), "completed", at(3, 20), 100), at(3, 20))
    elif slug == "engagement":  # a course with a student, active in March
        lesson = ContentFactory(course=PublishedCourseFactory())
        _enrol(student, lesson.course, at(3, 15), progress=50)
        _event(student, ActivityLog.Event.LESSON_VIEW, at(3, 15), lesson.course, lesson)
    elif slug == "top-students":  # a student who completed a lesson in March
        _completion(student, world.a1, seconds=600, completed_at=at(3, 15), updated=at(3, 15))
    elif slug == "activity":  # activity on a day of March that had none
        _event(student, ActivityLog.Event.LOGIN, at(3, 11 + i))
    elif slug == "attendance":  # a course with attendance taken in March
        course = PublishedCourseFactory()
        Attendance.objects.create(course=course, user=student, date=dt.date(2026, 3, 15), status="present")
    elif slug == "attendance-trainees":  # a trainee with attendance in March
        _enrol(student, world.a1.course, at(3, 1))
        Attendance.objects.create(course=world.a1.course, user=student, date=dt.date(2026, 3, 15), status="late")
    elif slug == "support":  # a ticket of another category
        category = SupportTicket.Category.values[i]
        _ticket(100 + i, student, category, "resolved", at(3, 15, 9), at(3, 15, 10), at(3, 16, 9), 4)
    elif slug == "revenue":  # an instructor with a sale in March
        course = PublishedCourseFactory(instructor=InstructorFactory())
        _earning(_payment(100 + i, student, course, "50.00"), course, "sale", "50.00", 70, at(3, 15))
    else:
        raise AssertionError(f"no rows for the report {slug!r}: add them here")


@pytest.mark.parametrize("slug", SLUGS)
def test_query_count_does_not_grow_with_rows(client, world, admin_user, slug):
    client.force_login(admin_user)
    url = reverse("reports:report", args=[slug])
    _add_report_row(slug, world, 0)
    before, rows_before, shown_before = _count_queries(client, url, MARCH)
    assert rows_before >= 1 and shown_before == rows_before
    for i in range(1, 5):
        _add_report_row(slug, world, i)
    after, rows_after, shown_after = _count_queries(client, url, MARCH)
    assert (rows_after, shown_after) == (rows_before + 4, shown_before + 4)
    assert after == before


def test_headline_figures_are_grouped_by_thousands_and_cells_stay_plain():
    assert Kpi("Lessons completed", 3499631).display == "3,499,631"
    assert Kpi("Lessons completed", None).display == "—"
    assert Kpi("Avg. quiz score", 60.04, "percent").display == "60.0"
    assert Kpi("Net revenue", Decimal("2450000"), "money").display == "2,450,000.00"
    assert Kpi("Time spent (h)", 4_546_000, "hours").display == "1,262.8"
    assert format_value(3499631, "int") == "3499631"  # the table and the CSV: plain numbers


# -- report switcher ------------------------------------------------------------------------------
def _switcher_links(html: str) -> list[str]:
    nav = html.split('data-testid="report-switcher"', 1)[1].split("</nav>", 1)[0]
    return [part.split('"', 1)[0] for part in nav.split('data-report="')[1:]]


@pytest.mark.parametrize(
    "url",
    [
        reverse_lazy("reports:home"),
        reverse_lazy("reports:report", args=["support"]),
        reverse_lazy("reports:export_list"),
    ],
)
def test_every_report_page_has_the_switcher_with_the_permitted_reports(client, make_staff, url):
    client.force_login(make_staff(roles.SUPPORT))
    assert _switcher_links(client.get(url).content.decode()) == ["support", "accessibility"]


def test_switcher_marks_the_current_report_and_hides_closed_ones(client, world):
    client.force_login(world.ivan)
    html = client.get(reverse("reports:report", args=["completion"]), MARCH).content.decode()
    assert "support" not in _switcher_links(html) and "completion" in _switcher_links(html)
    assert 'aria-current="page" href="/reports/completion/" data-report="completion"' in html
    html = client.get(reverse("reports:accessibility")).content.decode()
    assert 'aria-current="page" href="/reports/accessibility/" data-report="accessibility"' in html


# -- direct PDF of a small report ------------------------------------------------------------------
def test_small_pdf_is_downloaded_directly(client, world, admin_user, settings, tmp_path):
    settings.REPORTS_SYNC_PDF_MAX_ROWS = 3  # completion in March: 3 courses
    client.force_login(admin_user)
    page = client.get(reverse("reports:report", args=["completion"]), MARCH).content.decode()
    assert f'href="{reverse("reports:report_pdf", args=["completion"])}?' in page
    response = client.get(reverse("reports:report_pdf", args=["completion"]), MARCH)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="completion_20260301-20260331.pdf"'
    assert response.content.startswith(b"%PDF") and not ReportExport.objects.exists()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Course completion & certification" in text and "Alpha" in text and "Gamma" in text
    (tmp_path / "r.pdf").write_bytes(response.content)
    if shutil.which("pdftoppm") is None:
        skip_or_fail("pdftoppm not found: install Debian's poppler-utils to render the PDF to a PNG")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"), str(tmp_path / "p")], check=True
    )
    png = next(tmp_path.glob("p*.png")).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 2000  # a drawn page, not an empty one


def test_large_pdf_goes_to_the_background_job(client, world, admin_user, settings, django_capture_on_commit_callbacks):
    settings.REPORTS_SYNC_PDF_MAX_ROWS = 2
    client.force_login(admin_user)
    page = client.get(reverse("reports:report", args=["completion"]), MARCH).content.decode()
    assert "reports:report_pdf" not in page and reverse("reports:report_pdf", args=["completion"]) not in page
    assert 'value="pdf"><button' in page  # the POST form that starts the job
    # A GET of the direct link never renders nor queues: back to the report with a message.
    response = client.get(reverse("reports:report_pdf", args=["completion"]), MARCH, follow=True)
    assert b"press Export PDF to prepare it in the background" in response.content
    assert not ReportExport.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("reports:report_export", args=["completion"]), {**MARCH, "format": "pdf"})
    export = ReportExport.objects.get()
    assert len(callbacks) == 1 and export.status == "pending"  # queued after the commit
    assert response["Location"] == reverse("reports:export_detail", args=[export.pk])
    assert 'hx-trigger="every 2s"' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("who", ["student", "finance", "other"])
def test_direct_pdf_is_refused_without_the_report(client, world, student, make_staff, who):
    user = {"student": student, "finance": make_staff(roles.FINANCE), "other": world.ivan}[who]
    client.force_login(user)
    slug = "support" if who == "other" else "completion"
    response = client.get(reverse("reports:report_pdf", args=[slug]), MARCH)
    assert response.status_code == 403 and not response.get("Content-Type", "").startswith("application/pdf")


def test_direct_pdf_of_an_instructor_shows_only_their_courses(client, world, settings):
    settings.REPORTS_SYNC_PDF_MAX_ROWS = 100
    client.force_login(world.ivan)
    url = reverse("reports:report_pdf", args=["completion"])
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(url, MARCH).content)).pages)
    assert "Alpha" in text and "Beta" in text and "Gamma" not in text
    # Asking for Irene's course by id does not show it either.
    response = client.get(url, {**MARCH, "course": world.gamma.pk})
    assert "Gamma" not in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
