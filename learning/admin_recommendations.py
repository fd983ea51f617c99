"""Recommendations in the admin: the runs' training logs and the recommendations, read-only (the nightly
job writes them); "Compute recommendations now" on the logs' list enqueues a run."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from courseworx.core.admin import ReadOnlyAdmin
from courseworx.core.enqueue import enqueue_on_commit

from .models import AIModelTrainingLog, AIRecommendation, RecommendationDismissal


def can_run_recommendations(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm("learning.run_recommendations")))


@admin.register(AIModelTrainingLog)
class AIModelTrainingLogAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "status", "trigger", "duration", "users_covered", "coverage", "hit_rate")
    list_filter = ("status", "trigger")
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in AIModelTrainingLog._meta.fields]
    change_list_template = "admin/learning/aimodeltraininglog/change_list.html"

    @admin.display(description="duration", ordering="duration_ms")
    def duration(self, obj):
        return "—" if obj.duration_ms is None else f"{obj.duration_ms / 1000:.1f} s"

    @admin.display(description="catalog coverage", ordering="catalog_coverage")
    def coverage(self, obj):
        return "—" if obj.catalog_coverage is None else f"{float(obj.catalog_coverage):.1%}"

    @admin.display(description="hit-rate@10", ordering="hit_rate_at_10")
    def hit_rate(self, obj):
        if obj.hit_rate_at_10 is None:
            return "—"
        return f"{float(obj.hit_rate_at_10):.1%} ({obj.evaluated_users})"

    def get_urls(self):
        return [
            path("run/", self.admin_site.admin_view(self.run_now), name="learning_aimodeltraininglog_run"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_run": can_run_recommendations(request.user)}
        return super().changelist_view(request, extra_context)

    def run_now(self, request):
        """POST: enqueue a run (the task, on the reports queue); it appears in this list when it ends."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not can_run_recommendations(request.user):
            raise PermissionDenied
        enqueue_on_commit("learning.recommendations_compute", "admin")
        self.message_user(
            request, "Recommendations are being computed; the run appears in this list when it ends.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:learning_aimodeltraininglog_changelist"))


@admin.register(AIRecommendation)
class AIRecommendationAdmin(ReadOnlyAdmin):
    list_display = ("user", "rank", "course", "score_shown", "reason", "reason_course")
    list_filter = ("reason",)
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user", "course", "reason_course")
    readonly_fields = [f.name for f in AIRecommendation._meta.fields]
    raw_id_fields = ("user", "course", "reason_course", "run")

    @admin.display(description="score", ordering="score")
    def score_shown(self, obj):
        return f"{obj.score:.3f}"


@admin.register(RecommendationDismissal)
class RecommendationDismissalAdmin(ReadOnlyAdmin):
    list_display = ("user", "course", "created_at")
    search_fields = ("user__email",)
    list_select_related = ("user", "course")
