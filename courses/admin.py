"""Authoring and review in the Django admin.

Instructors see and edit only the courses they own or co-author (and only while the course is a
draft or has changes requested); reviewers see every course read-only and decide from the review
queue.  Status changes go through `courses.services`; forms validate through the models' clean().
"""

import contextlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, FileField, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html, format_html_join

from accounts.models import User
from courseworx.core.admin import PrivateFileAdminMixin, ReadOnlyAdmin
from courseworx.core.forms import add_service_errors
from courseworx.core.forms import service_error_text as _error_text
from courseworx.core.utils import parse_uuid

from . import permissions, previews, selectors, services
from .models import (
    Category,
    CertificateTemplate,
    Course,
    CourseApprovalRequest,
    CourseContent,
    CourseReviewQueue,
    CourseSection,
    CourseVersion,
    InstructorCollaborator,
    QuizQuestion,
    Tag,
)


def _is_reviewer(request: HttpRequest) -> bool:
    return permissions.can_review_courses(request.user)


def _authored_courses(request: HttpRequest):
    """Courses the admin shows to this user: everything for reviewers/superusers, else their own."""
    if _is_reviewer(request):
        return Course.objects.all()
    return Course.objects.editable_by(request.user)


def preview_url(course: Course) -> str:
    """The link "Preview as a student": the player in preview mode (`courses.previews`)."""
    return previews.course_preview_url(course)


