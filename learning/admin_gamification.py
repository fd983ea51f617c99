"""Gamification in the admin: the points ledger (read-only, plus manual adjustments through the service),
achievements and challenges (edited as data), awards, participations and leaderboard snapshots (read-only)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from courseworx.core.admin import ReadOnlyAdmin, ReadOnlyInline
from courseworx.core.forms import service_error_text

from . import services
from .models import (
    Achievement,
    Challenge,
    ChallengeParticipation,
    GamificationProfile,
    LeaderboardEntry,
    LeaderboardSnapshot,
    PointsEntry,
    UserAchievement,
)


class PointsAdjustmentForm(forms.ModelForm):
    note = forms.CharField(label=_("Reason"), max_length=300, help_text=_("Shown to the user in their points history."))

    class Meta:
        model = PointsEntry
        fields = ["user", "amount", "note"]
        help_texts = {"amount": _("Positive to add points, negative to take them away.")}


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """The ledger is append-only: rows are viewed; "Add" makes a staff adjustment (services.points_adjust)."""

    form = PointsAdjustmentForm
    list_display = ("created_at", "user", "amount", "reason", "course", "source_key", "created_by")
    list_filter = ("reason",)
    search_fields = ("user__email", "user__last_name", "source_key", "note")
    list_select_related = ("user", "course", "created_by")
    raw_id_fields = ("user",)
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in PointsEntry._meta.fields] if obj else []

    def get_fields(self, request, obj=None):
        return super().get_fields(request, obj) if obj else ["user", "amount", "note"]

    def save_model(self, request, obj, form, change):
        try:
            entry = services.points_adjust(
                actor=request.user, user=obj.user, amount=obj.amount, note=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            raise PermissionDenied(service_error_text(exc)) from exc
        obj.__dict__.update({f.attname: getattr(entry, f.attname) for f in PointsEntry._meta.concrete_fields})
        obj._state.adding = False


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "criterion_kind", "threshold", "points_reward", "is_active", "order")
    list_filter = ("criterion_kind", "is_active")
    list_editable = ("is_active", "order")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(UserAchievement)
class UserAchievementAdmin(ReadOnlyAdmin):
    list_display = ("awarded_at", "user", "achievement")
    list_filter = ("achievement",)
    search_fields = ("user__email", "user__last_name", "achievement__name")
    list_select_related = ("user", "achievement")


class ParticipationInline(ReadOnlyInline):
    model = ChallengeParticipation
    fields = ("user", "joined_at", "progress", "completed_at")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("title", "metric", "target", "starts_at", "ends_at", "reward_points", "course", "is_active")
    list_filter = ("metric", "is_active")
    search_fields = ("title",)
    list_select_related = ("course",)
    raw_id_fields = ("course",)
    inlines = [ParticipationInline]
    actions = ("recount",)

    @admin.action(description=_("Recompute the progress of the selected challenges"))
    def recount(self, request, queryset):
        n = sum(services.challenge_participations_recount(challenge=c) for c in queryset)
        self.message_user(request, _("%(n)s participation(s) recomputed.") % {"n": n}, messages.SUCCESS)


@admin.register(ChallengeParticipation)
class ChallengeParticipationAdmin(ReadOnlyAdmin):
    list_display = ("challenge", "user", "joined_at", "progress", "completed_at")
    list_filter = ("challenge",)
    search_fields = ("user__email", "challenge__title")
    list_select_related = ("challenge", "user")


class LeaderboardEntryInline(ReadOnlyInline):
    model = LeaderboardEntry
    fields = ("rank", "user", "points")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(LeaderboardSnapshot)
class LeaderboardSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("period", "course", "period_start", "computed_at")
    list_filter = ("period",)
    list_select_related = ("course",)
    inlines = [LeaderboardEntryInline]
    actions = ("refresh_all",)

    @admin.action(description=_("Recompute every leaderboard now"))
    def refresh_all(self, request, queryset):
        n = services.leaderboards_refresh()
        self.message_user(request, _("%(n)s leaderboard(s) recomputed.") % {"n": n}, messages.SUCCESS)


@admin.register(GamificationProfile)
class GamificationProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "leaderboard_opt_out", "achievements_public", "updated_at")
    list_filter = ("leaderboard_opt_out", "achievements_public")
    search_fields = ("user__email",)
    list_select_related = ("user",)
