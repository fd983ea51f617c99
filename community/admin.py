from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "category", "title", "read_at", "emailed_at")
    list_filter = ("category",)
    search_fields = ("title", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
