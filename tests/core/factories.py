"""Factories for core models (rows written directly; use the services when a test is about them)."""

import factory

from courseworx.core.models import FeatureFlag, Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    category = Notification.Category.SYSTEM
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
    url = "/"


class FeatureFlagFactory(factory.django.DjangoModelFactory):
    """A flag that decides nothing by itself (everyone unknown, superusers off): tests add the rules."""

    class Meta:
        model = FeatureFlag
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"flag-{n}")
    superusers = False

    @factory.post_generation
    def users(self, create, extracted, **kwargs):
        if create and extracted:
            self.users.add(*extracted)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)
