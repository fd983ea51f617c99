from django.urls import path

from . import teaching, views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<uuid:export_id>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:export_id>/download/", views.export_download, name="export_download"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accessibility/report/<uuid:content_id>/", views.accessibility_report, name="accessibility_report"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/<uuid:request_id>/<str:signature>/download/", views.my_data_download, name="my_data_download"),
    path("subscriptions/<int:subscription_id>/delete/", views.unsubscribe, name="unsubscribe"),
    path("courses/<slug:slug>/lessons/", teaching.course_lesson_analytics_page, name="course_lesson_analytics"),
    path("<slug:slug>/", views.report_detail, name="report"),
    path("<slug:slug>/export.csv", views.report_csv, name="report_csv"),
    path("<slug:slug>/export.pdf", views.report_pdf, name="report_pdf"),
    path("<slug:slug>/export/", views.report_export_start, name="report_export"),
    path("<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
]
