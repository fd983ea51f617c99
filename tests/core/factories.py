"""Factories for core models (rows written directly; use the services when a test is about them)."""

import factory

from courseworx.core.models import Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    category = Notification.Category.SYSTEM
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
    url = "/"
