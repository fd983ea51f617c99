"""Employer partners: requests handled by staff, licences with seats, enrolment or invitation by e-mail."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import EmployerPartner, EmployerRequest, SeatAssignment
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import AuditLog
from learning.models import Enrollment
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    return EmployerPartner.objects.create(name="Acme Corp", contact_email="hr@acme.test")


@pytest.fixture
def licence(partner, paid_course, finance):
    manager = StudentFactory()
    partner.managers.add(manager)
    request = services.employer_request_create(
        partner=partner, user=manager, kind="seats", course=paid_course, seats=2, message="Two seats please"
    )
    request = services.employer_request_set_status(request=request, actor=finance, status="approved", note="ok")
    return request.licence


def test_approval_creates_the_licence_and_transitions_are_checked(licence, finance, paid_course):
    assert licence.course == paid_course and licence.seats == 2 and licence.is_current()
    request = EmployerRequest.objects.get(licence=licence)
    with pytest.raises(ValidationError, match="cannot become"):
        services.employer_request_set_status(request=request, actor=finance, status="new")
    with pytest.raises(PermissionDenied):
        services.employer_request_set_status(request=request, actor=StudentFactory(), status="fulfilled")


def test_seats_enrol_existing_users_and_invite_the_others(
    client, licence, finance, paid_course, django_capture_on_commit_callbacks
):
    employee = StudentFactory(email="emp@acme.test")
    seat = services.seat_assign(licence=licence, email="EMP@acme.test", actor=finance)
    assert seat.status == "enrolled"
    assert Enrollment.objects.get(user=employee, course=paid_course).source == "employer"

    with django_capture_on_commit_callbacks(execute=True):
        invited = services.seat_assign(licence=licence, email="new@acme.test", actor=finance)
    assert invited.status == "invited"
    assert any(invited.token in m.body for m in mail.outbox)
    with pytest.raises(ValidationError, match="All 2 seats"):
        services.seat_assign(licence=licence, email="third@acme.test", actor=finance)

    newcomer = StudentFactory(email="new@acme.test")
    client.force_login(newcomer)
    url = reverse("billing:seat_accept", args=[invited.token])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert SeatAssignment.objects.get(pk=invited.pk).status == "enrolled"
    assert Enrollment.objects.get(user=newcomer, course=paid_course).has_access


def test_invitation_for_another_email_is_refused(client, licence, finance):
    invited = services.seat_assign(licence=licence, email="someone@acme.test", actor=finance)
    with pytest.raises(PermissionDenied):
        services.seat_accept(token=invited.token, user=StudentFactory(email="other@acme.test"))


def test_partner_manager_assigns_seats_through_the_api(client, licence, partner):
    manager = partner.managers.get()
    client.force_login(manager)
    listing = client.get(reverse("api:billing-employer-licence-list")).json()
    assert listing[0]["seats_used"] == 0
    response = client.post(
        reverse("api:billing-employer-seat-assign", args=[licence.pk]),
        {"email": "x@acme.test"},
        content_type="application/json",
    )
    assert response.status_code == 201
    client.force_login(StudentFactory())
    assert client.get(reverse("api:billing-employer-licence-list")).json() == []
    assert (
        client.post(
            reverse("api:billing-employer-seat-assign", args=[licence.pk]),
            {"email": "y@acme.test"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_no_seat_left_and_the_same_address_twice_are_conflicts(licence, finance):
    services.seat_assign(licence=licence, email="a@acme.test", actor=finance)
    with pytest.raises(ConflictError, match="already has a seat") as exc:
        services.seat_assign(licence=licence, email=" A@ACME.test ", actor=finance)
    assert exc.value.code == "already_assigned"
    services.seat_assign(licence=licence, email="b@acme.test", actor=finance)
    with pytest.raises(ConflictError, match="All 2 seats are assigned") as exc:
        services.seat_assign(licence=licence, email="c@acme.test", actor=finance)
    assert exc.value.code == "no_seats_left" and SeatAssignment.objects.count() == 2


def test_revoking_a_seat_frees_it_and_suspends_the_ongoing_enrolment(licence, partner, paid_course):
    manager = partner.managers.get()
    employee, finisher = StudentFactory(email="emp@acme.test"), StudentFactory(email="fin@acme.test")
    seat = services.seat_assign(licence=licence, email=employee.email, actor=manager)
    done = services.seat_assign(licence=licence, email=finisher.email, actor=manager)
    Enrollment.objects.filter(user=finisher).update(
        status="completed", progress_percent=100, completed_at=timezone.now()
    )

    services.seat_revoke(seat=seat, actor=manager, reason="Left the company")
    seat.refresh_from_db()
    assert seat.status == "revoked"
    assert Enrollment.objects.get(user=employee, course=paid_course).status == "suspended"
    assert AuditLog.objects.filter(action="billing.seat_revoke", target_id=str(seat.pk)).exists()
    services.seat_revoke(seat=done, actor=manager)
    assert Enrollment.objects.get(user=finisher, course=paid_course).status == "completed"  # theirs to keep
    # Both seats are free again.
    assert services.seat_assign(licence=licence, email="next@acme.test", actor=manager).status == "invited"
    with pytest.raises(ConflictError, match="already revoked"):
        services.seat_revoke(seat=seat, actor=manager)


def test_revoked_invitation_cannot_be_accepted_and_outsiders_cannot_revoke(licence, partner):
    manager = partner.managers.get()
    invited = services.seat_assign(licence=licence, email="later@acme.test", actor=manager)
    with pytest.raises(PermissionDenied):
        services.seat_revoke(seat=invited, actor=StudentFactory())
    assert SeatAssignment.objects.get(pk=invited.pk).status == "invited"
    services.seat_revoke(seat=invited, actor=manager)
    with pytest.raises(ValidationError, match="not valid"):
        services.seat_accept(token=invited.token, user=StudentFactory(email="later@acme.test"))
