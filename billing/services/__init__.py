"""Billing write paths, one module per area.  Keyword-only, typed, atomic, validated; side effects go
out on commit.  The public functions are re-exported here (`from billing import services;
services.checkout_start(...)`); code inside billing may import them from their module.

    pricing        what a product costs (coupon rules, tax, credit): checkout_quote, price_breakdown
    currency       exchange_rate_set, exchange_rates_import (BILLING_EXCHANGE_RATES_SOURCE), payment_base_amounts
    checkout       checkout_check, checkout_start, payment_next_url
    payments       payment outcomes (success delivers, failure gives back), payment_expire_pending
    webhooks       webhook_process (exactly once), webhook_reject_record
    referrals      referral_code_get_or_create, referral_attach (+ the referrer's credit on success)
    subscriptions  trials, cancel/resume, ending and restoring access, subscription_expire_due
    renewals       subscription_renew, subscription_renew_due (charges outside any transaction)
    refunds        refund_eligibility, refund_request_create/approve/reject
    revenue        the earnings ledger (at sale and refund), payout_create
    course_stats   course_revenue_refresh: CourseStats.revenue (paid course payments minus refunds, in SQL)
    employers      employer requests, licences, seat_assign, seat_revoke, seat_accept
    privacy        personal_data_anonymise_for_user
    _common        helpers shared by the modules above (lock_payment, credit_add, release_coupon, notify)

Names starting with `_` and everything in `_common` are internal to this package: the modules use
them from each other (always inside the caller's transaction, with the rows locked as described
below); nothing outside `billing.services` imports them.  Reads live in `billing.selectors`.

Lock order (always the same, so two transactions never wait on each other in a cycle):
    coupon row -> credit account row -> payment row -> subscription row -> refund request row
    -> (learning's) enrolment row -> course row
`_common.lock_payment` reads the payment's (immutable) coupon and buyer first, locks the coupon and
the credit account, then the payment itself.

Coupon usage is RESERVED at checkout: `Coupon.uses` goes up by a conditional UPDATE
(`uses < max_uses`) while the coupon row is locked, so neither parallel checkouts nor parallel
successes can exceed the limit; the reservation becomes "applied" when the payment succeeds and is
released (uses - 1) when it fails or is abandoned (tasks.payments_expire_pending).
"""

from .checkout import checkout_check, checkout_start, payment_next_url
from .course_stats import course_revenue_by_course, course_revenue_refresh
from .currency import (
    exchange_rate_set,
    exchange_rates_import,
    parse_rates,
    payment_base_amounts,
    preferred_currency_restore,
    preferred_currency_set,
)
from .employers import (
    EMPLOYER_TRANSITIONS,
    employer_request_create,
    employer_request_set_status,
    seat_accept,
    seat_assign,
    seat_revoke,
)
from .payments import payment_expire_pending
from .pricing import (
    PriceBreakdown,
    ProductPrice,
    checkout_quote,
    coupon_check,
    price_breakdown,
    product_description,
    product_kind,
    product_price,
)
from .privacy import personal_data_anonymise_for_user
from .referrals import referral_attach, referral_code_get_or_create
from .refunds import (
    RefundEligibility,
    refund_eligibility,
    refund_request_approve,
    refund_request_check_decision,
    refund_request_create,
    refund_request_reject,
)
from .renewals import MAX_RENEWAL_ATTEMPTS, subscription_renew, subscription_renew_due
from .revenue import payout_create
from .subscriptions import (
    add_interval,
    subscription_cancel,
    subscription_course_enrol,
    subscription_expire_due,
    subscription_resume,
    subscription_start_trial,
)
from .webhooks import webhook_process, webhook_reject_record

__all__ = [
    "preferred_currency_restore",
    "preferred_currency_set",
    "ProductPrice",
    "product_price",
    "EMPLOYER_TRANSITIONS",
    "MAX_RENEWAL_ATTEMPTS",
    "PriceBreakdown",
    "RefundEligibility",
    "add_interval",
    "course_revenue_by_course",
    "course_revenue_refresh",
    "exchange_rate_set",
    "exchange_rates_import",
    "parse_rates",
    "payment_base_amounts",
    "checkout_check",
    "checkout_quote",
    "checkout_start",
    "coupon_check",
    "employer_request_create",
    "employer_request_set_status",
    "payment_expire_pending",
    "payment_next_url",
    "payout_create",
    "personal_data_anonymise_for_user",
    "price_breakdown",
    "product_description",
    "product_kind",
    "referral_attach",
    "referral_code_get_or_create",
    "refund_eligibility",
    "refund_request_approve",
    "refund_request_check_decision",
    "refund_request_create",
    "refund_request_reject",
    "seat_accept",
    "seat_assign",
    "seat_revoke",
    "subscription_cancel",
    "subscription_course_enrol",
    "subscription_expire_due",
    "subscription_renew",
    "subscription_renew_due",
    "subscription_resume",
    "subscription_start_trial",
    "webhook_process",
    "webhook_reject_record",
]
