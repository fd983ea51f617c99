"""Billing's Celery tasks: take ids, call services, safe to run twice, bounded retries."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import receipts, services
from .models import Payment, SeatAssignment

logger = logging.getLogger(__name__)

RETRY = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(name="billing.receipt_issue", bind=True, **RETRY)
def receipt_issue_task(self, payment_id: str) -> str:
    """Render the receipt PDF (once) and e-mail it to the buyer (once).  Runs after the payment
    committed: a failure here retries and never undoes the payment."""
    _render(payment_id)
    return _send(payment_id)


def _render(payment_id: str) -> None:
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("user", "course", "bundle", "plan", "coupon")
            .get(pk=payment_id)
        )
        if payment.receipt_pdf or not payment.receipt_number:
            return
        pdf = receipts.receipt_render_pdf(payment)
        payment.receipt_pdf.save(f"receipt-{payment.receipt_number}.pdf", ContentFile(pdf), save=False)
        payment.save(update_fields=["receipt_pdf", "updated_at"])


def _send(payment_id: str) -> str:
    with transaction.atomic():
        payment = Payment.objects.select_for_update(of=("self",)).select_related("user").get(pk=payment_id)
        if payment.receipt_sent_at or not payment.receipt_pdf:
            return "already_sent" if payment.receipt_sent_at else "no_receipt"
        message = EmailMessage(
            subject=f"Your CourseWorx receipt {payment.receipt_number}",
            body=(
                f"Hello {payment.user.first_name},\n\nThank you for your purchase: {payment.description}.\n"
                f"Amount paid: {payment.amount} {payment.currency}.\nYour receipt is attached; you can also "
                f"download it from {settings.SITE_URL}{reverse('billing:purchases')}.\n\n— CourseWorx"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[payment.user.email],
        )
        with payment.receipt_pdf.open("rb") as fh:
            message.attach(f"receipt-{payment.receipt_number}.pdf", fh.read(), "application/pdf")
        message.send()
        payment.receipt_sent_at = timezone.now()
        payment.save(update_fields=["receipt_sent_at", "updated_at"])
    return "sent"


@shared_task(name="billing.seat_invitation_send", bind=True, **RETRY)
def seat_invitation_send_task(self, seat_id: str) -> str:
    seat = SeatAssignment.objects.select_related("licence__course", "licence__partner").get(pk=seat_id)
    if seat.status != SeatAssignment.Status.INVITED:
        return "not_invited"
    link = settings.SITE_URL + reverse("billing:seat_accept", kwargs={"token": seat.token})
    EmailMessage(
        subject=f"{seat.licence.partner.name} gave you a seat in {seat.licence.course.title}",
        body=(
            f"Hello,\n\n{seat.licence.partner.name} has given you a seat in the course "
            f'"{seat.licence.course.title}" on CourseWorx.\nCreate your account with this e-mail address '
            f"({seat.email}) and accept the invitation here:\n{link}\n\n— CourseWorx"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[seat.email],
    ).send()
    return "sent"


@shared_task(name="billing.subscriptions_renew_due", acks_late=True)
def subscriptions_renew_due_task() -> dict:
    return services.subscription_renew_due()


@shared_task(name="billing.subscriptions_expire_due", acks_late=True)
def subscriptions_expire_due_task() -> int:
    return services.subscription_expire_due()


@shared_task(name="billing.payments_expire_pending", acks_late=True)
def payments_expire_pending_task() -> int:
    return services.payment_expire_pending()


@shared_task(name="billing.course_revenue_refresh", acks_late=True, autoretry_for=(Exception,), max_retries=3,
             retry_backoff=True)  # fmt: skip
def course_revenue_refresh_task(course_id: str) -> int:
    """CourseStats.revenue of one course (after a payment of it succeeded or was refunded)."""
    return services.course_revenue_refresh(course_ids=[course_id])


@shared_task(name="billing.course_revenue_refresh_all", acks_late=True)
def course_revenue_refresh_all_task() -> int:
    """Every course's revenue recomputed (the periodic repair; also `manage.py course_revenue_refresh`)."""
    return services.course_revenue_refresh()


@shared_task(name="billing.exchange_rates_import", acks_late=True)
def exchange_rates_import_task() -> str:
    """Daily: import the rates of BILLING_EXCHANGE_RATES_SOURCE (nothing when it is empty).  A bad or
    refused source is logged and reported, not retried (the next run tries again)."""
    try:
        result = services.exchange_rates_import()
    except ValidationError as exc:
        message = f"Exchange-rate import failed: {'; '.join(exc.messages)}"
        logger.warning(message)
        return message
    return str(result["message"])
