"""Billing pages, mounted at /billing/ (namespace "billing")."""

from django.urls import path

from . import views

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
]
