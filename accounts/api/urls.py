from django.urls import path

from . import api_keys, resumes, views

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/resume/", resumes.MyResumeApi.as_view(), name="me-resume"),
    path("me/resume/entries/", resumes.MyResumeEntriesApi.as_view(), name="me-resume-entries"),
    path("me/resume/entries/<uuid:entry_id>/", resumes.MyResumeEntryApi.as_view(), name="me-resume-entry"),
    path("profiles/<slug:slug>/", resumes.PublicProfileApi.as_view(), name="public-profile"),
    path("api-keys/", api_keys.ApiKeyListCreateApi.as_view(), name="api-key-list"),
    path("api-keys/<uuid:key_id>/", api_keys.ApiKeyDetailApi.as_view(), name="api-key-detail"),
    path("api-keys/<uuid:key_id>/revoke/", api_keys.ApiKeyRevokeApi.as_view(), name="api-key-revoke"),
]
