"""Support and revenue reports against hand computations (fixtures in conftest.money_world)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import roles

from .test_report_numbers import approx, by, kpis, run

pytestmark = pytest.mark.django_db


def test_support_per_category(money_world, make_staff):
    support = make_staff(roles.SUPPORT)
    report, params, rows = run("support", support)
    rows = by(rows, "category")
    assert set(rows) == {"technical", "billing"}  # the February ticket is outside the period
    t, b = rows["technical"], rows["billing"]
    assert (t["tickets"], t["open"], t["pending"], t["resolved"], t["closed"]) == (2, 1, 0, 1, 0)
    assert t["first_response"] == dt.timedelta(hours=3) and t["resolution"] == dt.timedelta(hours=24)
    assert (t["rated"], t["satisfaction"]) == (1, 5)
    assert (b["tickets"], b["closed"], b["rated"], b["satisfaction"]) == (1, 1, 1, 3)
    assert b["first_response"] == dt.timedelta(hours=1)
    assert report.cells(t)[0] == "Technical problem" and report.cells(t)[6] == "3.0"
    totals = kpis(report, params)
    assert totals["Tickets opened"] == 3 and totals["Still open or pending"] == 1
    assert approx(totals["Avg. first response (h)"].total_seconds() / 3600, 2.333)
    assert approx(totals["Satisfaction (1–5)"], 4.0)
    # A course filter keeps the tickets about that course.
    _, _, rows = run("support", support, course=str(money_world.alpha.pk))
    assert [(r["category"], r["tickets"]) for r in rows] == [("technical", 1)]


def test_revenue_per_instructor(money_world, make_staff):
    w = money_world
    finance = make_staff(roles.FINANCE)
    report, params, rows = run("revenue", finance)
    rows = {(r["instructor_id"], r["currency"]): r for r in rows}
    assert set(rows) == {(w.ivan.pk, "USD"), (w.irene.pk, "USD"), (w.irene.pk, "EUR")}
    ivan = rows[(w.ivan.pk, "USD")]
    # Alpha 100 (refunded) + Beta 50 in March; February's sale is outside the period.
    assert (ivan["sales"], ivan["gross_sales"], ivan["refunds"], ivan["refunded"]) == (
        2, Decimal("150.00"), 1, Decimal("100.00"),
    )  # fmt: skip
    assert (ivan["net_revenue"], ivan["instructor_share"], ivan["platform_share"]) == (
        Decimal("50.00"), Decimal("35.00"), Decimal("15.00"),
    )  # fmt: skip
    assert (ivan["licences"], ivan["licence_fees"]) == (1, Decimal("1000.00"))
    irene = rows[(w.irene.pk, "USD")]
    assert (irene["sales"], irene["net_revenue"], irene["instructor_share"], irene["licences"]) == (
        1, Decimal("200.00"), Decimal("140.00"), 0,
    )  # fmt: skip
    euro = rows[(w.irene.pk, "EUR")]
    assert (euro["net_revenue"], euro["instructor_share"]) == (Decimal("90.00"), Decimal("63.00"))
    # The base-currency columns: the EUR payment at its day's rate 1.10; USD rows at 1.
    assert (euro["net_revenue_base"], euro["instructor_share_base"]) == (Decimal("99.00"), Decimal("69.30"))
    assert (ivan["net_revenue_base"], irene["instructor_share_base"]) == (Decimal("50.00"), Decimal("140.00"))
    totals = kpis(report, params)
    # KPIs add every currency in the base currency (USD 250.00 + EUR 90.00 x 1.10), sales of all currencies.
    assert totals["Sales"] == 4 and totals["Refunds"] == 1
    assert totals["Net revenue USD"] == Decimal("349.00") and totals["Instructor share USD"] == Decimal("244.30")
    breakdown = {r["currency"]: (r["net"], r["net_base"]) for r in report.per_currency(params)}
    assert breakdown == {"USD": (Decimal("250.00"), Decimal("250.00")), "EUR": (Decimal("90.00"), Decimal("99.00"))}
    assert totals["Employer licences"] == 1


def test_instructor_sees_only_own_earnings(money_world, client):
    w = money_world
    _, _, rows = run("revenue", w.irene)  # co-authors Beta, but Beta's sale is Ivan's money
    assert {(r["instructor_id"], r["currency"]) for r in rows} == {(w.irene.pk, "USD"), (w.irene.pk, "EUR")}
    _, _, rows = run("revenue", w.ivan)
    assert [(r["instructor_id"], r["net_revenue"]) for r in rows] == [(w.ivan.pk, Decimal("50.00"))]
    client.force_login(w.ivan)
    html = client.get(reverse("reports:report", args=["revenue"]), {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert "Irene" not in html.content.decode().split("<tbody>")[1]


def test_money_report_denials(money_world, client, make_staff):
    client.force_login(make_staff(roles.SUPPORT))
    assert client.get(reverse("reports:report", args=["revenue"])).status_code == 403
    client.force_login(make_staff(roles.FINANCE))
    assert client.get(reverse("reports:report", args=["support"])).status_code == 403
    client.force_login(money_world.ivan)
    assert client.get(reverse("reports:report", args=["support"])).status_code == 403
