import copy

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import EmailAuthenticationForm, ProfileForm, SignUpForm
from .throttling import SignUpRateThrottle, signup_wait_message


def _add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        throttle = SignUpRateThrottle()
        if not throttle.allow_request(request, None):
            # Not validated at all: a throttled attempt learns nothing about the address it sent.
            form = SignUpForm(initial={k: request.POST.get(k, "") for k in ("first_name", "last_name", "email")})
            context = {"form": form, "throttled": signup_wait_message(throttle.wait())}
            return render(request, "registration/signup.html", context, status=429)
    # Bind on every POST (even an empty one) so missing fields are reported, not silently ignored.
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
                password=data["password1"],
            )  # fmt: skip
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            login(request, user, backend="accounts.backends.EmailBackend")
            messages.success(
                request, _("Welcome to CourseWorx, %(name)s! Your account is ready.") % {"name": user.first_name}
            )
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Welcome back, %(name)s.") % {"name": form.get_user().first_name})
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have been logged out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        user = form.save()
        if user.requires_password_change:
            user.requires_password_change = False
            user.save(update_fields=["requires_password_change"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["forced"] = self.request.user.requires_password_change
        return ctx


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        # Bind a copy: an invalid form must not leave unsaved values (a refused avatar, a rejected
        # name) on request.user, which the page header and navbar render.
        form = ProfileForm(request.POST, request.FILES, instance=copy.copy(request.user))
        if form.is_valid():
            try:
                services.user_profile_update(
                    user=request.user, data={name: form.cleaned_data[name] for name in form.changed_data}
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("accounts:profile")
        messages.error(request, _("Please correct the errors below."))
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "accounts/profile.html", {"form": form})
