from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from courseworx.core.live_settings import LiveSetting, register


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self):
        register(
            LiveSetting(
                "COMMUNITY_FLAG_HIDE_THRESHOLD",
                _("Moderation: flags that hide content"),
                "int",
                _("Content is hidden until a moderator reviews it once it has this many open flags."),
                min_value=1,
                max_value=1000,
            )
        )
