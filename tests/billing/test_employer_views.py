"""The employer licence manager's pages: licences, giving and revoking seats, usage and its CSV; only the
organisation's managers (404 for anyone else)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import ContentLicensing, EmployerPartner, SeatAssignment
from learning.models import Enrollment
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

from .conftest import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db):
    partner = EmployerPartner.objects.create(name="Acme Corp")
    partner.manager = StudentFactory(first_name="Hannah", email="hannah@acme.test")
    partner.managers.add(partner.manager)
    return partner


def _licence(partner, course, seats=2, **dates):
    today = timezone.localdate()
    return ContentLicensing.objects.create(
        course=course,
        kind="employer",
        partner=partner,
        seats=seats,
        starts_on=dates.get("starts_on", today - dt.timedelta(days=10)),
        ends_on=dates.get("ends_on", today + dt.timedelta(days=300)),
    )


@pytest.fixture
def licence(acme, paid_course):
    return _licence(acme, paid_course)


def _urls(partner, licence, seat=None):
    urls = {
        "home": reverse("billing:employer_home"),
        "partner": reverse("billing:employer_partner", args=[partner.pk]),
        "licence": reverse("billing:employer_licence", args=[partner.pk, licence.pk]),
        "usage": reverse("billing:employer_usage", args=[partner.pk]),
        "csv": reverse("billing:employer_usage_csv", args=[partner.pk]),
    }
    if seat is not None:
        urls["revoke"] = reverse("billing:employer_seat_revoke", args=[partner.pk, seat.pk])
    return urls


def test_only_the_organisations_managers_open_the_pages(client, acme, licence, finance):
    seat = services.seat_assign(licence=licence, email="emp@acme.test", actor=acme.manager)
    other = EmployerPartner.objects.create(name="Other Ltd")
    other.managers.add(boss := StudentFactory())
    for user in (StudentFactory(), boss, finance):  # a learner, another organisation's manager, Finance
        client.force_login(user)
        for name, url in _urls(acme, licence, seat).items():
            if name == "home" and user is boss:
                continue  # their own organisation
            response = client.post(url) if name == "revoke" else client.get(url)
            assert response.status_code == 404, (user, name)
        response = client.post(_urls(acme, licence)["licence"], {"email": "x@acme.test"})
        assert response.status_code == 404
    assert SeatAssignment.objects.get(pk=seat.pk).status == "invited" and SeatAssignment.objects.count() == 1
    # A licence of another organisation is not reachable through Acme's address either.
    client.force_login(acme.manager)
    foreign = _licence(other, make_course())
    assert client.get(reverse("billing:employer_licence", args=[acme.pk, foreign.pk])).status_code == 404
    client.logout()
    assert client.get(_urls(acme, licence)["partner"]).status_code == 302  # to the log-in page


def test_overview_shows_seats_used_of_total_and_the_term(client, acme, licence):
    services.seat_assign(licence=licence, email="emp@acme.test", actor=acme.manager)
    ended = _licence(
        acme, make_course(title="Old course"), seats=5, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 12, 31)
    )
    client.force_login(acme.manager)
    assert client.get(reverse("billing:employer_home"))["Location"] == _urls(acme, licence)["partner"]
    html = client.get(_urls(acme, licence)["partner"]).content.decode()
    assert "<strong>1</strong> of 2" in html and "1 seat free" in html and "Current" in html
    assert "Old course" in html and "Ended" in html and "<strong>0</strong> of 5" in html
    assert reverse("billing:employer_licence", args=[acme.pk, ended.pk]) in html


def test_assign_by_email_enrols_or_invites_with_clear_messages(client, acme, licence, paid_course):
    employee = StudentFactory(email="emp@acme.test")
    client.force_login(acme.manager)
    url = _urls(acme, licence)["licence"]
    response = client.post(url, {"email": "EMP@acme.test"}, follow=True)
    assert "emp@acme.test has a seat and is enrolled in “Paid Django”" in response.content.decode()
    assert Enrollment.objects.get(user=employee, course=paid_course).source == "employer"
    response = client.post(url, {"email": "new@acme.test"}, follow=True)
    assert "we sent them an invitation" in response.content.decode()
    assert SeatAssignment.objects.get(email="new@acme.test").status == "invited"


def test_assign_refusals_bad_email_duplicate_and_no_seat_left(client, acme, licence):
    client.force_login(acme.manager)
    url = _urls(acme, licence)["licence"]
    response = client.post(url, {"email": "not-an-email"})
    assert response.status_code == 400 and "Enter a valid email address." in response.content.decode()
    client.post(url, {"email": "a@acme.test"})
    response = client.post(url, {"email": "A@acme.test"})
    assert (
        response.status_code == 409 and "a@acme.test already has a seat of this licence." in response.content.decode()
    )
    client.post(url, {"email": "b@acme.test"})
    html = client.get(url).content.decode()
    assert "All 2 seats are assigned" in html and 'name="email"' not in html  # the form gives way to the notice
    response = client.post(url, {"email": "c@acme.test"})
    assert response.status_code == 409
    assert "All 2 seats are assigned: revoke one or ask for more seats." in response.content.decode()
    assert SeatAssignment.objects.filter(licence=licence).count() == 2


def test_an_ended_licence_gives_no_seats(client, acme, paid_course):
    old = _licence(acme, paid_course, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 12, 31))
    client.force_login(acme.manager)
    response = client.post(_urls(acme, old)["licence"], {"email": "a@acme.test"})
    assert response.status_code == 400 and "This licence is not current" in response.content.decode()
    assert not SeatAssignment.objects.exists()


def test_revoke_frees_the_seat(client, acme, licence, paid_course):
    employee = StudentFactory(email="emp@acme.test")
    seat = services.seat_assign(licence=licence, email=employee.email, actor=acme.manager)
    client.force_login(acme.manager)
    urls = _urls(acme, licence, seat)
    assert client.get(urls["revoke"]).status_code == 405
    response = client.post(urls["revoke"], follow=True)
    assert "The seat of emp@acme.test is free again." in response.content.decode()
    assert SeatAssignment.objects.get(pk=seat.pk).status == "revoked"
    assert Enrollment.objects.get(user=employee, course=paid_course).status == "suspended"
    assert "<strong>0</strong> of 2" in client.get(urls["partner"]).content.decode()
    response = client.post(urls["revoke"], follow=True)
    assert "already revoked" in response.content.decode()


def _seats(licence, manager, n, start=0):
    for i in range(start, start + n):
        user = StudentFactory(email=f"e{i}@acme.test", first_name=f"Emp{i}")
        services.seat_assign(licence=licence, email=user.email, actor=manager)
        Enrollment.objects.filter(user=user).update(progress_percent=10 * (i % 10))


def test_usage_page_and_overview_run_the_same_queries_at_two_sizes(client, acme, paid_course):
    licence = _licence(acme, paid_course, seats=50)
    client.force_login(acme.manager)
    urls = _urls(acme, licence)
    state = {"n": 0}

    def load(n):
        _seats(licence, acme.manager, n - state["n"], start=state["n"])
        state["n"] = n
        counts = {}
        for name in ("usage", "licence"):
            response, counts[name] = count_queries(lambda u=urls[name]: client.get(u))
            rows = response.context["page"].object_list if name == "usage" else response.context["seats"]
            assert len(rows) == n
        return counts

    assert_same_queries_at_two_sizes(load)


def test_usage_shows_progress_and_the_csv_is_escaped(client, acme, licence, paid_course):
    evil = StudentFactory(email="evil@acme.test", first_name="=HYPERLINK(1)", last_name="X")
    services.seat_assign(licence=licence, email=evil.email, actor=acme.manager)
    Enrollment.objects.filter(user=evil).update(
        status="completed", progress_percent=100, completed_at=timezone.now(), last_accessed_at=timezone.now()
    )
    services.seat_assign(licence=licence, email="later@acme.test", actor=acme.manager)
    client.force_login(acme.manager)
    response = client.get(_urls(acme, licence)["usage"])
    html = response.content.decode()
    assert response.context["summary"] == {"assigned": 2, "invited": 1, "completed": 1, "average_progress": 100}
    assert "=HYPERLINK(1) X" in html and "100%" in html and "Not started" in html
    response = client.get(_urls(acme, licence)["csv"])
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "Course,E-mail,Name,Seat,Enrolment,Progress (%),Completed,Last active"
    assert f"Paid Django,evil@acme.test,'=HYPERLINK(1) X,Enrolled,completed,100,{timezone.localdate()}" in lines[1]
    assert lines[2] == "Paid Django,later@acme.test,,Invited,,,,"


def test_navbar_links_managers_to_their_organisation(client, acme):
    client.force_login(acme.manager)
    assert 'data-testid="nav-employer"' in client.get(reverse("billing:purchases")).content.decode()
    client.force_login(StudentFactory())
    assert 'data-testid="nav-employer"' not in client.get(reverse("billing:purchases")).content.decode()
