"""Billing API: the catalogue of offers, quotes and checkout, my payments/subscriptions/refunds/credit,
instructor earnings, Finance-only refund decisions and payouts, employer seats.

Thin views: parse with an input serializer, call a selector or service, answer with an output
serializer.  Someone else's payment, refund request or subscription is a 404; a Finance endpoint
called by anyone else is a 403.  Money is always a string.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import conf, selectors, services
from billing import permissions as p
from billing.filters import FinancePaymentFilter, PaymentFilter, RefundRequestFilter, SubscriptionFilter
from billing.models import CourseBundle, EmployerPartner, Payment, Plan, RefundRequest, Subscription
from billing.permissions import CanDecideRefunds, CanManagePayouts, IsFinance, can_manage_partner
from courses.models import Course
from courseworx.core.api.schema import conflict_codes
from courseworx.core.currency import requested_display_currency
from learning import services as learning_services

from . import serializers as s

TAGS_CATALOGUE = ["billing: catalogue"]
TAGS_BUYER = ["billing: buyer"]
TAGS_FINANCE = ["billing: finance"]
TAGS_REVENUE = ["billing: revenue"]
TAGS_EMPLOYER = ["billing: employer"]


def _product(kind: str, slug: str):
    if kind == "course":
        return get_object_or_404(Course, slug=slug, status=Course.Status.PUBLISHED)
    if kind == "bundle":
        return get_object_or_404(CourseBundle, slug=slug, is_active=True)
    return get_object_or_404(Plan, slug=slug)


# --- Catalogue ------------------------------------------------------------------------------------------


class PlanListApi(APIView):
    """Subscription plans on sale."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=TAGS_CATALOGUE, responses=s.PlanOutputSerializer(many=True))
    def get(self, request):
        plans = selectors.plan_list_active().prefetch_related(
            Prefetch("courses", queryset=Course.objects.only("pk", "slug", "title"))
        )
        return Response(s.PlanOutputSerializer(plans, many=True).data)