# --- catalog lookups ----------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "order")
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    """Instructors: their own templates (and site templates, read-only); editable while no course in review,
    published or archived uses them (courses.permissions).  Reviewers: all, read-only.  Saving goes through
    `services.certificate_template_save` (checks on the stored row, under lock); validation is the model's."""

    list_display = ("name", "owner", "orientation", "is_default", "used_by")
    list_select_related = ("owner",)
    search_fields = ("name",)
    readonly_fields = ("owner", "lock_status")
    actions = ["make_copy"]
    fieldsets = (
        (None, {"fields": ("name", "owner", "lock_status", "orientation", "is_default")}),
        (
            "Layout",
            {
                "fields": ("html", "css"),
                # Shown as HTML by the admin: escaped.
                "description": escape(
                    "Allowed: text placeholders such as {{ student_name }}, {% if %}…{% endif %}, common "
                    "HTML tags and CSS properties; images from /static/ or this template's own images "
                    "({{ background_image }}, {{ signature_image }}). Not allowed: scripts, <link>, <style>, "
                    "<iframe>/<object>/<embed>, @import, @font-face, and URLs to other files or sites."
                ),
            },
        ),
        (
            "Images and signature",
            {"fields": ("background_image", "signature_image", "signature_name", "signature_title")},
        ),
    )

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                course_total=Count("courses", distinct=True),
                locked_total=Count(
                    "courses", filter=Q(courses__status__in=CertificateTemplate.LOCKING_STATUSES), distinct=True
                ),
            )
        )
        if request.user.is_superuser or _is_reviewer(request):
            return qs
        return qs.filter(CertificateTemplate.pickable_by(request.user))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj) or _is_reviewer(request)
        if obj is None or not allowed:
            return allowed
        return permissions.can_view_certificate_template(request.user, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.can_edit_certificate_template(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.can_edit_certificate_template(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_default")  # which template courses without one use: a site decision
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)  # per-object checks: delete from the template's page
        if not permissions.can_create_certificate_template(request.user):
            actions.pop("make_copy", None)
        return actions

    def save_model(self, request, obj, form, change):
        services.certificate_template_save(template=obj, user=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        template = self.get_object(request, unquote(object_id))
        if template is not None and request.method == "GET":
            reason = permissions.certificate_template_lock_reason(request.user, template)
            if reason and permissions.can_view_certificate_template(request.user, template):
                messages.warning(request, reason)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Used by")
    def used_by(self, obj):
        total = getattr(obj, "course_total", 0)
        if not total:
            return "—"
        locked = getattr(obj, "locked_total", 0)
        label = f"{total} course{'s' if total != 1 else ''}"
        return f"{label} ({locked} in review/published: locked)" if locked else label

    @admin.display(description="Status")
    def lock_status(self, obj):
        if obj is None or obj.pk is None:
            return "New template"
        courses = list(obj.courses.order_by("title").values_list("title", "status"))
        status = dict(Course.Status.choices)
        used = format_html_join(", ", "“{}” ({})", ((title, status[s].lower()) for title, s in courses))
        if obj.is_locked():
            return format_html("Locked: used by {}. Changes go through the course's review.", used)
        return format_html("Editable; used by {}.", used) if courses else "Editable; not used by any course yet."

    @admin.action(description="Make an editable copy")
    def make_copy(self, request, queryset):
        made = 0
        for template in queryset:
            try:
                services.certificate_template_copy(template=template, user=request.user)
                made += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{template}: {_error_text(exc)}", messages.ERROR)
        if made:
            self.message_user(request, f"{made} editable cop{'ies' if made != 1 else 'y'} made.", messages.SUCCESS)


# --- course structure inlines --------------------------------------------------------------------


class CourseInlinePermissions:
    """Inline rows follow their course: editable by whoever may edit the course."""

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and permissions.can_edit_course(request.user, obj)
            and super().has_add_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request, obj)
        return permissions.can_edit_course(request.user, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request, obj)
        return permissions.can_edit_course(request.user, obj) and super().has_change_permission(request, obj)


class SectionInline(CourseInlinePermissions, admin.TabularInline):
    model = CourseSection
    fields = ("order", "title", "description", "is_published")
    extra = 0
    ordering = ("order",)

    def has_add_permission(self, request, obj=None):
        # Sections may be created together with a new course.
        if obj is None:
            return request.user.has_perm("courses.add_coursesection")
        return super().has_add_permission(request, obj)

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "description":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 1, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class LessonInline(CourseInlinePermissions, admin.TabularInline):
    """Lessons at a glance (section, order, flags).  Content is edited on the lesson's own page."""

    model = CourseContent
    fields = ("section", "order", "title", "kind", "is_published", "is_required", "is_preview")
    readonly_fields = ("kind",)
    extra = 0
    show_change_link = True
    ordering = ("section__order", "order")

    def has_add_permission(self, request, obj=None):
        return False  # a lesson needs its text, file or video: see "Add a lesson"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "section" in formset.form.base_fields:
            # Only this course's sections.  The select's choices are evaluated once per formset.
            formset.form.base_fields["section"].queryset = obj.sections.order_by("order")
        return formset


class CollaboratorInline(admin.TabularInline):
    model = InstructorCollaborator
    fields = ("user", "role")
    extra = 0
    verbose_name = "co-author"

    def _owner(self, request, obj) -> bool:
        return obj is not None and (request.user.is_superuser or obj.instructor_id == request.user.pk)

    def has_add_permission(self, request, obj=None):
        return self._owner(request, obj) and permissions.can_edit_course(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=User.Role.INSTRUCTOR, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- courses -------------------------------------------------------------------------------------


class CourseAdminForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "prerequisites" in self.fields:
            published = Course.objects.published()
            if self.instance.pk:
                # Keep already chosen prerequisites valid even if they are no longer published.
                chosen = self.instance.prerequisites.values("pk")
                published = (published | Course.objects.filter(pk__in=chosen)).exclude(pk=self.instance.pk)
            self.fields["prerequisites"].queryset = published.order_by("title")
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Leave empty to make one from the title."

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.fields and not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = services.course_slug_generate(title=cleaned["title"], exclude_pk=self.instance.pk)
            self.instance.slug = cleaned["slug"]
        return cleaned

    def _post_clean(self):
        # After the model's own validation (every ModelForm's), the course services' checks on the same
        # data, so that what the save would refuse is shown as form errors (never a failed save).
        super()._post_clean()
        if self.errors or self.user is None:
            return
        try:
            services.course_check(
                user=self.user, data=self.service_data(), course=None if self._adding else self.instance
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(self, exc)

    user = None  # the admin sets the request's user (CourseAdmin.get_form)

    @property
    def _adding(self) -> bool:
        return self.instance._state.adding

    def service_data(self) -> dict:
        """What the course services take: every field for a new course, the changed ones otherwise.

        File fields follow ModelForm's rules: None is "no new upload" (left out), False is "cleared".
        """
        data = {}
        for name, value in self.cleaned_data.items():
            if name not in self.fields or not (self._adding or name in self.changed_data):
                continue
            if isinstance(Course._meta.get_field(name), FileField):
                if value is None:
                    continue
                value = value or ""
            data[name] = value
        return data


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseAdminForm
    list_display = ("title", "instructor", "status", "level", "category", "price", "is_featured", "lesson_count",
                    "updated_at")  # fmt: skip
    list_select_related = ("instructor", "category")
    list_filter = ("status", "level", "category", "is_featured")
    search_fields = ("title", "slug", "instructor__email", "instructor__last_name")
    date_hierarchy = "created_at"
    filter_horizontal = ("tags", "prerequisites")
    readonly_fields = ("status", "published_at", "preview_link", "rating", "rating_count", "enrollment_count")
    actions = ["submit_for_review"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "instructor", "status", "published_at", "preview_link")}),
        (
            "Description",
            {
                "fields": (
                    "short_description",
                    "description",
                    "thumbnail",
                    "requirements",
                    "learning_outcomes",
                    "curriculum_summary",
                )
            },
        ),  # fmt: skip
        (
            "Catalog",
            {
                "fields": (
                    "category",
                    "tags",
                    "level",
                    "language",
                    "is_featured",
                    "prerequisites",
                    "certificate_template",
                )
            },
        ),  # fmt: skip
        (
            "Price and schedule",
            {"fields": ("price", "currency", "duration_minutes", "max_students", "start_date", "end_date")},
        ),  # fmt: skip
        ("Numbers", {"classes": ("collapse",), "fields": ("rating", "rating_count", "enrollment_count")}),
    )

    # -- visibility and permissions --

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("instructor", "category")
        qs = qs.annotate(lesson_total=Count("contents"))
        if _is_reviewer(request):
            return qs
        return qs.filter(pk__in=Course.objects.editable_by(request.user).values("pk"))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return _is_reviewer(request) or permissions.user_teaches_course(request.user, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.can_edit_course(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.can_delete_course(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["instructor", "is_featured"]  # staff decisions
        return fields

    def get_inlines(self, request, obj):
        if obj is None:
            return [SectionInline]
        return [SectionInline, LessonInline, CollaboratorInline]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("courses.submit_course"):
            actions.pop("submit_for_review", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "certificate_template" and not request.user.is_superuser:
            kwargs["queryset"] = CertificateTemplate.objects.filter(CertificateTemplate.pickable_by(request.user))
        if db_field.name == "instructor":
            kwargs["queryset"] = User.objects.filter(role__in=[User.Role.INSTRUCTOR, User.Role.ADMIN])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    # Saving goes through courses.services (the form ran course_check, so refusals are form errors).

    def save_model(self, request, obj, form, change):
        data = form.service_data()
        if change:
            services.course_update(course=obj, user=request.user, data=data)
            return
        instructor = data.pop("instructor", None) if request.user.is_superuser else None
        course = services.course_create(instructor=instructor or request.user, **data)
        obj.__dict__.update(course.__dict__)  # the admin goes on with the saved row (inlines, log, redirect)

    def save_related(self, request, form, formsets, change):
        # Tags and prerequisites were set by the service: only the inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # -- list and detail helpers --

    @admin.display(description="Lessons", ordering="lesson_total")
    def lesson_count(self, obj) -> int:
        return obj.lesson_total

    @admin.display(description="Preview")
    def preview_link(self, obj) -> str:
        if not obj or not obj.pk:
            return "-"
        return format_html('<a href="{}" target="_blank" rel="noopener">Preview as a student</a>', preview_url(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        course = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if course is not None:
            extra_context |= {
                "can_submit": permissions.can_submit_course(request.user, course),
                "can_decide": permissions.can_decide_course(request.user, course),
                "preview_url": preview_url(course),
                "add_lesson_url": f"{reverse('admin:courses_coursecontent_add')}?course={course.pk}",
                "can_add_lesson": permissions.can_edit_course(request.user, course),
                "versions_url": f"{reverse('admin:courses_courseversion_changelist')}?course__id__exact={course.pk}",
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # -- submit for review --

    def get_urls(self):
        return [
            path(
                "<path:object_id>/submit/",
                self.admin_site.admin_view(self.submit_view),
                name="courses_course_submit",
            ),
            *super().get_urls(),
        ]

    def submit_view(self, request, object_id):
        course = self.get_object(request, unquote(object_id))
        if course is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not permissions.user_teaches_course(request.user, course):
            raise PermissionDenied
        change_url = reverse("admin:courses_course_change", args=[course.pk])
        if request.method == "POST":
            try:
                services.course_submit(course=course, user=request.user, note=request.POST.get("note", "").strip())
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, _error_text(exc), messages.ERROR)
            else:
                self.message_user(request, f"“{course}” was submitted for review.", messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": course,
            "title": f"Submit “{course}” for review",
            "change_url": change_url,
            "can_submit": permissions.can_submit_course(request.user, course),
        }
        return TemplateResponse(request, "admin/courses/course/submit.html", context)

    @admin.action(description="Submit the selected courses for review")
    def submit_for_review(self, request, queryset):
        for course in queryset:
            try:
                services.course_submit(course=course, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"“{course}”: {_error_text(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"“{course}” was submitted for review.", messages.SUCCESS)


# --- lessons and questions -----------------------------------------------------------------------


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


# --- review queue, requests, versions ------------------------------------------------------------


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and publish"), ("request_changes", "Request changes")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="Shown to the instructor.  Required when requesting changes.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "request_changes" and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Explain what needs to change.")
        return cleaned


@admin.register(CourseReviewQueue)
class CourseReviewQueueAdmin(ReadOnlyAdmin):
    list_display = ("title", "instructor", "submitted_at", "lesson_count", "review_link")
    list_select_related = ("instructor",)
    list_display_links = None
    search_fields = ("title", "instructor__email", "instructor__last_name")

    def get_queryset(self, request):
        pending = CourseApprovalRequest.objects.filter(
            course=OuterRef("pk"), decision=CourseApprovalRequest.Decision.PENDING
        ).values("created_at")[:1]
        return (
            super()
            .get_queryset(request)
            .filter(status=Course.Status.IN_REVIEW)
            .select_related("instructor")
            .annotate(submitted=Subquery(pending), lesson_total=Count("contents"))
            .order_by("submitted", "created_at")
        )

    def has_module_permission(self, request):
        return _is_reviewer(request)

    def has_view_permission(self, request, obj=None):
        return _is_reviewer(request)

    @admin.display(description="Submitted", ordering="submitted")
    def submitted_at(self, obj):
        return obj.submitted

    @admin.display(description="Lessons", ordering="lesson_total")
    def lesson_count(self, obj) -> int:
        return obj.lesson_total

    @admin.display(description="")
    def review_link(self, obj) -> str:
        return format_html('<a class="button" href="{}">Review</a>', reverse("admin:courses_review", args=[obj.pk]))

    def get_urls(self):
        return [
            path("<uuid:course_id>/review/", self.admin_site.admin_view(self.review_view), name="courses_review"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:courses_review", args=[unquote(object_id)]))

    def review_view(self, request, course_id):
        if not _is_reviewer(request):
            raise PermissionDenied
        course = get_object_or_404(
            Course.objects.select_related("instructor", "category").annotate(lesson_total=Count("contents")),
            pk=course_id,
        )
        queue_url = reverse("admin:courses_coursereviewqueue_changelist")
        can_decide = permissions.can_decide_course(request.user, course)
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and can_decide and form.is_valid():
            note = form.cleaned_data["note"].strip()
            try:
                if form.cleaned_data["decision"] == "approve":
                    version = services.course_approve(course=course, reviewer=request.user, note=note)
                    self.message_user(request, f"“{course}” is published (version {version.number}).")
                else:
                    services.course_request_changes(course=course, reviewer=request.user, note=note)
                    self.message_user(request, f"Changes were requested for “{course}”.")
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                self.message_user(request, _error_text(exc), messages.ERROR)
            else:
                return HttpResponseRedirect(queue_url)

        last_version = course.versions.order_by("-number").first()
        current = services.course_snapshot(course=course)
        diff = services.course_version_diff(old=last_version.snapshot if last_version else {}, new=current)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review “{course}”",
            "course": course,
            "pending": course.approval_requests.filter(decision=CourseApprovalRequest.Decision.PENDING)
            .select_related("submitted_by")
            .first(),
            "last_version": last_version,
            "snapshot": current,
            "diff": diff,
            "form": form,
            "can_decide": can_decide,
            "is_author": permissions.user_teaches_course(request.user, course),
            "preview_url": preview_url(course),
            "queue_url": queue_url,
        }
        return TemplateResponse(request, "admin/courses/coursereviewqueue/review.html", context)


class CourseHistoryAdmin(ReadOnlyAdmin):
    """History: nobody adds, changes or deletes rows here (services write them)."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if _is_reviewer(request):
            return qs
        return qs.filter(course__in=Course.objects.editable_by(request.user).values("pk"))


@admin.register(CourseApprovalRequest)
class CourseApprovalRequestAdmin(CourseHistoryAdmin):
    list_display = ("course", "submitted_by", "created_at", "decision", "reviewer", "decided_at")
    list_select_related = ("course", "submitted_by", "reviewer")
    list_filter = ("decision",)
    search_fields = ("course__title",)
    date_hierarchy = "created_at"
    fields = ("course", "submitted_by", "created_at", "submission_note", "decision", "reviewer", "decided_at",
              "review_note", "notified_at")  # fmt: skip


@admin.register(CourseVersion)
class CourseVersionAdmin(CourseHistoryAdmin):
    list_display = ("course", "number", "created_at", "created_by", "approval")
    list_select_related = ("course", "created_by", "approval")
    list_filter = (("course", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("course__title",)
    fields = ("course", "number", "created_at", "created_by", "approval", "structure")
    readonly_fields = fields

    @admin.display(description="Structure")
    def structure(self, obj) -> str:
        def lessons(section) -> str:
            return format_html_join(
                "", "<li>{} <small>({})</small></li>", ((lsn["title"], lsn["kind"]) for lsn in section["lessons"])
            )

        items = format_html_join(
            "", "<li>{}<ol>{}</ol></li>", ((s["title"], lessons(s)) for s in obj.snapshot.get("sections", []))
        )
        return format_html("<ol>{}</ol>", items)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="courses_courseversion_restore",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if version is not None:
            extra_context["can_restore"] = permissions.can_restore_version(request.user, version.course)
        return super().change_view(request, object_id, form_url, extra_context)

    def restore_view(self, request, object_id):
        version = self.get_object(request, unquote(object_id))
        if version is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        course = version.course
        if not permissions.can_restore_version(request.user, course):
            raise PermissionDenied
        if request.method == "POST":
            try:
                services.course_version_restore(version=version, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, _error_text(exc), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:courses_courseversion_change", args=[version.pk]))
            self.message_user(
                request, f"Version {version.number} was restored into “{course}”. Submit it for review when ready."
            )
            return HttpResponseRedirect(reverse("admin:courses_course_change", args=[course.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Restore version {version.number} of “{course}”",
            "version": version,
            "course": course,
            "diff": services.course_version_diff(old=services.course_snapshot(course=course), new=version.snapshot),
        }
        return TemplateResponse(request, "admin/courses/courseversion/restore.html", context)
