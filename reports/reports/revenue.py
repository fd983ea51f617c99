"""Course licensing & revenue, per instructor (and currency).

From billing's instructor earnings ledger (billing.EarningEntry: one row per sold course of a payment,
a negative row per refund), booked in the period (created_at), for the courses in scope:
- sales: sale rows; gross sales: their part of the payments' net revenue (before tax and credit);
- refunds: refund rows; refunded: the net revenue given back;
- net revenue = gross sales - refunded;
- instructor share: the instructor's part (their revenue-share percentage; refunds subtract);
- platform share = net revenue - instructor share;
- licences: employer licences of the instructor's courses whose term overlaps the period, and their fees
  (billing.ContentLicensing, a separate source: a correlated Subquery, so no row is multiplied).
Amounts in different currencies are never added: one row per instructor and currency (the per-currency
breakdown); the base-currency columns and the KPI cards add everything in the base currency
(`BILLING_CURRENCY`) at each payment's own exchange rate (the rate of its day, stored on the payment):
net revenue (base) = sum(gross x payment.exchange_rate), instructor share (base) = sum(amount_base).
An instructor sees only their own earnings (not a co-authored course's owner's).
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.models import ContentLicensing, EarningEntry

from .base import Chart, Column, Kpi, Report, full_name

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")
SALE, REFUND = EarningEntry.Kind.SALE, EarningEntry.Kind.REFUND


def _money(expr):
    return Coalesce(expr, ZERO, output_field=MONEY)


def _gross_base(condition=None):
    """sum(gross x the payment's rate to the base currency), in SQL."""
    expr = ExpressionWrapper(F("gross") * F("payment__exchange_rate"), output_field=MONEY)
    return _money(Sum(expr, filter=condition))


class RevenueReport(Report):
    slug = "revenue"
    title = _("Course licensing & revenue")
    description = _("Per instructor: sales, refunds, employer licences, revenue share and net revenue in the period.")
    icon = "cash-coin"
    row_label = _("instructors")
    link_column = "instructor_name"
    default_sort = "-net_revenue"
    tiebreak = "instructor_id"
    columns = [
        Column("instructor_name", _("Instructor"), "text"),
        Column("currency", _("Currency"), "text"),
        Column("sales", _("Sales")),
        Column("gross_sales", _("Gross sales"), "money"),
        Column("refunds", _("Refunds")),
        Column("refunded", _("Refunded"), "money"),
        Column("net_revenue", _("Net revenue"), "money", help=_("gross sales − refunded")),
        Column("instructor_share", _("Instructor share"), "money"),
        Column("platform_share", _("Platform share"), "money", help=_("net revenue − instructor share")),
        Column(
            "net_revenue_base", _("Net revenue (base currency)"), "money", help=_("at each payment's rate of its day")
        ),
        Column("instructor_share_base", _("Instructor share (base currency)"), "money"),
        Column("licences", _("Employer licences")),
        Column("licence_fees", _("Licence fees"), "money"),
    ]

    def entries(self, p):
        qs = EarningEntry.objects.filter(created_at__gte=p.start, created_at__lt=p.end)
        if p.courses is not None:
            qs = qs.filter(course__in=p.course_ids())
        if p.own_user_id is not None:
            qs = qs.filter(instructor_id=p.own_user_id)
        return qs

    def licences(self, p):
        qs = ContentLicensing.objects.filter(
            kind=ContentLicensing.Kind.EMPLOYER, starts_on__lte=p.date_to, ends_on__gte=p.date_from
        )
        if p.courses is not None:
            qs = qs.filter(course__in=p.course_ids())
        return qs

    def base_rows(self, p):
        licences = self.licences(p).filter(course__instructor=OuterRef("instructor_id"), currency=OuterRef("currency"))
        count = licences.values("currency").annotate(n=Count("id")).values("n")
        fees = licences.values("currency").annotate(s=Sum("fee")).values("s")
        return (
            self.entries(p)
            .values("instructor_id", "currency")
            .annotate(
                instructor_name=full_name("instructor__"),
                sales=Count("id", filter=Q(kind=SALE)),
                gross_sales=_money(Sum("gross", filter=Q(kind=SALE))),
                refunds=Count("id", filter=Q(kind=REFUND)),
                refunded=_money(-Sum("gross", filter=Q(kind=REFUND))),
                net_revenue=_money(Sum("gross")),
                instructor_share=_money(Sum("amount")),
                net_revenue_base=_gross_base(),
                instructor_share_base=_money(Sum("amount_base")),
            )
            .annotate(
                platform_share=F("net_revenue") - F("instructor_share"),
                licences=Coalesce(Subquery(count, output_field=IntegerField()), 0),
                licence_fees=_money(Subquery(fees, output_field=MONEY)),
            )
            .values("instructor_id", "instructor_name", "currency", "sales", "gross_sales", "refunds", "refunded",
                    "net_revenue", "instructor_share", "platform_share", "net_revenue_base", "instructor_share_base",
                    "licences", "licence_fees")
        )  # fmt: skip

    def per_currency(self, p) -> list[dict]:
        """The breakdown: per currency, its own totals and their base-currency equivalent (one query)."""
        return list(
            self.entries(p)
            .values("currency")
            .annotate(
                sales=Count("id", filter=Q(kind=SALE)),
                refunds=Count("id", filter=Q(kind=REFUND)),
                net=_money(Sum("gross")),
                share=_money(Sum("amount")),
                net_base=_gross_base(),
                share_base=_money(Sum("amount_base")),
            )
            .order_by("-net_base", "currency")
        )

    def summary(self, p):
        # Totals of every currency added in the base currency (each payment at its day's rate).
        per_currency = self.per_currency(p)
        base = str(settings.BILLING_CURRENCY)
        breakdown = ", ".join(f"{r['currency']} {r['net']}" for r in per_currency)
        licences = self.licences(p).aggregate(n=Count("id"))["n"]
        return [
            Kpi(_("Sales"), sum(r["sales"] for r in per_currency), hint=_("all currencies")),
            Kpi(_("Refunds"), sum(r["refunds"] for r in per_currency), hint=_("all currencies")),
            Kpi(
                gettext("Net revenue %(currency)s") % {"currency": base},
                sum((r["net_base"] for r in per_currency), ZERO),
                "money",
                hint=breakdown,
            ),
            Kpi(
                gettext("Instructor share %(currency)s") % {"currency": base},
                sum((r["share_base"] for r in per_currency), ZERO),
                "money",
            ),
            Kpi(_("Employer licences"), licences, hint=_("active in the period")),
        ]

    def charts(self, p):
        rows = self.top_rows(p, 10)
        weekly = list(
            self.entries(p)
            .annotate(week=TruncWeek("created_at"))
            .values("week")
            .annotate(net=_gross_base(), refunded=-_gross_base(Q(kind=REFUND)))
            .order_by("week")
        )
        return [
            Chart(
                "revenue-instructors",
                _("Net revenue by instructor (top 10)"),
                "bar",
                [f"{r['instructor_name']} ({r['currency']})" for r in rows],
                [
                    {"label": _("Instructor share"), "data": [r["instructor_share"] for r in rows]},
                    {"label": _("Platform share"), "data": [r["platform_share"] for r in rows]},
                ],
                stacked=True,
                horizontal=True,
            ),
            Chart(
                "revenue-weekly",
                gettext("Net revenue and refunds per week (all currencies, in %(currency)s)")
                % {"currency": settings.BILLING_CURRENCY},
                "line",
                [w["week"].date().isoformat() for w in weekly],
                [
                    {"label": _("Net revenue"), "data": [w["net"] for w in weekly]},
                    {"label": _("Refunded"), "data": [w["refunded"] for w in weekly]},
                ],
            ),
        ]