class BundleListApi(APIView):
    """Course bundles on sale, with the total of their courses' prices."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=TAGS_CATALOGUE, responses=s.BundleOutputSerializer(many=True))
    def get(self, request):
        return Response(s.BundleOutputSerializer(selectors.bundle_list_active(), many=True).data)


# --- Checkout -----------------------------------------------------------------------------------------------


class CheckoutQuoteApi(APIView):
    """The price breakdown for a product, coupon and credit (writes nothing).  A coupon problem is
    reported in `coupon_error` and the price is computed without it."""

    @extend_schema(tags=TAGS_BUYER, request=s.CheckoutQuoteInputSerializer, responses=s.CheckoutQuoteOutputSerializer)
    def post(self, request):
        data = s.CheckoutQuoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        quote = services.checkout_quote(
            user=request.user,
            product=_product(v["kind"], v["product"]),
            coupon_code=v["coupon_code"],
            use_credit=v["use_credit"],
            currency=v["currency"] or requested_display_currency(request),
        )
        return Response(s.CheckoutQuoteOutputSerializer(quote).data)


class CheckoutApi(APIView):
    """Start a checkout: creates the pending payment (coupon use and credit reserved) and returns the
    provider's payment page URL.  Repeating the call with the same `idempotency_key` returns the same
    payment.  A buyer who could not enrol is refused before any payment exists: 409 with `error.code`
    `already_enrolled`, `suspended`, `course_ended`, `course_full`, `prerequisites` or `not_published`
    (a bundle: the first of its courses that refuses the buyer); `already_subscribed` for a plan."""

    @extend_schema(tags=TAGS_BUYER, request=s.CheckoutInputSerializer, responses={201: s.CheckoutOutputSerializer})
    @conflict_codes(*learning_services.ELIGIBILITY_CONFLICT_CODES, "already_subscribed")
    def post(self, request):
        data = s.CheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        product = _product(v["kind"], v["product"])
        subscription = None
        if v["subscription"]:
            subscription = get_object_or_404(Subscription, pk=v["subscription"], user=request.user)
        payment, url = services.checkout_start(
            user=request.user,
            product=product,
            idempotency_key=v["idempotency_key"],
            coupon_code=v["coupon_code"],
            use_credit=v["use_credit"],
            subscription=subscription,
            currency=v["currency"] or requested_display_currency(request),
        )
        payment.refresh_from_db()
        body = s.CheckoutOutputSerializer({"payment": payment, "redirect_url": url}).data
        return Response(body, status=status.HTTP_201_CREATED)


# --- The buyer's own money ------------------------------------------------------------------------------------


class PaymentListApi(generics.GenericAPIView):
    """Your payments, newest first (`status`, `kind`, `created_after`, `created_before`)."""

    serializer_class = s.PaymentOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PaymentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return selectors.payment_list(user=self.request.user)

    @extend_schema(tags=TAGS_BUYER, responses=s.PaymentOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.PaymentOutputSerializer(page, many=True).data)


class PaymentDetailApi(APIView):
    """One of your payments (Finance: any payment)."""

    @extend_schema(tags=TAGS_BUYER, responses=s.PaymentOutputSerializer)
    def get(self, request, payment_id):
        return Response(s.PaymentOutputSerializer(selectors.payment_get(user=request.user, payment_id=payment_id)).data)


def _own_payment(request, payment_id):
    payment = selectors.payment_get(user=request.user, payment_id=payment_id)
    if payment.user_id != request.user.pk:
        raise Http404(_("No such payment."))
    return payment


class RefundEligibilityApi(APIView):
    """Whether the refund policy allows a refund of your payment now, and why not."""

    @extend_schema(tags=TAGS_BUYER, responses=s.RefundEligibilityOutputSerializer)
    def get(self, request, payment_id):
        eligibility = services.refund_eligibility(payment=_own_payment(request, payment_id))
        return Response(s.RefundEligibilityOutputSerializer(eligibility).data)


class RefundRequestCreateApi(APIView):
    """Ask for a refund of your payment.  Outside the policy: 400 with every failed rule."""

    @extend_schema(
        tags=TAGS_BUYER, request=s.RefundRequestInputSerializer, responses={201: s.RefundRequestOutputSerializer}
    )
    def post(self, request, payment_id):
        payment = _own_payment(request, payment_id)
        data = s.RefundRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = services.refund_request_create(
            user=request.user,
            payment=payment,
            reason=data.validated_data["reason"],
            amount=data.validated_data.get("amount"),
        )
        return Response(s.RefundRequestOutputSerializer(refund).data, status=status.HTTP_201_CREATED)


class RefundRequestListApi(generics.GenericAPIView):
    """Your refund requests."""

    serializer_class = s.RefundRequestOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RefundRequestFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RefundRequest.objects.none()
        return selectors.refund_request_list(user=self.request.user)

    @extend_schema(tags=TAGS_BUYER, responses=s.RefundRequestOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.RefundRequestOutputSerializer(page, many=True).data)


class SubscriptionListApi(generics.GenericAPIView):
    """Your subscriptions."""

    serializer_class = s.BillingSubscriptionOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SubscriptionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Subscription.objects.none()
        return selectors.subscription_list(user=self.request.user)

    @extend_schema(tags=TAGS_BUYER, responses=s.BillingSubscriptionOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.BillingSubscriptionOutputSerializer(page, many=True).data)


class SubscriptionActionApi(APIView):
    """`cancel` (at the end of the period) or `resume` one of your subscriptions."""

    action = ""

    @extend_schema(tags=TAGS_BUYER, request=None, responses=s.BillingSubscriptionOutputSerializer)
    @conflict_codes("not_live")
    def post(self, request, subscription_id):
        subscription = get_object_or_404(Subscription, pk=subscription_id, user=request.user)
        func = services.subscription_cancel if self.action == "cancel" else services.subscription_resume
        subscription = func(subscription=subscription, user=request.user)
        subscription.refresh_from_db()
        return Response(s.BillingSubscriptionOutputSerializer(subscription).data)


class CreditApi(APIView):
    """Your credit balances (one per currency; credit pays only for prices in its currency) and referral code."""

    @extend_schema(tags=TAGS_BUYER, responses=s.CreditOutputSerializer)
    def get(self, request):
        code = services.referral_code_get_or_create(user=request.user)
        return Response(
            s.CreditOutputSerializer(
                {
                    "balance": selectors.credit_balance_get(user=request.user),
                    "currency": conf.currency(),
                    "balances": [
                        {"currency": a.currency, "balance": a.balance}
                        for a in selectors.credit_balances(user=request.user)
                    ],
                    "referral_code": code.code,
                }
            ).data
        )


# --- Revenue ----------------------------------------------------------------------------------------------


class EarningsApi(APIView):
    """Your earnings as an instructor (Finance: `?instructor=<id>`)."""

    @extend_schema(tags=TAGS_REVENUE, responses=s.EarningsOutputSerializer)
    def get(self, request):
        instructor = request.user
        if request.query_params.get("instructor"):
            if not p.can_view_all_earnings(request.user):
                raise PermissionDenied(_("Only Finance can see another instructor's earnings."))
            instructor = get_object_or_404(get_user_model(), pk=request.query_params["instructor"])
        elif not p.can_view_own_earnings(request.user):
            raise PermissionDenied(_("Earnings are for instructors."))
        return Response(
            s.EarningsOutputSerializer(
                {
                    "summary": selectors.earnings_summary(instructor=instructor),
                    "by_course": selectors.earnings_by_course(instructor=instructor),
                }
            ).data
        )


class FinancePaymentListApi(generics.GenericAPIView):
    """Finance: every payment (`status`, `kind`, `email`, `user`, `course`, dates)."""

    permission_classes = [IsFinance]
    serializer_class = s.FinancePaymentOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FinancePaymentFilter

    def get_queryset(self):
        return selectors.payment_list_all()

    @extend_schema(tags=TAGS_FINANCE, responses=s.FinancePaymentOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.FinancePaymentOutputSerializer(page, many=True).data)


class FinanceRefundRequestListApi(generics.GenericAPIView):
    """Finance: refund requests (`status=pending` for the queue)."""

    permission_classes = [CanDecideRefunds]
    serializer_class = s.FinanceRefundRequestOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RefundRequestFilter

    def get_queryset(self):
        return selectors.refund_request_list_all()

    @extend_schema(tags=TAGS_FINANCE, responses=s.FinanceRefundRequestOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.FinanceRefundRequestOutputSerializer(page, many=True).data)


class FinanceRefundDecisionApi(APIView):
    """Finance: approve (refund through the provider) or reject a refund request, with a note."""

    permission_classes = [CanDecideRefunds]
    decision = ""

    @extend_schema(
        tags=TAGS_FINANCE, request=s.RefundDecisionInputSerializer, responses=s.FinanceRefundRequestOutputSerializer
    )
    @conflict_codes("already_decided", "not_refundable")
    def post(self, request, refund_request_id):
        refund_request = get_object_or_404(RefundRequest, pk=refund_request_id)
        data = s.RefundDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if self.decision == "approve":
            refund_request = services.refund_request_approve(
                refund_request=refund_request,
                actor=request.user,
                note=v["note"],
                amount=v.get("amount"),
                drop_enrolment=v.get("drop_enrolment"),
            )
        else:
            refund_request = services.refund_request_reject(
                refund_request=refund_request,
                actor=request.user,
                note=v["note"],
            )
        refund_request = selectors.refund_request_list_all().get(pk=refund_request.pk)
        return Response(s.FinanceRefundRequestOutputSerializer(refund_request).data)


class FinancePayoutApi(APIView):
    """Finance: instructors' balances (GET) and recording a payout (POST)."""

    permission_classes = [CanManagePayouts]

    @extend_schema(tags=TAGS_FINANCE, responses=s.PayoutBalanceOutputSerializer(many=True))
    def get(self, request):
        return Response(s.PayoutBalanceOutputSerializer(selectors.payout_balances(), many=True).data)

    @extend_schema(tags=TAGS_FINANCE, request=s.PayoutInputSerializer, responses={201: s.PayoutOutputSerializer})
    def post(self, request):
        data = s.PayoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        instructor = get_object_or_404(get_user_model(), pk=v["instructor"])
        payout = services.payout_create(
            instructor=instructor, amount=v["amount"], actor=request.user, reference=v["reference"], note=v["note"]
        )
        return Response(s.PayoutOutputSerializer(payout).data, status=status.HTTP_201_CREATED)


