"""Mounted under /api/v1/ (namespace "api"); names start with "billing-"."""

from django.urls import path

from . import candidates, currency, views

urlpatterns = [
    path("currencies/", currency.CurrencyListApi.as_view(), name="billing-currency-list"),
    path("exchange-rates/", currency.ExchangeRateListApi.as_view(), name="billing-exchange-rate-list"),
    path("billing/plans/", views.PlanListApi.as_view(), name="billing-plan-list"),
    path("billing/bundles/", views.BundleListApi.as_view(), name="billing-bundle-list"),
    path("billing/checkout/quote/", views.CheckoutQuoteApi.as_view(), name="billing-checkout-quote"),
    path("billing/checkout/", views.CheckoutApi.as_view(), name="billing-checkout"),
    path("billing/payments/", views.PaymentListApi.as_view(), name="billing-payment-list"),
    path("billing/payments/<uuid:payment_id>/", views.PaymentDetailApi.as_view(), name="billing-payment-detail"),
    path(
        "billing/payments/<uuid:payment_id>/refund-eligibility/",
        views.RefundEligibilityApi.as_view(),
        name="billing-refund-eligibility",
    ),
    path(
        "billing/payments/<uuid:payment_id>/refund-requests/",
        views.RefundRequestCreateApi.as_view(),
        name="billing-refund-request-create",
    ),
    path("billing/refund-requests/", views.RefundRequestListApi.as_view(), name="billing-refund-request-list"),
    path("billing/subscriptions/", views.SubscriptionListApi.as_view(), name="billing-subscription-list"),
    path(
        "billing/subscriptions/<uuid:subscription_id>/cancel/",
        views.SubscriptionActionApi.as_view(action="cancel"),
        name="billing-subscription-cancel",
    ),
    path(
        "billing/subscriptions/<uuid:subscription_id>/resume/",
        views.SubscriptionActionApi.as_view(action="resume"),
        name="billing-subscription-resume",
    ),
    path("billing/credit/", views.CreditApi.as_view(), name="billing-credit"),
    path("billing/earnings/", views.EarningsApi.as_view(), name="billing-earnings"),
    path("billing/finance/payments/", views.FinancePaymentListApi.as_view(), name="billing-finance-payment-list"),
    path(
        "billing/finance/refund-requests/",
        views.FinanceRefundRequestListApi.as_view(),
        name="billing-finance-refund-request-list",
    ),
    path(
        "billing/finance/refund-requests/<uuid:refund_request_id>/approve/",
        views.FinanceRefundDecisionApi.as_view(decision="approve"),
        name="billing-finance-refund-approve",
    ),
    path(
        "billing/finance/refund-requests/<uuid:refund_request_id>/reject/",
        views.FinanceRefundDecisionApi.as_view(decision="reject"),
        name="billing-finance-refund-reject",
    ),
    path("billing/finance/payouts/", views.FinancePayoutApi.as_view(), name="billing-finance-payouts"),
    path("billing/employer/licences/", views.EmployerLicenceListApi.as_view(), name="billing-employer-licence-list"),
    path("billing/employer/candidates/", candidates.CandidateSearchApi.as_view(), name="billing-employer-candidates"),
    path(
        "billing/employer/licences/<uuid:licence_id>/seats/",
        views.EmployerSeatAssignApi.as_view(),
        name="billing-employer-seat-assign",
    ),
    path(
        "billing/employer/requests/", views.EmployerRequestCreateApi.as_view(), name="billing-employer-request-create"
    ),
]
