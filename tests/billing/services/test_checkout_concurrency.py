"""A coupon with 5 uses left cannot be used 6+ times by parallel checkouts (PostgreSQL row locks)."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from billing import services
from billing.models import Coupon, CouponRedemption, Payment
from tests.billing.conftest import make_course
from tests.billing.factories import CouponFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_coupon_with_five_uses_left_holds_under_parallel_checkouts():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    course = make_course()
    coupon = CouponFactory(code="RACE", max_uses=7)
    Coupon.objects.filter(pk=coupon.pk).update(uses=2)  # 5 uses left
    buyers = [StudentFactory() for _ in range(8)]
    barrier = threading.Barrier(len(buyers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def checkout(user):
        try:
            barrier.wait()
            services.checkout_start(user=user, product=course, coupon_code="RACE", idempotency_key=uuid.uuid4().hex)
            result = "ok"
        except ValidationError as exc:
            result = " ".join(exc.messages)
        except Exception as exc:  # noqa: BLE001 - surfaces in the assertion below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=checkout, args=(u,)) for u in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(outcomes) == 8
    assert outcomes.count("ok") == 5, outcomes
    assert all(o == "ok" or "used up" in o for o in outcomes), outcomes
    coupon.refresh_from_db()
    assert coupon.uses == 7
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 5
    assert Payment.objects.filter(coupon=coupon).count() == 5
