"""Lessons (course content) and their quiz questions.

Lessons are reached from the course outline (`courses.admin.outline`): "+ Add item" opens the form of one
lesson type (`?course=…&section=…&kind=…`), which shows only that type's fields (`lesson_forms`); saving,
deleting or "save and add another" lead back to the outline.  Saving goes through `courses.services`
(`content_create` / `content_update`, which lock the course and check that it may be edited), deleting
through `courses.services.content_delete`.  A quiz's questions are edited on the quiz's page, even
while the quiz is being created, with the correct options ticked.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from courseworx.core.admin import PrivateFileAdminMixin
from courseworx.core.forms import service_error_text
from courseworx.core.utils import parse_uuid

from .. import permissions, services
from ..models import (
    Course,
    CourseContent,
    CourseSection,
    QuizQuestion,
)
from ._common import _is_reviewer, lesson_preview_url, outline_url
from .lesson_forms import LESSON_TYPES, NEW_LESSON_KINDS, LessonForm, QuestionForm, lesson_fieldsets


class QuestionInline(admin.StackedInline):
    model = QuizQuestion
    form = QuestionForm
    extra = 0
    ordering = ("order", "created_at")
    verbose_name = "question"

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.questions.exists() else 1

    def _editable(self, request, obj) -> bool:
        if obj is None:  # a new quiz: its course was checked by the lesson form
            return request.user.has_perm("courses.add_quizquestion")
        return permissions.can_edit_course(request.user, obj.course)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request, obj)
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)


@admin.register(CourseContent)
class CourseContentAdmin(PrivateFileAdminMixin, admin.ModelAdmin):
    form = LessonForm
    change_form_template = "admin/courses/coursecontent/change_form.html"
    list_display = ("title", "course", "section", "kind", "order", "is_published", "is_preview")
    list_select_related = ("course", "section")
    list_filter = ("kind", "is_published", "is_preview")
    search_fields = ("title", "course__title")
    readonly_fields = ("file_details",)

    # -- which lesson type --

    def _requested_kind(self, request) -> str:
        kind = request.GET.get("kind") or request.POST.get("kind") or ""
        return kind if kind in NEW_LESSON_KINDS else ""

    def _kind(self, request, obj) -> str:
        return obj.kind if obj is not None else self._requested_kind(request)

    def get_fieldsets(self, request, obj=None):
        fieldsets = lesson_fieldsets(self._kind(request, obj), adding=obj is None)
        readonly = self._private_readonly(request, obj)
        return [(title, {**opts, "fields": self._swap_private(opts["fields"], readonly)}) for title, opts in fieldsets]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        fixed = {"fixed_kind": self._kind(request, obj), "kept_upload_user": request.user}
        return type(form.__name__, (form,), fixed)

    def get_inlines(self, request, obj):
        return [QuestionInline] if self._kind(request, obj) == CourseContent.Kind.QUIZ else []

    @admin.display(description="Stored file")
    def file_details(self, obj) -> str:
        if not obj or not obj.file:
            return "-"
        size = f" · {filesizeformat(obj.file_size)}" if obj.file_size else ""
        return f"{obj.file_type or 'file'}{size}"

    # -- visibility and permissions --

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
        return [*fields, "course", "kind"] if obj is not None else fields

    def private_file_link(self, obj, field_name):
        return reverse("learning:lesson_file", args=[obj.course.slug, obj.pk])  # checks who may open it

    def _editable_courses(self, request):
        courses = Course.objects.editable_by(request.user)
        if not request.user.is_superuser:
            courses = courses.filter(status__in=permissions.EDITABLE_STATUSES)
        return courses

    def _requested_course(self, request) -> Course | None:
        course_id = parse_uuid(request.GET.get("course"))
        return self._editable_courses(request).filter(pk=course_id).first() if course_id else None

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("kind", None)
        course = self._requested_course(request)
        if course is None:
            initial.pop("course", None)
            initial.pop("section", None)
            return initial
        initial["course"] = course.pk
        section_id = parse_uuid(request.GET.get("section"))
        section = course.sections.filter(pk=section_id).first() if section_id else None
        section = section or course.sections.order_by("-order").first()
        if section is not None:
            initial["section"] = section.pk
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course":
            kwargs["queryset"] = self._editable_courses(request)
        elif db_field.name == "section":
            sections = CourseSection.objects.select_related("course").filter(
                course__in=self._editable_courses(request).values("pk")
            )
            kwargs["queryset"] = sections.order_by("course__title", "order")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("course", "section") and field is not None:
            # Plain selects: courses and sections are edited on the outline, not from a lesson's pop-ups.
            for flag in ("can_add_related", "can_change_related", "can_view_related", "can_delete_related"):
                setattr(field.widget, flag, False)
        return field

    # -- the type picker (adding without a type) --

    def add_view(self, request, form_url="", extra_context=None):
        if self._requested_kind(request) or IS_POPUP_VAR in request.GET:
            return super().add_view(request, form_url, extra_context)
        if not self.has_add_permission(request):
            raise PermissionDenied
        course = self._requested_course(request)
        params = {k: request.GET[k] for k in ("course", "section") if request.GET.get(k)}
        choices = [
            {"type": t, "url": f"{reverse('admin:courses_coursecontent_add')}?{urlencode({**params, 'kind': t.kind})}"}
            for t in LESSON_TYPES
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "What would you like to add?",
            "course": course,
            "choices": choices,
            "outline_url": outline_url(course) if course else "",
        }
        return TemplateResponse(request, "admin/courses/outline/lesson_picker.html", context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        course = obj.course if obj is not None else self._requested_course(request)
        kind = self._kind(request, obj)
        extra_context = {
            **(extra_context or {}),
            "course": course,
            "outline_url": outline_url(course) if course else "",
            "lesson_kind_label": CourseContent.Kind(kind).label if kind else "",
            "lesson_preview_url": lesson_preview_url(obj) if obj is not None else "",
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    # -- saving through the services, then back to the outline --

    def save_model(self, request, obj, form, change):
        data = form.service_data()
        if change:
            services.content_update(content=obj, user=request.user, data=data)
        else:
            section = data.pop("section")
            created = services.content_create(section=section, user=request.user, kind=obj.kind, **data)
            obj.__dict__.update(created.__dict__)  # the admin goes on with the saved row (inlines, log)
        form.kept_uploads_discard()

    def save_formset(self, request, form, formset, change):
        if formset.model is not QuizQuestion:
            return super().save_formset(request, form, formset, change)
        # New questions go after the others (the order is not typed: questions keep their place).
        questions = formset.save(commit=False)
        last = QuizQuestion.objects.filter(content=form.instance).aggregate(n=Max("order"))["n"]
        following = 0 if last is None else last + 1
        for question in formset.deleted_objects:
            question.delete()
        for question in questions:
            if question._state.adding:
                question.order, following = following, following + 1
            question.save()
        formset.save_m2m()
        return None

    def _back_to_outline(self, request, obj) -> HttpResponseRedirect | None:
        if IS_POPUP_VAR in request.POST or "_continue" in request.POST:
            return None
        if "_addanother" in request.POST:
            query = urlencode({"course": obj.course_id, "section": obj.section_id})
            return HttpResponseRedirect(f"{reverse('admin:courses_coursecontent_add')}?{query}")
        return HttpResponseRedirect(f"{outline_url(obj.course)}#item-{obj.pk}")

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._back_to_outline(request, obj) or response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self._back_to_outline(request, obj) or response

    # -- deleting through the outline service --

    def delete_model(self, request, obj):
        services.content_delete(content=obj, user=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        request._cw_deleted_course = obj.course if obj is not None else None
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:  # refused by the service (a lock taken meanwhile is a 403, as usual)
            self.message_user(request, service_error_text(exc), messages.ERROR)
            return HttpResponseRedirect(outline_url(obj.course) if obj is not None else reverse("admin:index"))

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        course = getattr(request, "_cw_deleted_course", None)
        if course is None or IS_POPUP_VAR in request.POST:
            return response
        return HttpResponseRedirect(outline_url(course))
