"""Mounted under /api/v1/ (namespace "api")."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.ReportListApi.as_view(), name="report-list"),
    path("reports/exports/<uuid:export_id>/", views.ReportExportDetailApi.as_view(), name="report-export"),
    path("reports/<slug:slug>/", views.ReportDetailApi.as_view(), name="report-detail"),
    path("reports/<slug:slug>/exports/", views.ReportExportCreateApi.as_view(), name="report-export-create"),
    path("me/data-requests/", views.DataRequestListCreateApi.as_view(), name="data-request-list"),
    path("mobile/logs/", views.MobileLogIngestApi.as_view(), name="mobile-log-ingest"),
]
