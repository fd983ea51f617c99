"""Career paths in the admin (imported at the end of learning/admin.py).

Who authors paths: staff holding the model permissions (superusers; a staff group given "learning | career
path" rights); publishing needs `learning.publish_careerpath` too.  Instructors do not: a path sequences
several instructors' courses under the site's certificate, so it is curated by staff.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet

from courses.models import Course
from courseworx.core.admin import ReadOnlyAdmin
from courseworx.core.forms import service_error_text

from . import services
from .models import CareerPath, PathCourse, UserCareerPath


class PathCourseFormSet(BaseInlineFormSet):
    """Prerequisites are chosen among this path's courses and must come earlier (positions as submitted)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        self._limit_prerequisites(form)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        self._limit_prerequisites(form)
        return form

    def _limit_prerequisites(self, form) -> None:
        field = form.fields.get("prerequisites")
        if field is not None:
            path = self.instance
            field.queryset = (
                PathCourse.objects.filter(path=path).select_related("course").order_by("position")
                if path is not None and path.pk
                else PathCourse.objects.none()
            )

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
        deleted = {
            f.instance.pk for f in self.forms if getattr(f, "cleaned_data", None) and f.cleaned_data.get("DELETE")
        }
        positions = {f.instance.pk: f.cleaned_data.get("position") for f in kept if f.instance.pk}
        for form in kept:
            prerequisites = list(form.cleaned_data.get("prerequisites") or [])
            gone = [p.course.title for p in prerequisites if p.pk in deleted]
            if gone:
                form.add_error("prerequisites", f"“{gone[0]}” is being removed from the path.")
                continue
            if form.cleaned_data.get("position") is None:
                continue
            try:
                services.path_course_prerequisites_check(
                    path_course=form.instance, prerequisites=prerequisites, positions=positions
                )
            except ValidationError as exc:
                form.add_error(None, exc)


class PathCourseInline(admin.TabularInline):
    model = PathCourse
    formset = PathCourseFormSet
    fields = ("position", "course", "is_required", "prerequisites")
    ordering = ("position",)
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course":
            kwargs["queryset"] = Course.objects.without_revisions().order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position" and field is not None:
            field.help_text = "Ordered numbers, e.g. 10, 20, 30 (leave gaps to insert courses later)."
        if db_field.name == "prerequisites" and field is not None:
            field.widget = forms.CheckboxSelectMultiple()
            field.widget.choices = field.choices
        return field


@admin.register(CareerPath)
class CareerPathAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "target_role", "courses", "members", "published_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "slug", "target_role")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("status", "published_at", "created_by")
    fields = ("title", "slug", "summary", "description", "image", "target_role", "estimated_hours",
              "certificate_template", "status", "published_at", "created_by")  # fmt: skip
    inlines = [PathCourseInline]
    actions = ("publish", "unpublish")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_courses=Count("path_courses", distinct=True), n_members=Count("memberships", distinct=True))
        )

    @admin.display(description="Courses", ordering="n_courses")
    def courses(self, obj):
        return obj.n_courses

    @admin.display(description="Members", ordering="n_members")
    def members(self, obj):
        return obj.n_members

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_publish_permission(self, request):
        return request.user.has_perm("learning.publish_careerpath")

    def _apply(self, request, queryset, service, verb: str) -> None:
        done = 0
        for path in queryset:
            try:
                service(path=path, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{path.title}: {service_error_text(exc)}", messages.WARNING)
        if done:
            self.message_user(request, f"{done} career path(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Publish the selected career paths", permissions=["publish"])
    def publish(self, request, queryset):
        self._apply(request, queryset, services.career_path_publish, "published")

    @admin.action(description="Unpublish the selected career paths (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._apply(request, queryset, services.career_path_unpublish, "unpublished")


@admin.register(UserCareerPath)
class UserCareerPathAdmin(ReadOnlyAdmin):
    list_display = ("user", "path", "joined_at", "completed_at", "certificate")
    list_filter = ("path",)
    search_fields = ("user__email", "path__title")
    list_select_related = ("user", "path", "certificate")
    readonly_fields = ("user", "path", "joined_at", "completed_at", "certificate")
