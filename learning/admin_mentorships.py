"""Mentorships in the admin: read-mostly (states change through the pages and the API, with notifications).

Staff see requests, mentorships and sessions to help with support; private notes are not listed."""

from django.contrib import admin

from courseworx.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import MentorProfile, Mentorship, MentorshipSession


class MentorshipSessionInline(ReadOnlyInline):
    model = MentorshipSession
    fields = ("scheduled_at", "duration_minutes", "location", "status")


@admin.register(Mentorship)
class MentorshipAdmin(ReadOnlyAdmin):
    list_display = ("student", "mentor", "course", "status", "requested_at", "started_at", "ended_at")
    list_filter = ("status",)
    list_select_related = ("student", "mentor", "course")
    search_fields = ("student__email", "mentor__email", "student__last_name", "mentor__last_name")
    date_hierarchy = "requested_at"
    readonly_fields = (
        "student", "mentor", "course", "message", "status", "requested_at", "responded_at", "response_message",
        "started_at", "ended_at", "ended_by", "end_reason",
    )  # fmt: skip
    inlines = [MentorshipSessionInline]


@admin.register(MentorshipSession)
class MentorshipSessionAdmin(ReadOnlyAdmin):
    list_display = ("mentorship", "scheduled_at", "duration_minutes", "status")
    list_filter = ("status",)
    list_select_related = ("mentorship",)
    exclude = ("private_notes",)


@admin.register(MentorProfile)
class MentorProfileAdmin(ReadOnlyAdmin):
    list_display = ("mentor", "accepting_mentees", "max_active_mentees", "topics")
    list_filter = ("accepting_mentees",)
    list_select_related = ("mentor",)
    search_fields = ("mentor__email", "mentor__last_name", "topics")
