"""A course's explicit prices in other currencies (`CoursePrice`), under the course's edit rules.

The prices are part of the course's reviewed content, like its base price: they change while the course
may be edited (a draft or changes requested; a published course through a revision, `course_edit_lock`),
and a revision's prices replace the live course's on approval (`courses.prices.PriceRevisions`).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from courseworx.core.currency import currency_choices, normalise_code
from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create

from .. import permissions
from ..models import Course, CoursePrice
from ._common import _lock_course


def _clean_rows(course: Course, prices: list[dict[str, Any]]) -> dict[str, Decimal]:
    """{code: amount} from [{"currency", "amount"}], each checked (ValidationError keyed `prices`)."""
    active = dict(currency_choices())
    wanted: dict[str, Decimal] = {}
    errors: list[ValidationError] = []
    for row in prices:
        code = normalise_code(row.get("currency"))
        if code is None or (
            code not in active and not CoursePrice.objects.filter(course=course, currency=code).exists()
        ):
            errors.append(ValidationError("%(c)s is not an active currency.", code="invalid_currency",
                                          params={"c": row.get("currency")}))  # fmt: skip
            continue
        if code in wanted:
            errors.append(ValidationError("%(c)s is listed twice.", code="duplicate_currency", params={"c": code}))
            continue
        try:
            amount = Decimal(str(row.get("amount")))
        except (InvalidOperation, ValueError):
            errors.append(ValidationError("%(c)s: not an amount.", code="invalid", params={"c": code}))
            continue
        price = CoursePrice(course=course, currency=code, amount=amount)
        try:
            price.full_clean(exclude=["course"])
            price.clean()
        except ValidationError as exc:
            errors.extend(ValidationError(f"{code}: {m}", code="invalid_price") for m in exc.messages)
            continue
        wanted[code] = amount
    if errors:
        raise ValidationError({"prices": errors})
    return wanted


def course_prices_set(*, course: Course, user: User, prices: list[dict[str, Any]]) -> list[CoursePrice]:
    """Make the course's explicit prices exactly `prices` ([{"currency": "EUR", "amount": "45.00"}, ...]):
    rows for other currencies are deleted, amounts updated, new ones added.  Each currency must be active,
    not the course's own, listed once, the amount > 0 with at most the currency's decimals (KWD 3, JPY 0).

    Someone who does not teach the course: PermissionDenied; a course its teachers may not edit now:
    ConflictError (`revision_required` for a published course, `course_locked`).  Audited `course.prices_set`.
    """
    with transaction.atomic():
        locked = _lock_course(course)
        if not permissions.can_edit_course(user, locked):
            lock = permissions.course_edit_lock(user, locked)
            if lock is not None:
                raise ConflictError(lock[1], code=lock[0])
            raise PermissionDenied("You may not edit this course.")
        wanted = _clean_rows(locked, prices)
        current = {p.currency: p for p in CoursePrice.objects.select_for_update().filter(course=locked)}
        before = {code: str(p.amount) for code, p in current.items()}
        CoursePrice.objects.filter(course=locked).exclude(currency__in=list(wanted)).delete()
        for code, amount in wanted.items():
            row = current.get(code)
            if row is None:
                CoursePrice.objects.create(course=locked, currency=code, amount=amount)
            elif row.amount != amount:
                row.amount = amount
                row.save(update_fields=["amount", "updated_at"])
        after = {code: str(amount) for code, amount in wanted.items()}
        if {c: Decimal(a) for c, a in before.items()} != dict(wanted):
            audit_log_create(actor=user, action="course.prices_set", target=locked,
                             changes={"before": before, "after": after})  # fmt: skip
        return list(CoursePrice.objects.filter(course=locked).order_by("currency"))
