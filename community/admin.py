from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "category", "title", "read_at", "email_channel", "emailed_at")
    list_filter = ("category", "email_channel")
    search_fields = ("title", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "category", "channel")
    list_filter = ("category", "channel")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
