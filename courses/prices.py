"""Explicit prices in revisions: a revision copies the live course's `CoursePrice` rows, its authors edit
them, and on approval the live course's prices become the revision's (like its base price)."""

import uuid
from typing import Any

from .models import CoursePrice
from .revisions import RevisionParticipant

_KEY_NAMESPACE = uuid.UUID("6f1c2b1e-8a51-4c1e-9d59-0f3a4d1b7c21")


def _key(code: str) -> str:
    """A price's id in snapshots: the same for the same currency on a revision and its live course."""
    return str(uuid.uuid5(_KEY_NAMESPACE, code))


class PriceRevisions(RevisionParticipant):
    kind = "price"
    verbose_name = "price"
    title_field = "currency"

    def snapshot(self, *, course) -> list[dict[str, Any]]:
        return [
            {"id": _key(p.currency), "currency": p.currency, "amount": str(p.amount)}
            for p in CoursePrice.objects.filter(course=course).order_by("currency")
        ]

    def clone(self, *, source, revision) -> dict[str, str]:
        rows = [CoursePrice(course=revision, currency=p.currency, amount=p.amount) for p in source.prices.all()]
        CoursePrice.objects.bulk_create(rows)
        return {_key(p.currency): _key(p.currency) for p in rows}

    def apply(self, *, revision, live, origins: dict[str, str]) -> None:
        wanted = {p.currency: p.amount for p in CoursePrice.objects.filter(course=revision)}
        CoursePrice.objects.filter(course=live).exclude(currency__in=list(wanted)).delete()
        for code, amount in wanted.items():
            CoursePrice.objects.update_or_create(course=live, currency=code, defaults={"amount": amount})
