"""Who may see and do what in billing: plain predicates shared by pages, API and admin.

A buyer sees only their own payments, receipts, subscriptions and refund requests (someone else's
is a 404); Finance (the group's permissions) sees and decides everything money-related.
"""

from __future__ import annotations

from rest_framework import permissions as drf_permissions


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_finance(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.has_perm("billing.view_all_payments"))


def can_view_payment(user, payment) -> bool:
    return _authenticated(user) and (payment.user_id == user.pk or is_finance(user))


def can_request_refund(user, payment) -> bool:
    return _authenticated(user) and payment.user_id == user.pk


def can_manage_subscription(user, subscription) -> bool:
    return _authenticated(user) and (subscription.user_id == user.pk or user.is_superuser)


def can_decide_refund(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.has_perm("billing.decide_refundrequest"))


def can_manage_payouts(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.has_perm("billing.manage_payout"))


def can_set_exchange_rates(user) -> bool:
    """Finance (group permission from migration 0005) and superusers."""
    return _authenticated(user) and (user.is_superuser or user.has_perm("billing.add_exchangerate"))


def can_view_all_earnings(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.has_perm("billing.view_all_earnings"))


def can_view_own_earnings(user) -> bool:
    return _authenticated(user) and (user.role == "instructor" or user.earnings.exists())


def can_handle_employer_requests(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.has_perm("billing.change_employerrequest"))


def can_manage_partner(user, partner) -> bool:
    if not _authenticated(user):
        return False
    return can_handle_employer_requests(user) or partner.managers.filter(pk=user.pk).exists()


class IsFinance(drf_permissions.BasePermission):
    message = "Only Finance staff can use this endpoint."

    def has_permission(self, request, view) -> bool:
        return is_finance(request.user)


class CanDecideRefunds(drf_permissions.BasePermission):
    message = "Only Finance staff can decide refund requests."

    def has_permission(self, request, view) -> bool:
        return can_decide_refund(request.user)


class CanManagePayouts(drf_permissions.BasePermission):
    message = "Only Finance staff can see and record payouts."

    def has_permission(self, request, view) -> bool:
        return can_manage_payouts(request.user)


def can_search_candidates(user) -> bool:
    """Employer partners' managers (of an active organisation) and staff who handle employer requests
    search the resumes people opted in with (accounts.resume_selectors.candidate_search)."""
    if not _authenticated(user):
        return False
    return can_handle_employer_requests(user) or user.employer_partners.filter(is_active=True).exists()
