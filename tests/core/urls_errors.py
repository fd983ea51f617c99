"""The project's URLs plus views that fail on purpose (used with @pytest.mark.urls)."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from courseworx.core.exceptions import ConflictError
from courseworx.urls import handler400, handler403, handler404, handler500  # noqa: F401 (used by Django)
from courseworx.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("boom (test)")


def log_something(request):
    logging.getLogger("courseworx.test").warning("something happened")
    return HttpResponse("ok")


@api_view(["GET"])
@permission_classes([AllowAny])
def drf_boom(request):
    raise RuntimeError("boom in an API view (test)")


@api_view(["GET"])
@permission_classes([AllowAny])
def drf_invalid(request):
    raise ValidationError({"title": ["Too short."], "__all__": ["Dates overlap."]})


@api_view(["GET"])
@permission_classes([AllowAny])
def drf_denied(request):
    raise PermissionDenied("Only the course owner may do that.")


@api_view(["GET"])
@permission_classes([AllowAny])
def drf_refused(request):
    """A service's refusal with its own code (not tied to a field)."""
    raise ValidationError("You already have access to this course.", code="already_enrolled")


@api_view(["GET"])
@permission_classes([AllowAny])
def drf_field_codes(request):
    raise ValidationError(
        {
            "coupon": ValidationError("This coupon has expired.", code="coupon_expired"),
            "seats": [ValidationError("Only %(n)s seats are left.", code="too_many", params={"n": 2})],
        }
    )


class _Input(serializers.Serializer):
    title = serializers.CharField(min_length=5)
    seats = serializers.IntegerField(max_value=10)


@api_view(["POST"])
@permission_classes([AllowAny])
def drf_serializer(request):
    _Input(data=request.data).is_valid(raise_exception=True)


@api_view(["POST"])
@permission_classes([AllowAny])
def drf_conflict(request):
    raise ConflictError(
        "A ticket that is %(old)s cannot become open.", code="invalid_transition", params={"old": "closed"}
    )


urlpatterns = [
    path("boom/", boom),
    path("log-something/", log_something),
    path("api/v1/boom/", boom),
    path("api/v1/drf-boom/", drf_boom),
    path("api/v1/drf-invalid/", drf_invalid),
    path("api/v1/drf-denied/", drf_denied),
    path("api/v1/drf-refused/", drf_refused),
    path("api/v1/drf-field-codes/", drf_field_codes),
    path("api/v1/drf-serializer/", drf_serializer),
    path("api/v1/drf-conflict/", drf_conflict),
    *project_urlpatterns,
]
