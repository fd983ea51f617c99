"""The sandbox provider lets buyers choose the outcome: outside development it must be switched off."""

import uuid

import pytest
from django.urls import reverse

from billing.apps import check_sandbox_not_in_production
from billing.models import Payment

from .conftest import start_checkout

pytestmark = pytest.mark.django_db


def test_checkout_is_refused_with_a_clear_message_when_payments_are_off(client, buyer, paid_course, settings):
    settings.BILLING_SANDBOX_ENABLED = False
    client.force_login(buyer)
    response = client.post(
        reverse("billing:checkout", args=["course", paid_course.slug]), {"idempotency_key": uuid.uuid4().hex}
    )
    assert "Online payment is not set up on this site yet" in response.content.decode()
    assert not Payment.objects.exists()


def test_sandbox_page_and_webhook_do_not_exist_when_off(client, buyer, paid_course, settings):
    payment = start_checkout(buyer, paid_course)
    settings.BILLING_SANDBOX_ENABLED = False
    client.force_login(buyer)
    page = reverse("billing:sandbox_pay", args=[payment.pk])
    assert client.post(page, {"outcome": "succeed"}).status_code == 404
    assert (
        client.post(reverse("billing:webhook", args=["sandbox"]), b"{}", content_type="application/json").status_code
        == 404
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_deploy_check_warns_when_the_sandbox_is_on_in_production(settings):
    settings.DEBUG = False
    settings.BILLING_SANDBOX_ENABLED = True
    assert [w.id for w in check_sandbox_not_in_production(None)] == ["billing.W001"]
    settings.BILLING_SANDBOX_ENABLED = False
    assert check_sandbox_not_in_production(None) == []
