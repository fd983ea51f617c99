"""The course page in the admin: the course form, co-authors (and a new course's first sections), submit for review.

Sections and lessons are edited on the course outline (`outline.py`), which the course list links each title to.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, FileField
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courseworx.core.currency import currency_choices
from courseworx.core.forms import add_service_errors
from courseworx.core.forms import service_error_text as _error_text

from .. import permissions, selectors, services
from ..models import (
    CertificateTemplate,
    Course,
    CoursePrice,
    CourseSection,
    InstructorCollaborator,
)
from . import outline
from ._common import _is_reviewer, outline_url, player_preview_url, preview_url
from .revisions import CourseRevisionAdminMixin
from .translations import CourseTranslationAdminMixin


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
    """A new course's first sections (numbered in the order given); afterwards sections live on the outline."""

    model = CourseSection
    fields = ("title", "description", "is_published")
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


class CoursePriceForm(forms.ModelForm):
    class Meta:
        model = CoursePrice
        fields = ("currency", "amount")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = dict(currency_choices())
        if self.instance.currency:
            choices.setdefault(self.instance.currency, self.instance.currency)
        self.fields["currency"] = forms.ChoiceField(
            choices=[("", "---------"), *choices.items()],
            help_text="Visitors who show prices in this currency see and pay this price.",
        )


class CoursePriceInline(CourseInlinePermissions, admin.TabularInline):
    """Explicit prices in other currencies; saved through `services.course_prices_set` (the course's lock
    rules: a published course's prices change through a revision, like its base price)."""

    model = CoursePrice
    form = CoursePriceForm
    extra = 0
    verbose_name = "price in another currency"
    verbose_name_plural = "prices in other currencies"


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
        if "currency" in self.fields:
            # The active currencies (billing's Currency table, through core's registry), plus the current one.
            choices = dict(currency_choices())
            current = self.instance.currency or settings.BILLING_CURRENCY
            choices.setdefault(current, current)
            self.fields["currency"] = forms.ChoiceField(
                choices=list(choices.items()),
                initial=self.instance.currency or settings.BILLING_CURRENCY,
                help_text=_("The ISO code of the price's currency."),
            )
        if "duration_minutes" in self.fields:
            self.fields["duration_minutes"].label = "Duration (minutes)"

    def clean(self):
        cleaned = super().clean()
        primary = cleaned.get("category")
        if "categories" in self.fields and primary is not None and "categories" in cleaned:
            # The primary category is always one of the course's categories (courses.services too).
            chosen = list(cleaned["categories"] or [])
            if primary not in chosen:
                cleaned["categories"] = [*chosen, primary]
        if "slug" in self.fields and not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = selectors.course_slug_generate(title=cleaned["title"], exclude_pk=self.instance.pk)
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


class CourseChangeList(ChangeList):
    """The course list shows courses, not the revisions of live courses (reached from the live course's page)."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).filter(revision_of__isnull=True)


# Decided by staff (superusers, reviewers), never shown to authors (not even read-only).
STAFF_ONLY_FIELDS = ("status", "published_at", "is_featured")


@admin.register(Course)
class CourseAdmin(CourseTranslationAdminMixin, CourseRevisionAdminMixin, admin.ModelAdmin):
    form = CourseAdminForm
    author_home = True  # on instructors' admin home (accounts.admin_site)
    list_display = ("title_link", "instructor", "status", "level", "category", "price", "is_featured", "lesson_count",
                    "updated_at", "details_link")  # fmt: skip
    list_display_links = None
    list_select_related = ("instructor", "category")
    list_filter = ("status", "level", "category", "is_featured")
    search_fields = ("title", "slug", "instructor__email", "instructor__last_name")
    date_hierarchy = "created_at"
    filter_horizontal = ("tags", "prerequisites", "categories")
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
                    "categories",
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
        if obj.is_revision:  # co-authors are the live course's
            return [CoursePriceInline]
        return [CoursePriceInline, CollaboratorInline]  # sections and lessons: on the course outline

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or _is_reviewer(request):
            return fieldsets
        # Authors: no staff decisions (featured, status, publication date), and no owner to pick when adding.
        hidden = set(STAFF_ONLY_FIELDS)
        if obj is None:  # a new course: its author is the user, and it has no page or numbers yet
            hidden |= {"instructor", "preview_link", "rating", "rating_count", "enrollment_count"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
            if [f for f in opts["fields"] if f not in hidden]
        ]

    def get_changelist(self, request, **kwargs):
        return CourseChangeList

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

    def save_formset(self, request, form, formset, change):
        if formset.model is CoursePrice:
            # The admin's change message reads these (the service audits the change itself).
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if not any(f.has_changed() for f in formset.forms) and not formset.deleted_forms:
                return None
            rows = [
                {"currency": f.cleaned_data["currency"], "amount": f.cleaned_data["amount"]}
                for f in formset.forms
                if f.cleaned_data and f.cleaned_data.get("currency") and not f.cleaned_data.get("DELETE")
            ]
            services.course_prices_set(course=form.instance, user=request.user, prices=rows)
            return None
        if formset.model is not CourseSection:
            return super().save_formset(request, form, formset, change)
        for order, section in enumerate(formset.save(commit=False)):  # a new course: its first sections
            section.order = order
            section.save()
        return None

    # -- list and detail helpers --

    @admin.display(description="Lessons", ordering="lesson_total")
    def lesson_count(self, obj) -> int:
        return obj.lesson_total

    def view_on_site(self, obj):
        # Unpublished courses (drafts, revisions) are not on the site: "Preview as a student" is their link.
        return obj.get_absolute_url() if obj.is_published else None

    @admin.display(description="Course", ordering="title")
    def title_link(self, obj) -> str:
        return format_html('<a href="{}">{}</a>', outline_url(obj), obj.title)

    @admin.display(description="Details")
    def details_link(self, obj) -> str:
        return format_html('<a href="{}">Course details</a>', reverse("admin:courses_course_change", args=[obj.pk]))

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if request.user.is_superuser or _is_reviewer(request):
            return shown
        return [f for f in shown if f not in ("instructor", "is_featured", "level", "category")]

    def get_list_filter(self, request):
        if request.user.is_superuser or _is_reviewer(request):
            return super().get_list_filter(request)
        return ("status",)  # authors have a handful of courses

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not (request.user.is_superuser or _is_reviewer(request)):
            changelist.date_hierarchy = None  # authors have a handful of courses: no date drill-down
        return changelist

    def changelist_view(self, request, extra_context=None):
        if not (request.user.is_superuser or _is_reviewer(request)):
            extra_context = {"title": "Your courses", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_continue" in request.POST or "_addanother" in request.POST or IS_POPUP_VAR in request.POST:
            return response
        return HttpResponseRedirect(outline_url(obj))  # a new course goes on in its outline

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
                "player_url": player_preview_url(course),
                "outline_url": outline_url(course),
                "can_translate": permissions.is_course_staff(request.user, course),
                "versions_url": f"{reverse('admin:courses_courseversion_changelist')}?course__id__exact={course.pk}",
                **self.revision_context(request, course),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # -- submit for review --

    def get_urls(self):
        return [
            *outline.urls(self),
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
        change_url = outline_url(course)  # where the author goes on (the submit page's "back" link too)
        checklist = selectors.course_submit_checklist(course)
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
            "checklist": checklist,
            "ready": all(item.ok for item in checklist),
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
