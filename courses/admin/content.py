"""Lessons (course content) and their quiz questions."""

import contextlib

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from courseworx.core.admin import PrivateFileAdminMixin
from courseworx.core.utils import parse_uuid

from .. import permissions, selectors
from ..models import (
    Course,
    CourseContent,
    CourseSection,
    QuizQuestion,
)
from ._common import _is_reviewer


class LinesField(forms.CharField):
    """A list of short texts edited one per line (quiz options and answers)."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class QuestionForm(forms.ModelForm):
    options = LinesField(required=False, help_text="One option per line (true/false: leave empty).")
    correct_answers = LinesField(
        required=False, help_text="The correct option(s), copied exactly; for text questions every accepted answer."
    )

    class Meta:
        model = QuizQuestion
        fields = ("order", "question", "question_type", "options", "correct_answers", "points", "explanation",
                  "is_active")  # fmt: skip
        widgets = {"question": forms.Textarea(attrs={"rows": 2}), "explanation": forms.Textarea(attrs={"rows": 2})}


class QuestionInline(admin.StackedInline):
    model = QuizQuestion
    form = QuestionForm
    extra = 0
    ordering = ("order",)

    def _editable(self, request, obj) -> bool:
        return obj is not None and permissions.can_edit_course(request.user, obj.course)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request, obj)
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)


class LessonForm(forms.ModelForm):
    video_url = forms.URLField(
        required=False, assume_scheme="https", help_text="A YouTube or Vimeo link (https), instead of a file."
    )

    class Meta:
        model = CourseContent
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the sections of the lesson's course once it is known.
        course_id = self.instance.course_id or self.initial.get("course") or self.data.get("course")
        if course_id and "section" in self.fields:
            # Not a course id: the course field reports it.
            with contextlib.suppress(ValueError, ValidationError):
                self.fields["section"].queryset = self.fields["section"].queryset.filter(course_id=course_id)


@admin.register(CourseContent)
class CourseContentAdmin(PrivateFileAdminMixin, admin.ModelAdmin):
    form = LessonForm
    list_display = ("title", "course", "section", "kind", "order", "is_published", "is_preview")
    list_select_related = ("course", "section")
    list_filter = ("kind", "is_published", "is_preview")
    search_fields = ("title", "course__title")
    readonly_fields = ("file_type", "file_size")
    fieldsets = (
        (None, {"fields": ("course", "section", "title", "kind", "order", "description")}),
        ("Settings", {"fields": ("is_published", "is_required", "is_preview", "points", "duration_seconds")}),
        ("Document, image or video", {
            "description": "Documents and images need a file; videos need a file or a link from an allowed host.",
            "fields": ("file", "file_type", "file_size", "alt_text", "video_url", "captions"),
        }),
        ("Article", {"description": "Markdown; HTML is sanitised.", "fields": ("article_body",)}),
        ("Quiz settings", {"description": "Only for quizzes: add the questions below after saving.",
                           "fields": ("pass_mark", "max_attempts", "time_limit_minutes", "shuffle_questions",
                                      "manual_grading")}),
    )  # fmt: skip

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("course", "section")
        if _is_reviewer(request):
            return qs
        return qs.filter(course__in=Course.objects.editable_by(request.user).values("pk"))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return _is_reviewer(request) or permissions.user_teaches_course(request.user, obj.course)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.can_edit_course(request.user, obj.course)

    def has_delete_permission(self, request, obj=None):
        if obj is None:  # no bulk deletion for authors: each lesson's course status is checked
            return super().has_delete_permission(request)
        return request.user.has_perm("courses.change_coursecontent") and permissions.can_edit_course(
            request.user, obj.course
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "course"] if obj is not None else fields

    def private_file_link(self, obj, field_name):
        return reverse("learning:lesson_file", args=[obj.course.slug, obj.pk])  # checks who may open it

    def get_inlines(self, request, obj):
        return [QuestionInline] if obj is not None and obj.kind == CourseContent.Kind.QUIZ else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        course_id = parse_uuid(request.GET.get("course"))
        if course_id:
            course = self._editable_courses(request).filter(pk=course_id).first()
            if course is not None:
                initial["course"] = course.pk
                initial["order"] = selectors.content_next_order(course=course)
        return initial

    def _editable_courses(self, request):
        courses = Course.objects.editable_by(request.user)
        if not request.user.is_superuser:
            courses = courses.filter(status__in=permissions.EDITABLE_STATUSES)
        return courses

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course":
            kwargs["queryset"] = self._editable_courses(request)
        elif db_field.name == "section":
            sections = CourseSection.objects.select_related("course").filter(
                course__in=self._editable_courses(request).values("pk")
            )
            kwargs["queryset"] = sections.order_by("course__title", "order")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
