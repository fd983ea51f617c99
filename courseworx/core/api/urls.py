from django.urls import path

from . import audit

urlpatterns = [
    path("audit-log/", audit.AuditLogListApi.as_view(), name="audit-log"),
    path("audit-log/<int:pk>/", audit.AuditLogDetailApi.as_view(), name="audit-log-detail"),
]
