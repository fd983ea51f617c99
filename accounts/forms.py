from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .identity import normalize_email
from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Incorrect email or password. Note that the password is case-sensitive.",
        "inactive": "This account has been deactivated. Contact support if you think this is a mistake.",
    }

    def clean_username(self):
        # authenticate() and django-axes then see the stored form of the address (accounts.identity).
        return normalize_email(self.cleaned_data.get("username"))


class SignUpForm(UserCreationForm):
    """Validates a sign-up; the view creates the account with `accounts.services.user_create`."""

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email")
        labels = {"first_name": _("First name"), "last_name": _("Last name"), "email": _("Email address")}
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_email(self):
        email = normalize_email(self.cleaned_data.get("email"))
        if not email.partition("@")[0].isascii():
            # Django's validator lets a few look-alike letters through ("ſ", "ı", "K" Kelvin sign); they
            # would make a second account that looks like someone else's address.
            raise forms.ValidationError(
                _("The part before the @ may only use unaccented Latin letters, digits and punctuation.")
            )
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists. Try logging in."))
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("first_name", "last_name", "phone", "avatar")
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        }
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "phone": _("Phone"),
            "avatar": _("Avatar"),
        }
        help_texts = {"avatar": _("JPEG, PNG, GIF or WebP, at most 2 MB.")}


class OTPCodeForm(forms.Form):
    """A code from the authenticator app (or, where allowed, a one-time recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
    )


class OTPDisableForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label=_("A code from your app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
