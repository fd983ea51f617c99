"""Sign-in: the display currency remembered on the profile goes back into the session."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="billing_display_currency_login")
def restore_display_currency(sender, request, user, **kwargs) -> None:
    services.preferred_currency_restore(request=request, user=user)
