"""Billing pages, mounted at /billing/ (namespace "billing")."""

from django.urls import path

from . import employer_views, views

app_name = "billing"

urlpatterns = [
    path("pricing/", views.pricing, name="pricing"),
    path("currency/", views.set_currency, name="set_currency"),
    path("checkout/<str:kind>/<slug:key>/", views.checkout, name="checkout"),
    path("checkout/<str:kind>/<slug:key>/breakdown/", views.checkout_breakdown, name="checkout_breakdown"),
    path("sandbox/pay/<uuid:payment_id>/", views.sandbox_pay, name="sandbox_pay"),
    path("webhooks/<str:provider>/", views.webhook, name="webhook"),
    path("payments/<uuid:payment_id>/", views.payment_result, name="payment_result"),
    path("payments/<uuid:payment_id>/", views.payment_result, name="payment_detail"),
    path("payments/<uuid:payment_id>/receipt.pdf", views.receipt_download, name="receipt"),
    path("payments/<uuid:payment_id>/refund/", views.refund_request, name="refund_request"),
    path("purchases/", views.purchases, name="purchases"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<uuid:subscription_id>/<str:action>/", views.subscription_action, name="subscription_action"),
    path("plans/<slug:slug>/trial/", views.trial_start, name="trial_start"),
    path("courses/<slug:slug>/subscription-enrol/", views.subscription_enrol, name="subscription_enrol"),
    path("referrals/", views.referrals, name="referrals"),
    path("earnings/", views.earnings, name="earnings"),
    path("payouts/", views.payouts, name="payouts"),
    path("seats/<str:token>/", views.seat_accept, name="seat_accept"),
    path("employer/", employer_views.employer_home, name="employer_home"),
    path("employer/candidates/", employer_views.employer_candidates, name="employer_candidates"),
    path("employer/<uuid:partner_id>/", employer_views.employer_partner, name="employer_partner"),
    path(
        "employer/<uuid:partner_id>/licences/<uuid:licence_id>/",
        employer_views.employer_licence,
        name="employer_licence",
    ),
    path(
        "employer/<uuid:partner_id>/seats/<uuid:seat_id>/revoke/",
        employer_views.employer_seat_revoke,
        name="employer_seat_revoke",
    ),
    path("employer/<uuid:partner_id>/usage/", employer_views.employer_usage, name="employer_usage"),
    path("employer/<uuid:partner_id>/usage.csv", employer_views.employer_usage_csv, name="employer_usage_csv"),
]
