from django.conf import settings

from .live_settings import setting_value


def site(request):
    """The site's name and support address are live settings (admin: System settings)."""
    return {
        "SITE_NAME": setting_value("SITE_NAME"),
        "SUPPORT_EMAIL": setting_value("SUPPORT_EMAIL"),
        "SITE_URL": settings.SITE_URL,
    }
