"""Prices: what a product costs a buyer (coupon, tax, credit) — pure arithmetic plus the coupon rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course

from .. import conf, selectors
from ..models import Coupon, CouponRedemption, CourseBundle, Payment, Plan
from ..money import ZERO, percent_of, q
from ._common import Product


@dataclass(frozen=True)
class ProductPrice:
    """What a product costs before coupon, tax and credit: its own price, or an explicit price in another
    currency that the course or plan lists (`courses.CoursePrice`, `PlanPrice`)."""

    amount: Decimal
    currency: str
    explicit: bool = False  # True: an explicit price in another currency than the product's own


def product_price(product: Product, currency: str | None = None) -> ProductPrice:
    """The price checkout charges: the course's or plan's explicit price in `currency` (the buyer's display
    currency) when it lists one, else the product's own price in its own currency.  Bundles have only their
    own price.  Reads the prefetched `prices` when present."""
    if currency and isinstance(product, (Course, Plan)):
        row = product.explicit_price(currency)
        if row is not None:
            return ProductPrice(amount=row.amount, currency=row.currency, explicit=True)
    return ProductPrice(amount=product.price, currency=product.currency)


@dataclass(frozen=True)
class PriceBreakdown:
    """subtotal - discount + tax - credit = total.  Every amount is a Decimal rounded to the currency's
    decimals (JPY 0, USD 2, KWD 3)."""

    description: str
    currency: str
    subtotal: Decimal
    discount: Decimal
    taxable: Decimal
    tax_rate: Decimal
    tax: Decimal
    credit: Decimal
    total: Decimal
    coupon: Coupon | None = None
    coupon_error: str = ""
    credit_available: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        """For the API: amounts as strings (never floats)."""
        return {
            "description": self.description,
            "currency": self.currency,
            "subtotal": str(self.subtotal),
            "discount": str(self.discount),
            "taxable": str(self.taxable),
            "tax_rate": str(self.tax_rate),
            "tax": str(self.tax),
            "credit": str(self.credit),
            "total": str(self.total),
            "coupon": self.coupon.code if self.coupon else None,
            "coupon_error": self.coupon_error,
            "credit_available": str(self.credit_available),
        }


def product_kind(product: Product) -> Payment.Kind:
    if isinstance(product, Course):
        return Payment.Kind.COURSE
    if isinstance(product, CourseBundle):
        return Payment.Kind.BUNDLE
    if isinstance(product, Plan):
        return Payment.Kind.PLAN
    raise TypeError(f"Not a product: {product!r}")


def product_description(product: Product) -> str:
    if isinstance(product, Course):
        return f"Course: {product.title}"
    if isinstance(product, CourseBundle):
        return f"Bundle: {product.name}"
    return f"Subscription: {product}"


def coupon_check(
    *, coupon: Coupon, user: User | None, product: Product, now: dt.datetime | None = None, currency: str = ""
) -> None:
    """Raise ValidationError (with a code) when `coupon` cannot be used by `user` for `product` now, charged
    in `currency` (the product's own when empty): a fixed-amount coupon must be in that currency."""
    now = now or timezone.now()
    currency = currency or product.currency
    if not coupon.is_active:
        raise ValidationError(_("This coupon is no longer active."), code="coupon_inactive")
    if coupon.starts_at and now < coupon.starts_at:
        raise ValidationError(
            _("This coupon is valid from %(date)s."),
            code="coupon_not_started",
            params={"date": f"{coupon.starts_at:%d %b %Y}"},
        )
    if coupon.ends_at and now >= coupon.ends_at:
        raise ValidationError(
            _("This coupon expired on %(date)s."), code="coupon_expired", params={"date": f"{coupon.ends_at:%d %b %Y}"}
        )
    if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
        raise ValidationError(_("This coupon has been used up."), code="coupon_used_up")
    if coupon.kind == Coupon.Kind.FIXED and coupon.currency != currency:
        raise ValidationError(
            _("This coupon is in %(c)s and cannot be used for a price in %(p)s."),
            code="coupon_currency",
            params={"c": coupon.currency, "p": currency},
        )
    restricted = {
        "courses": list(coupon.courses.values_list("pk", flat=True)),
        "bundles": list(coupon.bundles.values_list("pk", flat=True)),
        "plans": list(coupon.plans.values_list("pk", flat=True)),
    }
    if any(restricted.values()):
        field = {Payment.Kind.COURSE: "courses", Payment.Kind.BUNDLE: "bundles", Payment.Kind.PLAN: "plans"}[
            product_kind(product)
        ]
        if product.pk not in restricted[field]:
            raise ValidationError(
                _("This coupon does not apply to %(name)s."),
                code="coupon_not_applicable",
                params={"name": product.title if isinstance(product, Course) else product.name},
            )
    if user is not None and getattr(user, "pk", None):
        used = CouponRedemption.objects.filter(coupon=coupon, user=user, status__in=CouponRedemption.HOLDING).count()
        if used >= coupon.max_uses_per_user:
            raise ValidationError(
                _("You have already used this coupon (limit %(n)s per person)."),
                code="coupon_user_limit",
                params={"n": coupon.max_uses_per_user},
            )


def _discount(coupon: Coupon | None, subtotal: Decimal, currency: str) -> Decimal:
    if coupon is None:
        return q(ZERO, currency)
    if coupon.kind == Coupon.Kind.PERCENT:
        return min(subtotal, percent_of(subtotal, coupon.value, currency))
    return min(subtotal, q(coupon.value, currency))


def price_breakdown(
    *,
    product: Product,
    coupon: Coupon | None = None,
    credit_balance: Decimal = ZERO,
    use_credit: bool = False,
    coupon_error: str = "",
    currency: str | None = None,
) -> PriceBreakdown:
    """Pure arithmetic, no writes (reads the explicit prices unless prefetched): the product's price in
    `currency` when it lists an explicit one (`product_price`), else its own price."""
    price = product_price(product, currency)
    code = price.currency
    subtotal = q(price.amount, code)
    discount = _discount(coupon, subtotal, code)
    taxable = subtotal - discount
    rate = q(conf.tax_rate_percent())
    tax = percent_of(taxable, rate, code)
    gross = taxable + tax
    credit_balance = q(credit_balance, code)
    credit = q(ZERO, code)
    if use_credit:  # the balance given is the buyer's credit in the charged currency
        credit = min(credit_balance, gross)
    return PriceBreakdown(
        description=product_description(product),
        currency=code,
        subtotal=subtotal,
        discount=discount,
        taxable=taxable,
        tax_rate=rate,
        tax=tax,
        credit=credit,
        total=gross - credit,
        coupon=coupon,
        coupon_error=coupon_error,
        credit_available=credit_balance,
    )


def checkout_quote(
    *, user: User, product: Product, coupon_code: str = "", use_credit: bool = False, currency: str | None = None
) -> PriceBreakdown:
    """The price the buyer would pay (the checkout page's live breakdown).  Writes nothing; a coupon
    problem is reported in `coupon_error` with the price computed without it.  `currency` is the buyer's
    display currency: the charge is in it when the course/plan lists an explicit price in it."""
    charged = product_price(product, currency).currency
    coupon, error = None, ""
    code = (coupon_code or "").strip().upper()
    if code:
        coupon = Coupon.objects.filter(code=code).first()
        if coupon is None:
            error = "This coupon code does not exist."
        else:
            try:
                coupon_check(coupon=coupon, user=user, product=product, currency=charged)
            except ValidationError as exc:
                coupon, error = None, exc.messages[0]
    return price_breakdown(
        product=product,
        coupon=coupon,
        credit_balance=selectors.credit_balance_get(user=user, currency=charged),
        use_credit=use_credit,
        coupon_error=error,
        currency=charged,
    )
