"""Factories for billing tests (rows written directly; use the services when a test is about them)."""

from decimal import Decimal

import factory

from billing.models import Coupon, CourseBundle, Plan


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    price = Decimal("19.00")
    interval = Plan.Interval.MONTH
    scope = Plan.Scope.SELECTED

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if create and extracted:
            self.courses.add(*extracted)


class BundleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseBundle
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Bundle {n}")
    slug = factory.Sequence(lambda n: f"bundle-{n}")
    price = Decimal("60.00")

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if create and extracted:
            for i, course in enumerate(extracted):
                self.items.create(course=course, order=i)


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = Coupon.Kind.PERCENT
    value = Decimal("10.00")
