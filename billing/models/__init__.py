"""Money: the catalogue of offers, checkouts and payments, webhooks, subscriptions, coupons,
campaigns, referrals and credit, refunds, licensing and instructor revenue, employer partners.

One module per area; every model is imported here, so `billing.models.X` works everywhere (and
Django finds them all under the `billing` app label).  Every amount is `DecimalField(max_digits=12,
decimal_places=3)` plus a currency code (`base.money_field`).  State changes go through
`billing.services` (see README.md); models hold data and invariants.
"""

from .base import MONEY, ZERO, currency_field, money_field, new_token
from .catalogue import BundleCourse, CourseBundle, Plan, PlanPrice
from .currency import Currency, ExchangeRate
from .employers import ContentLicensing, EmployerPartner, EmployerRequest, SeatAssignment
from .marketing import CampaignEnrollment, Coupon, CouponRedemption, MarketingCampaign
from .payments import Payment, PaymentQuerySet, WebhookEvent
from .referrals import CreditAccount, CreditEntry, Referral, ReferralCode
from .refunds import RefundEvent, RefundRequest
from .revenue import EarningEntry, Payout
from .subscriptions import Subscription, SubscriptionQuerySet

__all__ = [
    "MONEY",
    "ZERO",
    "BundleCourse",
    "CampaignEnrollment",
    "ContentLicensing",
    "Coupon",
    "CouponRedemption",
    "CourseBundle",
    "CreditAccount",
    "Currency",
    "CreditEntry",
    "EarningEntry",
    "EmployerPartner",
    "ExchangeRate",
    "EmployerRequest",
    "MarketingCampaign",
    "Payment",
    "PaymentQuerySet",
    "Payout",
    "Plan",
    "PlanPrice",
    "Referral",
    "ReferralCode",
    "RefundEvent",
    "RefundRequest",
    "SeatAssignment",
    "Subscription",
    "SubscriptionQuerySet",
    "WebhookEvent",
    "currency_field",
    "money_field",
    "new_token",
]
