from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views_resumes as resume_views
from courses import views as course_views
from courseworx.core import views as core_views
from courseworx.core.api.docs import RedocView

admin.site.site_header = "CourseWorx administration"
admin.site.site_title = "CourseWorx admin"
admin.site.index_title = "Manage the platform"

api_v1 = [
    path("", include("courseworx.core.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("courses.api.urls")),
    path("", include("learning.api.urls")),
    path("", include("community.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("", course_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the navbar's language switcher
    path("accounts/", include("accounts.urls")),
    path("u/<slug:slug>/", resume_views.public_profile, name="public_profile"),  # opt-in public resumes
    path("courses/", include("courses.urls")),
    path("", include("learning.urls")),
    path("", include("community.urls")),
    path("billing/", include("billing.urls")),
    path("reports/", include("reports.urls")),
    path("", include("courseworx.core.urls")),  # /webhooks/: the owner's webhooks page
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

if settings.DEBUG:
    # Development only; production serves media from object storage or the proxy.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "courseworx.core.views.error_400"
handler403 = "courseworx.core.views.error_403"
handler404 = "courseworx.core.views.error_404"
handler500 = "courseworx.core.views.error_500"
