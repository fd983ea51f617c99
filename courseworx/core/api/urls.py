from django.urls import path

from . import audit, views

urlpatterns = [
    path("feature-flags/", views.FlagsView.as_view(), name="feature-flags"),
    path("audit-log/", audit.AuditLogListApi.as_view(), name="audit-log"),
    path("audit-log/<int:pk>/", audit.AuditLogDetailApi.as_view(), name="audit-log-detail"),
]