# --- Employer partners -------------------------------------------------------------------------------------


class EmployerLicenceListApi(APIView):
    """Employer licences of the organisations you manage (Finance: all)."""

    @extend_schema(tags=TAGS_EMPLOYER, responses=s.LicenceOutputSerializer(many=True))
    def get(self, request):
        qs = selectors.licence_list()
        if not p.can_handle_employer_requests(request.user):
            qs = qs.filter(partner__managers=request.user)
        return Response(s.LicenceOutputSerializer(qs, many=True).data)


class EmployerSeatAssignApi(APIView):
    """Give a seat of a licence to an employee's e-mail: enrolled at once if they have an account,
    otherwise invited by e-mail."""

    @extend_schema(tags=TAGS_EMPLOYER, request=s.SeatAssignInputSerializer, responses={201: s.SeatOutputSerializer})
    def post(self, request, licence_id):
        licence = get_object_or_404(selectors.licence_list(), pk=licence_id)
        if not (p.can_handle_employer_requests(request.user) or can_manage_partner(request.user, licence.partner)):
            raise Http404(_("No such licence."))
        data = s.SeatAssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seat = services.seat_assign(licence=licence, email=data.validated_data["email"], actor=request.user)
        return Response(s.SeatOutputSerializer(seat).data, status=status.HTTP_201_CREATED)


class EmployerRequestCreateApi(APIView):
    """A partner's manager asks for seats of a course or for custom training."""

    @extend_schema(
        tags=TAGS_EMPLOYER, request=s.EmployerRequestInputSerializer, responses={201: s.EmployerRequestOutputSerializer}
    )
    def post(self, request):
        data = s.EmployerRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        partner = get_object_or_404(EmployerPartner, pk=v["partner"])
        if not can_manage_partner(request.user, partner):
            raise Http404(_("No such organisation."))
        course = get_object_or_404(Course, pk=v["course"]) if v["course"] else None
        employer_request = services.employer_request_create(
            partner=partner, user=request.user, kind=v["kind"], course=course, seats=v["seats"], message=v["message"]
        )
        return Response(s.EmployerRequestOutputSerializer(employer_request).data, status=status.HTTP_201_CREATED)
