"""The project's URLs plus views that fail on purpose (used with @pytest.mark.urls)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from courseworx.urls import handler400, handler403, handler404, handler500  # noqa: F401 (used by Django)
from courseworx.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("boom (test)")


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


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("api/v1/drf-boom/", drf_boom),
    path("api/v1/drf-invalid/", drf_invalid),
    path("api/v1/drf-denied/", drf_denied),
    *project_urlpatterns,
]
