"""Explicit prices per currency (courses' `CoursePrice`, billing's `PlanPrice`), 3-decimal money (KWD) and
per-currency rounding, the display currency remembered on the profile."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from billing import services
from billing.models import Coupon, CreditAccount, EarningEntry, Payment, PlanPrice, RefundRequest
from courses import services as course_services
from courses.models import Course, CoursePrice
from courseworx.core import currency
from courseworx.core.exceptions import ConflictError
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.currency.helpers import rate
from tests.billing.factories import PlanFactory
from tests.courses.admin.helpers import course_form_data
from tests.courses.factories import ContentFactory, CourseFactory, PublishedCourseFactory
from tests.courses.utils import queries_of
from tests.factories import InstructorFactory, ReviewerFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes

pytestmark = pytest.mark.django_db
CATALOG = reverse("courses:catalog")
SET = reverse("billing:set_currency")
API = "/api/v1/instructor"


@pytest.fixture
def rates(db):
    rate("EUR", "0.80", days_ago=30)
    rate("EUR", "0.50", days_ago=1)  # today's: 1 EUR = 2 USD
    rate("JPY", "150", days_ago=1)
    rate("KWD", "0.3075", days_ago=1)


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- rounding per currency ----------------------------------------------------------------------------------


def test_converted_prices_round_per_currency(rates):
    assert currency.convert(Decimal("10.00"), "USD", "JPY") == Decimal("1500")  # 0 decimals
    assert currency.convert(Decimal("9.99"), "USD", "JPY") == Decimal("1499")  # 1498.5 -> half up
    assert currency.convert(Decimal("10.01"), "USD", "KWD") == Decimal("3.078")  # 3.078075 -> 3 decimals
    assert currency.convert(Decimal("1.00"), "KWD", "USD") == Decimal("3.25")  # 3.2520... -> 2 decimals
    assert currency.format_amount(Decimal("3.078"), "KWD").endswith("3.078")
    assert currency.format_amount(Decimal("1500"), "JPY") == "¥1,500"
    assert currency.format_amount(Decimal("49.000"), "USD") == "$49.00"  # stored with 3 places, shown with 2


def test_amounts_with_more_decimals_than_their_currency_are_refused():
    currency.decimals_check(Decimal("12.345"), "KWD")
    currency.decimals_check(Decimal("12.340"), "USD")  # trailing zeros are fine
    currency.decimals_check(Decimal("1500.000"), "JPY")
    for amount, code in ((Decimal("12.345"), "USD"), (Decimal("12.3456"), "KWD"), (Decimal("1500.5"), "JPY")):
        with pytest.raises(ValidationError) as exc:
            currency.decimals_check(amount, code, field="price")
        assert exc.value.error_dict["price"][0].code == "too_many_decimals"


def test_a_kwd_price_with_three_decimals_is_charged_exactly(client, rates, buyer):
    course = make_course(price="12.345", currency="KWD")
    payment = start_checkout(buyer, course)  # tax 20% -> 14.814 KWD, no cent rounding
    assert (payment.currency, payment.subtotal, payment.tax, payment.amount) == (
        "KWD", Decimal("12.345"), Decimal("2.469"), Decimal("14.814"),
    )  # fmt: skip
    assert payment.amount_base == Decimal("48.18")  # 14.814 / 0.3075 = 48.1756 USD
    pay(client, payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.amount == Decimal("14.814")
    entry = EarningEntry.objects.get(payment=payment)
    assert entry.currency == "KWD" and entry.amount == entry.amount.quantize(Decimal("0.001"))
    api = api_for(buyer)
    body = api.get(reverse("api:billing-payment-list")).json()
    row = body["results"][0] if isinstance(body, dict) else body[0]
    assert (row["amount"], row["subtotal"], row["tax"]) == ("14.814", "12.345", "2.469")


def test_jpy_amounts_have_no_decimals(rates, buyer):
    course = make_course(price="9801", currency="JPY")
    payment = start_checkout(buyer, course)  # 20% tax: 1960.2 -> 1960
    assert (payment.tax, payment.amount) == (Decimal("1960"), Decimal("11761"))


# --- explicit prices at checkout ----------------------------------------------------------------------------


def test_an_explicit_eur_price_is_charged_in_eur_at_that_amount_with_the_days_rate(client, rates, buyer):
    course = make_course(price="49.00")
    CoursePrice.objects.create(course=course, currency="EUR", amount=Decimal("45.00"))
    quote = services.checkout_quote(user=buyer, product=course, currency="EUR")
    assert (quote.currency, quote.subtotal, quote.total) == ("EUR", Decimal("45.00"), Decimal("54.00"))
    payment = start_checkout(buyer, course, currency="EUR")
    assert (payment.currency, payment.subtotal, payment.amount) == ("EUR", Decimal("45.00"), Decimal("54.00"))
    # today's rate (0.50 EUR per USD), not last month's 0.80
    assert (payment.base_currency, payment.exchange_rate, payment.amount_base) == (
        "USD", Decimal("2"), Decimal("108.00"),
    )  # fmt: skip
    pay(client, payment)
    entry = EarningEntry.objects.get(payment=payment)
    assert entry.currency == "EUR" and entry.gross == Decimal("45.00")
    assert entry.amount_base == (entry.amount * 2).quantize(Decimal("0.01"))


def test_without_an_explicit_price_the_charge_is_in_the_courses_own_currency(rates, buyer):
    course = make_course(price="49.00")
    CoursePrice.objects.create(course=course, currency="GBP", amount=Decimal("40.00"))
    payment = start_checkout(buyer, course, currency="EUR")
    assert (payment.currency, payment.subtotal) == ("USD", Decimal("49.00"))


def test_the_web_checkout_charges_the_explicit_price_of_the_display_currency(client, rates, buyer):
    course = make_course(price="49.00")
    CoursePrice.objects.create(course=course, currency="EUR", amount=Decimal("45.00"))
    client.force_login(buyer)
    client.post(SET, {"currency": "EUR", "next": CATALOG})
    url = reverse("billing:checkout", args=["course", course.slug])
    page = client.get(url)
    assert "€54.00" in page.text
    response = client.post(url, {"idempotency_key": "k-eur-1", "coupon_code": ""})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.currency, payment.amount) == ("EUR", Decimal("54.00"))


def test_the_checkout_api_takes_the_currency_and_refuses_unknown_codes(rates, buyer):
    course = make_course(price="49.00")
    CoursePrice.objects.create(course=course, currency="KWD", amount=Decimal("15.250"))
    api = api_for(buyer)
    quote = api.post(
        reverse("api:billing-checkout-quote"), {"kind": "course", "product": course.slug, "currency": "kwd"}
    )
    assert quote.status_code == 200, quote.content
    assert (quote.json()["currency"], quote.json()["subtotal"], quote.json()["total"]) == ("KWD", "15.250", "18.300")
    bad = api.post(reverse("api:billing-checkout-quote"), {"kind": "course", "product": course.slug, "currency": "XX"})
    assert bad.status_code == 400 and "currency" in bad.json()["error"]["fields"]
    started = api.post(
        reverse("api:billing-checkout"),
        {"kind": "course", "product": course.slug, "idempotency_key": "api-kwd"},
        headers={"X-Display-Currency": "KWD"},
    )
    assert started.status_code == 201, started.content
    assert (started.json()["payment"]["currency"], started.json()["payment"]["amount"]) == ("KWD", "18.300")


def test_coupons_and_credit_follow_the_charged_currency(client, rates, buyer):
    course = make_course(price="49.00")
    CoursePrice.objects.create(course=course, currency="EUR", amount=Decimal("45.00"))
    Coupon.objects.create(code="USD5", kind=Coupon.Kind.FIXED, value=Decimal("5.00"), currency="USD")
    Coupon.objects.create(code="EUR5", kind=Coupon.Kind.FIXED, value=Decimal("5.00"), currency="EUR")
    refused = services.checkout_quote(user=buyer, product=course, coupon_code="USD5", currency="EUR")
    assert "EUR" in refused.coupon_error and refused.discount == 0
    CreditAccount.objects.create(user=buyer, currency="USD", balance=Decimal("100.00"))
    CreditAccount.objects.create(user=buyer, currency="EUR", balance=Decimal("10.00"))
    payment = start_checkout(buyer, course, currency="EUR", coupon_code="EUR5", use_credit=True)
    # 45 - 5 = 40, + 20% = 48, - 10 EUR credit = 38 EUR
    assert (payment.currency, payment.discount, payment.credit_applied, payment.amount) == (
        "EUR", Decimal("5.00"), Decimal("10.00"), Decimal("38.00"),
    )  # fmt: skip
    assert CreditAccount.objects.get(user=buyer, currency="EUR").balance == 0
    assert CreditAccount.objects.get(user=buyer, currency="USD").balance == Decimal("100.00")
    assert payment.amount_base == Decimal("76.00")


def test_a_refund_of_an_explicit_price_payment_stays_in_its_currency(client, rates, buyer, finance, settings):
    settings.BILLING_REFUND_WINDOW_DAYS = 30
    course = make_course(price="49.00")
    CoursePrice.objects.create(course=course, currency="EUR", amount=Decimal("45.00"))
    CreditAccount.objects.create(user=buyer, currency="EUR", balance=Decimal("4.00"))
    payment = start_checkout(buyer, course, currency="EUR", use_credit=True)  # 54 - 4 = 50 EUR
    pay(client, payment)
    payment.refresh_from_db()
    request = services.refund_request_create(user=buyer, payment=payment, reason="Not for me")
    services.refund_request_approve(refund_request=request, actor=finance, note="OK")
    payment.refresh_from_db()
    assert payment.currency == "EUR" and payment.amount_refunded == Decimal("50.00")
    assert RefundRequest.objects.get().amount_refunded == Decimal("50.00")
    assert CreditAccount.objects.get(user=buyer, currency="EUR").balance == Decimal("4.00")  # credit returned
    entries = EarningEntry.objects.filter(payment=payment)
    assert sum(e.amount for e in entries) == 0 and sum(e.amount_base for e in entries) == 0


def test_a_plan_with_an_explicit_price_is_charged_in_it_and_renewed_in_it(rates, buyer):
    plan = PlanFactory(price=Decimal("30.00"), currency="USD")
    PlanPrice.objects.create(plan=plan, currency="KWD", amount=Decimal("8.950"))
    payment = start_checkout(buyer, plan, currency="KWD")
    assert (payment.currency, payment.subtotal, payment.amount) == ("KWD", Decimal("8.950"), Decimal("10.740"))
    assert start_checkout(StudentFactory(), plan, currency="EUR").currency == "USD"


# --- display ------------------------------------------------------------------------------------------------


def test_pages_show_the_explicit_price_not_marked_approximate(client, rates):
    course = make_course(price="49.00", title="Pottery")
    CoursePrice.objects.create(course=course, currency="EUR", amount=Decimal("45.00"))
    other = make_course(price="10.00", title="Weaving")
    client.post(SET, {"currency": "EUR", "next": CATALOG})
    page = client.get(CATALOG)
    assert "€45.00" in page.text and "≈ €24.50" not in page.text  # Pottery: its EUR price
    assert "≈ €5.00" in page.text  # Weaving: converted, approximate
    detail = client.get(course.get_absolute_url()).text
    assert "€45.00" in detail and "approx." not in detail
    assert "Buy for" in detail and "$49.00" not in detail  # the buy button names the price charged
    assert "approx." in client.get(other.get_absolute_url()).text
    plan = PlanFactory(price=Decimal("30.00"), currency="USD", name="Monthly")
    PlanPrice.objects.create(plan=plan, currency="EUR", amount=Decimal("27.00"))
    pricing = client.get(reverse("billing:pricing")).text
    assert "€27.00" in pricing and "≈ €15.00" not in pricing


def test_the_course_api_display_price_is_the_explicit_price(client, rates):
    course = make_course(price="49.00")
    CoursePrice.objects.create(course=course, currency="KWD", amount=Decimal("15.250"))
    make_course(price="10.00")
    body = client.get("/api/v1/courses/", {"display_currency": "KWD"}).json()
    rows = {r["slug"]: r for r in (body["results"] if isinstance(body, dict) else body)}
    shown = rows[course.slug]["display_price"]
    assert (shown["amount"], shown["currency"], shown["approximate"]) == ("15.250", "KWD", False)
    assert rows[course.slug]["price"] == "49.00"  # the course's own price, with USD's decimals
    others = [r for slug, r in rows.items() if slug != course.slug]
    assert others[0]["display_price"]["approximate"] is True and others[0]["display_price"]["amount"] == "3.075"


def test_catalog_with_explicit_prices_runs_the_same_queries_at_two_sizes(client, rates):
    client.post(SET, {"currency": "EUR", "next": CATALOG})

    def load(total: int) -> int:
        for _ in range(Course.objects.count(), total):
            course = PublishedCourseFactory(price=Decimal("10.00"))
            ContentFactory(course=course)
            CoursePrice.objects.create(course=course, currency="EUR", amount=Decimal("9.00"))
            CoursePrice.objects.create(course=course, currency="KWD", amount=Decimal("3.125"))
        count, response = queries_of(client, CATALOG)
        assert len(response.context["courses"]) == total
        assert response.text.count("explicit-price") == total  # every card shows its EUR price
        return count

    assert_same_queries_at_two_sizes(load)


def test_pricing_page_and_plan_api_run_the_same_queries_at_two_sizes(client, rates):
    from tests.querycount import count_queries  # noqa: PLC0415

    client.post(SET, {"currency": "EUR", "next": CATALOG})

    def load(total: int) -> dict:
        from billing.models import Plan  # noqa: PLC0415

        for i in range(Plan.objects.count(), total):
            plan = PlanFactory(price=Decimal("30.00"), currency="USD", slug=f"plan-{i}")
            PlanPrice.objects.create(plan=plan, currency="EUR", amount=Decimal("27.00"))
        response, pricing = count_queries(lambda: client.get(reverse("billing:pricing")))
        assert response.text.count("explicit-price") == total
        api, plans = count_queries(lambda: client.get(reverse("api:billing-plan-list")))
        assert len(api.json()) == total
        return {"pricing": pricing, "api": plans}

    assert_same_queries_at_two_sizes(load)


# --- authoring: API, admin, lock rules and revisions ---------------------------------------------------------


def test_instructor_api_sets_explicit_prices_and_refuses_extra_decimals(rates):
    owner = InstructorFactory()
    course = CourseFactory(instructor=owner, price=Decimal("49.00"))
    api = api_for(owner)
    url = f"{API}/courses/{course.pk}/"
    ok = api.patch(
        url, {"prices": [{"currency": "EUR", "amount": "45.00"}, {"currency": "kwd", "amount": "15.250"}]},
        format="json",
    )  # fmt: skip
    assert ok.status_code == 200, ok.content
    assert ok.json()["prices"] == [{"currency": "EUR", "amount": "45.00"}, {"currency": "KWD", "amount": "15.250"}]
    assert ok.json()["price"] == "49.00"
    bad = api.patch(url, {"price": "49.999"}, format="json")
    assert bad.status_code == 400
    assert "2 decimal places" in str(bad.json()["error"]["fields"]["price"])
    bad = api.patch(url, {"prices": [{"currency": "JPY", "amount": "1500.5"}]}, format="json")
    assert bad.status_code == 400 and "JPY amounts have no decimals" in str(bad.json()["error"]["fields"])
    bad = api.patch(url, {"prices": [{"currency": "KWD", "amount": "1.2345"}]}, format="json")
    assert bad.status_code == 400 and "prices" in bad.json()["error"]["fields"]
    bad = api.patch(url, {"price": "100.5", "currency": "JPY"}, format="json")
    assert bad.status_code == 400 and "price" in bad.json()["error"]["fields"]
    bad = api.patch(url, {"prices": [{"currency": "USD", "amount": "10.00"}]}, format="json")  # its own
    assert bad.status_code == 400
    kwd = api.patch(url, {"price": "12.345", "currency": "KWD", "prices": []}, format="json")
    assert kwd.status_code == 200 and kwd.json()["price"] == "12.345" and kwd.json()["prices"] == []
    assert sorted(CoursePrice.objects.filter(course=course).values_list("currency", flat=True)) == []
    other = api_for(InstructorFactory()).patch(url, {"prices": []}, format="json")
    assert other.status_code == 404
    assert api_for(StudentFactory()).patch(url, {"prices": []}, format="json").status_code == 403


def test_a_published_courses_prices_change_through_a_revision(rates):
    owner = InstructorFactory()
    live = make_course(price="49.00", instructor=owner)
    CoursePrice.objects.create(course=live, currency="EUR", amount=Decimal("45.00"))
    response = api_for(owner).patch(
        f"{API}/courses/{live.pk}/", {"prices": [{"currency": "EUR", "amount": "1.00"}]}, format="json"
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "revision_required"
    with pytest.raises(ConflictError):
        course_services.course_prices_set(course=live, user=owner, prices=[])
    revision = course_services.course_revision_start(course=live, user=owner)
    assert list(revision.prices.values_list("currency", "amount")) == [("EUR", Decimal("45.00"))]
    course_services.course_prices_set(
        course=revision, user=owner,
        prices=[{"currency": "EUR", "amount": Decimal("39.00")}, {"currency": "KWD", "amount": Decimal("12.500")}],
    )  # fmt: skip
    assert live.prices.get().amount == Decimal("45.00")  # students keep the live prices meanwhile
    course_services.course_submit(course=revision, user=owner)
    course_services.course_approve(course=revision, reviewer=ReviewerFactory(), note="Fine")
    assert dict(live.prices.values_list("currency", "amount")) == {"EUR": Decimal("39.00"), "KWD": Decimal("12.500")}


def test_admin_inline_saves_explicit_prices_with_field_messages(client, rates):
    owner = InstructorFactory()
    course = CourseFactory(instructor=owner, price=Decimal("49.00"))
    client.force_login(owner)
    url = reverse("admin:courses_course_change", args=[course.pk])
    page = client.get(url)
    assert page.status_code == 200 and "prices in other currencies" in page.text.lower()
    data = course_form_data(course) | {
        "prices-TOTAL_FORMS": "1",
        "prices-0-currency": "EUR",
        "prices-0-amount": "45.255",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "EUR amounts have at most 2 decimal places." in refused.text
    refused = client.post(url, data | {"prices-0-currency": "USD", "prices-0-amount": "10.00"})  # its own currency
    assert refused.status_code == 200 and "the course&#x27;s own currency" in refused.text
    data |= {"prices-0-currency": "KWD", "prices-0-amount": "15.250"}
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    assert course.prices.get().amount == Decimal("15.250")


# --- the display currency on the profile -------------------------------------------------------------------


def test_the_display_currency_is_remembered_on_the_profile_and_used_at_sign_in(client, rates):
    user = StudentFactory()
    client.force_login(user)
    client.post(SET, {"currency": "KWD", "next": CATALOG})
    user.refresh_from_db()
    assert user.preferred_currency == "KWD"
    client.logout()
    assert currency.SESSION_KEY not in client.session
    client.force_login(user)  # signing in sends user_logged_in, as the login page does
    assert client.session[currency.SESSION_KEY] == "KWD"
    client.post(SET, {"currency": "", "next": CATALOG})
    user.refresh_from_db()
    assert user.preferred_currency == ""


def test_a_choice_made_before_signing_in_goes_onto_an_empty_profile(client, rates):
    user = StudentFactory()
    client.post(SET, {"currency": "EUR", "next": CATALOG})
    client.force_login(user)
    user.refresh_from_db()
    assert user.preferred_currency == "EUR" and client.session[currency.SESSION_KEY] == "EUR"


def test_the_preferred_currency_service_refuses_unknown_codes(rates):
    user = StudentFactory()
    for bad in ("XYZ", "EURO", "1" * 50):
        with pytest.raises(ValidationError):
            services.preferred_currency_set(user=user, code=bad)
    assert services.preferred_currency_set(user=user, code="eur") == "EUR"
    user.refresh_from_db()
    assert user.preferred_currency == "EUR"
