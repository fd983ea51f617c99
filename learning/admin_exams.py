"""Certification exams in the admin: exams with their question pool inline (publishing needs a pool of at least
`questions_per_attempt` active questions), and attempts (read-only) with their proctoring log."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from courses.models import Course
from courseworx.core.admin import ReadOnlyAdmin, ReadOnlyInline

from . import exams_selectors, permissions, services
from .models import CertificationExam, ExamAttempt, ExamProctorEvent, ExamQuestion


class ExamQuestionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        active = sum(
            1
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("is_active", True)
        )
        try:
            services.exam_check_pool(exam=self.instance, active_questions=active)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class ExamQuestionInline(admin.StackedInline):
    model = ExamQuestion
    formset = ExamQuestionFormSet
    extra = 0
    fields = (("question_type", "points", "order", "is_active"), "question", ("options", "correct_answers"),
              "explanation")  # fmt: skip

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("question", "explanation") and field is not None:
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 80})
        if db_field.name in ("options", "correct_answers") and field is not None:
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
            field.help_text = 'A JSON list, e.g. ["Paris", "Lyon"].'
        return field


@admin.register(CertificationExam)
class CertificationExamAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "course", "questions_per_attempt", "pool_size", "time_limit_minutes",
                    "pass_score", "max_attempts", "cooldown_hours")  # fmt: skip
    list_filter = ("status",)
    search_fields = ("title", "slug")
    list_select_related = ("course",)
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("course",)
    readonly_fields = ("created_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "description", "course", "certificate_template")}),
        (
            "Rules",
            {
                "fields": (
                    ("questions_per_attempt", "time_limit_minutes", "pass_score"),
                    ("max_attempts", "cooldown_hours"),
                    "show_correct_answers",
                )
            },
        ),  # fmt: skip
        ("Record", {"fields": ("created_by", "created_at", "updated_at")}),
    )
    inlines = (ExamQuestionInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_pool=Count("questions", filter=Q(questions__is_active=True)))

    @admin.display(description="active questions", ordering="_pool")
    def pool_size(self, obj):
        return obj._pool

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ExamProctorEventInline(ReadOnlyInline):
    model = ExamProctorEvent
    fields = ("occurred_at", "kind", "detail", "received_at")
    readonly_fields = fields
    ordering = ("occurred_at", "id")
    verbose_name_plural = "proctoring log (timeline)"


@admin.register(ExamAttempt)
class ExamAttemptAdmin(ReadOnlyAdmin):
    """Attempts are written by learning.services; reviewers add notes and invalidate on the review page."""

    list_display = ("user", "exam", "number", "status", "percent", "passed", "invalidated_at", "events", "flagged",
                    "started_at")  # fmt: skip
    list_filter = ("status", "passed", "exam")
    search_fields = ("user__email", "exam__title")
    list_select_related = ("user", "exam")
    readonly_fields = ("review_page", "proctor_summary", *[f.name for f in ExamAttempt._meta.fields])
    inlines = (ExamProctorEventInline,)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not permissions.can_review_exams(request.user):
            qs = qs.filter(exam__course__in=Course.objects.editable_by(request.user))
        annotations = {
            f"n_{kind}": Count("proctor_events", filter=Q(proctor_events__kind=kind))
            for kind in ExamProctorEvent.SUSPICIOUS
        }
        return qs.annotate(_events=Count("proctor_events"), **annotations)

    @admin.display(description="events", ordering="_events")
    def events(self, obj):
        return obj._events

    @admin.display(description="flagged", boolean=True)
    def flagged(self, obj):
        return exams_selectors.is_flagged(obj)

    @admin.display(description="review page")
    def review_page(self, obj):
        if obj.pk is None:
            return "—"
        return format_html('<a href="{}">Open the review page (notes, invalidation)</a>',
                           reverse("learning:exam_review_attempt", kwargs={"attempt_id": obj.pk}))  # fmt: skip

    @admin.display(description="proctoring events per kind")
    def proctor_summary(self, obj):
        if obj.pk is None:
            return "—"
        summary = exams_selectors.proctor_summary(attempt=obj)
        if not summary.total:
            return "No events recorded."
        items = format_html_join(
            "", "<li>{}: <strong>{}</strong>{}</li>",
            ((label, count, " ⚑ flagged" if flagged else "") for _, label, count, flagged in summary.rows()),
        )  # fmt: skip
        dropped = f" ({summary.dropped} more not kept: the log was full)" if summary.dropped else ""
        return format_html("<ul>{}</ul>{}", items, dropped)
