"""The read paths (billing.selectors) behind every list page and list API: the same number of queries
whatever the number of rows (measured at two sizes, never an upper bound)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import services
from billing.models import EmployerPartner
from tests.billing.conftest import make_course, pay, sell, start_checkout
from tests.billing.factories import BundleFactory, CouponFactory, PlanFactory
from tests.factories import AdminFactory, InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context


def test_list_pages_have_constant_query_counts(client, finance, buyer):
    teacher = InstructorFactory()
    course = make_course(instructor=teacher)

    def grow():
        # One more row in every list of the four pages: a purchase of the buyer and a course in the
        # teacher's earnings; an instructor with a balance and a payout (Finance); a plan and a bundle.
        c = make_course(instructor=teacher)
        pay(client, start_checkout(buyer, c))
        sell(client, course)
        other_teacher = InstructorFactory()
        sell(client, make_course(instructor=other_teacher))
        services.payout_create(instructor=other_teacher, amount=Decimal("1.00"), actor=finance)
        PlanFactory(courses=[c])
        BundleFactory(courses=[c, course])

    def shown():
        client.force_login(buyer)
        purchases, ctx = _count(client, reverse("billing:purchases"))
        rows = {"purchases": len(ctx["payments"])}
        client.force_login(finance)
        payouts, ctx = _count(client, reverse("billing:payouts"))
        rows |= {"balances": len(ctx["balances"]), "payouts": len(ctx["recent"])}
        client.force_login(teacher)
        earnings, ctx = _count(client, reverse("billing:earnings"))
        rows |= {"earning courses": len(ctx["by_course"]), "earnings": len(ctx["recent"])}
        pricing, ctx = _count(client, reverse("billing:pricing"))
        rows |= {"plans": len(ctx["plans"]), "bundles": len(ctx["bundles"])}
        return (purchases, payouts, earnings, pricing), rows

    grow()
    small, rows = shown()
    assert rows == {"purchases": 1, "balances": 2, "payouts": 1, "earning courses": 2, "earnings": 2, "plans": 1,
                    "bundles": 1}  # fmt: skip
    for _ in range(4):
        grow()
    large, rows = shown()
    assert rows == {"purchases": 5, "balances": 6, "payouts": 5, "earning courses": 6, "earnings": 10, "plans": 5,
                    "bundles": 5}  # fmt: skip
    assert large == small  # purchases, payouts, earnings, pricing


ALL = "?page_size=100"  # API lists: one page, whatever the size


class _World:
    """Every billing list of one buyer, one instructor, Finance and a partner's manager, grown one row at
    a time: `grow()` adds one row to each list below (two to the lists noted)."""

    def __init__(self, client, buyer, finance):
        self.client, self.buyer, self.finance = client, buyer, finance
        self.teacher = InstructorFactory()
        self.manager = StudentFactory()
        self.partner = EmployerPartner.objects.create(name="Acme", contact_email="hr@acme.test")
        self.partner.managers.add(self.manager)
        self.admin = AdminFactory()
        self.code = services.referral_code_get_or_create(user=buyer).code
        self.size = 0

    def grow(self):
        client, buyer, finance = self.client, self.buyer, self.finance
        course = make_course(instructor=self.teacher)
        payment = start_checkout(buyer, course)  # a purchase (and a sale in the teacher's ledger)
        pay(client, payment)
        services.refund_request_create(user=buyer, payment=payment, reason="Not for me")  # a refund request
        plan = PlanFactory(courses=[course])  # a plan and a subscription (a second payment and sale)
        pay(client, start_checkout(buyer, plan))
        BundleFactory(courses=[course, make_course()])  # a bundle of two courses
        referred = StudentFactory()  # a referral, credited: a credit entry; a coupon redemption
        services.referral_attach(user=referred, code=self.code)
        coupon = CouponFactory(code=f"ROUND{self.size}")
        pay(client, start_checkout(referred, course, coupon_code=coupon.code))
        services.payout_create(instructor=self.teacher, amount=Decimal("1.00"), actor=finance)  # a payout
        other = InstructorFactory()  # an instructor with a balance and a payout
        sell(client, make_course(instructor=other))
        services.payout_create(instructor=other, amount=Decimal("1.00"), actor=finance)
        request = services.employer_request_create(  # an employer licence with a seat
            partner=self.partner, user=self.manager, kind="seats", course=course, seats=3
        )
        request = services.employer_request_set_status(request=request, actor=finance, status="approved", note="ok")
        services.seat_assign(licence=request.licence, email=f"seat{self.size}@acme.test", actor=finance)
        self.size += 1

    def lists(self):
        """{name: (user, url, rows shown)} for every list page, list API and admin changelist."""
        return {
            "purchases page": (self.buyer, reverse("billing:purchases"), lambda r: len(r.context["payments"])),
            "purchases page, refunds": (
                self.buyer,
                reverse("billing:purchases"),
                lambda r: len(r.context["refund_requests"]),
            ),
            "subscriptions page": (
                self.buyer,
                reverse("billing:subscriptions"),
                lambda r: len(r.context["subscriptions"]),
            ),
            "referrals page": (self.buyer, reverse("billing:referrals"), lambda r: len(r.context["referrals"])),
            "referrals page, credit": (self.buyer, reverse("billing:referrals"), lambda r: len(r.context["entries"])),
            "earnings page": (self.teacher, reverse("billing:earnings"), lambda r: len(r.context["by_course"])),
            "earnings page, payouts": (self.teacher, reverse("billing:earnings"), lambda r: len(r.context["payouts"])),
            "payouts page": (self.finance, reverse("billing:payouts"), lambda r: len(r.context["balances"])),
            "pricing page": (None, reverse("billing:pricing"), lambda r: len(r.context["bundles"])),
            "payments API": (self.buyer, reverse("api:billing-payment-list") + ALL, _results),
            "refund requests API": (self.buyer, reverse("api:billing-refund-request-list") + ALL, _results),
            "subscriptions API": (self.buyer, reverse("api:billing-subscription-list") + ALL, _results),
            "plans API": (None, reverse("api:billing-plan-list"), lambda r: len(r.json())),
            "bundles API": (None, reverse("api:billing-bundle-list"), lambda r: len(r.json())),
            "earnings API": (self.teacher, reverse("api:billing-earnings"), lambda r: len(r.json()["by_course"])),
            "Finance payments API": (self.finance, reverse("api:billing-finance-payment-list") + ALL, _results),
            "Finance refund requests API": (
                self.finance,
                reverse("api:billing-finance-refund-request-list") + ALL,
                _results,
            ),
            "Finance payouts API": (self.finance, reverse("api:billing-finance-payouts"), lambda r: len(r.json())),
            "employer licences API": (
                self.manager,
                reverse("api:billing-employer-licence-list"),
                lambda r: len(r.json()),
            ),
            **{
                f"admin {name}": (self.admin, reverse(f"admin:billing_{name}_changelist"), _changelist)
                for name in ADMIN_CHANGELISTS
            },
        }

    def measure(self):
        """{name: (queries, rows shown)}."""
        measured = {}
        for name, (user, url, rows) in self.lists().items():
            if user is None:
                self.client.logout()
            else:
                self.client.force_login(user)
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            measured[name] = (len(ctx.captured_queries), rows(response))
        return measured


ADMIN_CHANGELISTS = (
    "payment", "refundrequest", "subscription", "earningentry", "payout", "contentlicensing", "seatassignment",
    "employerrequest", "referral", "creditaccount", "couponredemption", "plan", "coursebundle",
)  # fmt: skip

# Rows each grow() adds to a list when not one: the buyer pays twice a round (course, plan), four payments
# and ledger rows in all (with the referred buyer's and the other instructor's sale), two payouts; the
# buyer's one credit account is created in the first round.
PER_ROUND = {"purchases page": 2, "payments API": 2, "Finance payments API": 4, "admin payment": 4,
             "admin earningentry": 4, "admin payout": 2, "admin creditaccount": 0}  # fmt: skip


def _results(response) -> int:
    return len(response.json()["results"])


def _changelist(response) -> int:
    return len(response.context["cl"].result_list)


def test_every_list_runs_the_same_queries_at_two_sizes(client, buyer, finance):
    world = _World(client, buyer, finance)
    for _ in range(2):
        world.grow()
    small = world.measure()
    for _ in range(5):
        world.grow()
    large = world.measure()
    for name in small:
        per_round = PER_ROUND.get(name, 1)
        assert large[name][1] - small[name][1] == 5 * per_round, f"{name}: the list did not grow as expected"
    assert {name: q for name, (q, _) in large.items()} == {name: q for name, (q, _) in small.items()}
