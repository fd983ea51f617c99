"""Subscriptions: renewal through the provider, grace period, expiry suspends plan enrolments, renewal restores."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import Payment, Subscription
from learning.models import Enrollment
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.factories import PlanFactory
from tests.billing.services.conftest import decline_renewals, make_due
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_expiry_suspends_and_renewal_restores_access(client, buyer, subscribed, monkeypatch, settings):
    settings.BILLING_SUBSCRIPTION_GRACE_DAYS = 3
    subscription, courses = subscribed
    bought = make_course()
    pay(client, start_checkout(buyer, bought))  # a course bought separately is never suspended
    assert Enrollment.objects.filter(user=buyer, source="subscription", status="enrolled").count() == 2

    # renewal fails -> past_due with a grace period; access continues
    make_due(subscription)
    decline_renewals(monkeypatch)
    assert services.subscription_renew_due() == {"past_due": 1}
    subscription.refresh_from_db()
    assert subscription.status == "past_due" and subscription.grace_until is not None
    assert Payment.objects.filter(subscription=subscription, kind="renewal", status="failed").count() == 1
    assert services.subscription_expire_due() == 0  # still inside the grace period

    # grace over -> expired, plan enrolments suspended (only those)
    Subscription.objects.filter(pk=subscription.pk).update(grace_until=timezone.now() - dt.timedelta(minutes=1))
    assert services.subscription_expire_due() == 1
    subscription.refresh_from_db()
    assert subscription.status == "expired"
    statuses = dict(Enrollment.objects.filter(user=buyer).values_list("course_id", "status"))
    assert statuses[courses[0].pk] == statuses[courses[1].pk] == "suspended"
    assert statuses[bought.pk] == "enrolled"

    # renewing (checkout of the plan for this subscription) restores them
    monkeypatch.undo()
    renewal = start_checkout(buyer, subscription.plan, subscription=subscription)
    pay(client, renewal)
    subscription.refresh_from_db()
    assert subscription.status == "active" and subscription.current_period_end > timezone.now()
    assert set(Enrollment.objects.filter(user=buyer, course__in=courses).values_list("status", flat=True)) == {
        "enrolled"
    }


def test_cancel_at_period_end_then_it_ends(client, buyer, subscribed):
    subscription, courses = subscribed
    client.force_login(buyer)
    client.post(reverse("billing:subscription_action", args=[subscription.pk, "cancel"]))
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end and subscription.status == "active"
    client.post(reverse("billing:subscription_action", args=[subscription.pk, "resume"]))
    subscription.refresh_from_db()
    assert not subscription.cancel_at_period_end
    services.subscription_cancel(subscription=subscription, user=buyer)
    make_due(subscription)
    assert services.subscription_renew_due() == {"canceled": 1}
    subscription.refresh_from_db()
    assert subscription.status == "canceled"
    assert not Payment.objects.filter(kind="renewal").exists()
    assert set(Enrollment.objects.filter(user=buyer).values_list("status", flat=True)) == {"suspended"}


def test_someone_else_cannot_cancel(client, subscribed):
    subscription, _ = subscribed
    client.force_login(StudentFactory())
    assert client.post(reverse("billing:subscription_action", args=[subscription.pk, "cancel"])).status_code == 404
    subscription.refresh_from_db()
    assert not subscription.cancel_at_period_end


def test_trial_then_first_charge(buyer):
    course = make_course()
    plan = PlanFactory(courses=[course], trial_days=7)
    subscription = services.subscription_start_trial(user=buyer, plan=plan)
    assert subscription.status == "trialing"
    assert Enrollment.objects.get(user=buyer, course=course).has_access
    with pytest.raises(Exception, match="already had"):
        services.subscription_start_trial(user=buyer, plan=plan)
    make_due(subscription)
    assert services.subscription_renew_due() == {"renewed": 1}
    subscription.refresh_from_db()
    assert subscription.status == "active"


def test_all_courses_plan_enrols_on_demand(client, buyer):
    plan = PlanFactory(scope="all")
    pay(client, start_checkout(buyer, plan))
    course = make_course()
    client.force_login(buyer)
    response = client.post(reverse("billing:subscription_enrol", args=[course.slug]))
    assert response.status_code == 302
    assert Enrollment.objects.get(user=buyer, course=course).source == "subscription"


def test_subscription_page(client, buyer, subscribed):
    client.force_login(buyer)
    page = client.get(reverse("billing:subscriptions"))
    assert page.status_code == 200 and b"Cancel at period end" in page.content
