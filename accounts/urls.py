from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_api_keys, views_otp, views_resumes

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/api-keys/", views_api_keys.api_keys, name="api_keys"),
    path("profile/api-keys/<uuid:key_id>/revoke/", views_api_keys.api_key_revoke, name="api_key_revoke"),
    path("resume/", views_resumes.resume_edit, name="resume"),
    path("resume/preview/", views_resumes.resume_preview, name="resume_preview"),
    path("resume/pdf/", views_resumes.resume_pdf, name="resume_pdf"),
    path("resume/entries/add/", views_resumes.entry_edit, name="resume_entry_add"),
    path("resume/entries/<uuid:entry_id>/", views_resumes.entry_edit, name="resume_entry_edit"),
    path("resume/entries/<uuid:entry_id>/delete/", views_resumes.entry_delete, name="resume_entry_delete"),
    path("resume/entries/<uuid:entry_id>/move/<str:direction>/", views_resumes.entry_move, name="resume_entry_move"),
    path("2fa/", views_otp.otp_overview, name="otp_overview"),
    path("2fa/setup/", views_otp.otp_setup, name="otp_setup"),
    path("2fa/verify/", views_otp.otp_verify, name="otp_verify"),
    path("2fa/recovery-codes/", views_otp.otp_recovery_codes, name="otp_recovery_codes"),
    path("2fa/disable/", views_otp.otp_disable, name="otp_disable"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
