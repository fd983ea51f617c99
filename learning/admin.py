"""Learning in the admin.  Instructors see only the rows of courses they teach; actions call services."""

import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from courses import permissions as course_permissions
from courses.models import Course
from courses.permissions import course_staff_q
from courseworx.core.admin import PrivateFileAdminMixin, ReadOnlyAdmin
from courseworx.core.exceptions import ConflictError
from courseworx.core.forms import add_service_errors, service_error_text
from courseworx.core.utils import parse_uuid

from . import permissions, services
from .models import (
    Assignment,
    AssignmentSubmission,
    Attendance,
    ClassSession,
    CourseStats,
    Enrollment,
    IssuedCertificate,
    LearningStreak,
    LessonCompletion,
    QuizAttempt,
    SavedCourse,
    UserNote,
)


class TaughtCoursesMixin:
    """Limit rows (and course choices) to the courses the user teaches; superusers see everything."""

    course_lookup = "course"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(course_staff_q(request.user, self.course_lookup))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course" and not request.user.is_superuser:
            kwargs["queryset"] = Course.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Enrollment)
class EnrollmentAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    list_display = ("user", "course", "status", "progress_percent", "grade", "source", "enrolled_at", "completed_at")
    list_filter = ("status", "source")
    search_fields = ("user__email", "user__last_name", "course__title")
    list_select_related = ("user", "course")
    raw_id_fields = ("user", "course")
    readonly_fields = ("status", "source", "payment_reference", "enrolled_at", "completed_at", "dropped_at",
                       "required_total", "completed_required", "progress_percent", "last_content",
                       "last_accessed_at", "grade")  # fmt: skip
    fields = ("user", "course", *readonly_fields, "notes")
    actions = ("suspend", "reinstate")
    date_hierarchy = "enrolled_at"

    def has_add_permission(self, request):
        return False  # enrolments are created through learning.services.enrollment_create

    def has_delete_permission(self, request, obj=None):
        return False

    def _transition(self, request, queryset, status: str):
        done = 0
        for enrollment in queryset:
            try:
                services.enrollment_set_status(
                    enrollment=enrollment, actor=request.user, status=status, reason="Changed in the admin"
                )
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{enrollment}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}",
                                  messages.ERROR)  # fmt: skip
        if done:
            self.message_user(request, f"{done} enrolment(s) updated.", messages.SUCCESS)

    @admin.action(description="Suspend the selected enrolments", permissions=["change"])
    def suspend(self, request, queryset):
        self._transition(request, queryset, Enrollment.Status.SUSPENDED)

    @admin.action(description="Reinstate the selected (suspended) enrolments", permissions=["change"])
    def reinstate(self, request, queryset):
        self._transition(request, queryset, Enrollment.Status.ENROLLED)


@admin.register(LessonCompletion)
class LessonCompletionAdmin(TaughtCoursesMixin, ReadOnlyAdmin):
    allow_delete = True
    list_display = ("user", "content", "course", "completed", "completed_at", "time_spent_seconds", "score", "attempts")
    list_filter = ("completed",)
    search_fields = ("user__email", "content__title", "course__title")
    list_select_related = ("user", "content", "course")


@admin.register(QuizAttempt)
class QuizAttemptAdmin(TaughtCoursesMixin, ReadOnlyAdmin):
    """Text answers are graded on the grading page (learning:grading), not here."""

    allow_delete = True
    list_display = ("user", "content", "number", "status", "percent", "passed", "started_at", "submitted_at")
    list_filter = ("status", "passed", "needs_manual_grading")
    search_fields = ("user__email", "content__title")
    list_select_related = ("user", "content")
    readonly_fields = [f.name for f in QuizAttempt._meta.fields]


class AssignmentAdminForm(forms.ModelForm):
    """Runs the authoring check of `services_assignments` in validation: a locked course is a form error."""

    user = None  # set by AssignmentAdmin.get_form

    class Meta:
        model = Assignment
        fields = ("course", "title", "description", "due_at", "points", "is_published", "allow_late")
        labels = {"due_at": "Due", "is_published": "Published (students see it)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 6, "cols": 80})}

    def _post_clean(self):
        super()._post_clean()
        courses = set() if self.instance._state.adding else {self.instance.course}
        if self.cleaned_data.get("course"):
            courses.add(self.cleaned_data["course"])
        for course in courses:
            try:
                services.assignment_check(user=self.user, course=course)
            except PermissionDenied as exc:
                self.add_error("course" if "course" in self.fields else None, service_error_text(exc))
                return


@admin.register(Assignment)
class AssignmentAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    """Assignments are part of their course (its outline and its review lock): saved and deleted through
    `services_assignments`, editable only while the course may be edited, back to the outline after."""

    form = AssignmentAdminForm
    author_home = True  # on instructors' admin home (accounts.admin_site)
    list_display = ("title", "course", "due_at", "points", "is_published", "allow_late")
    list_filter = ("is_published", "allow_late")
    search_fields = ("title", "course__title")
    list_select_related = ("course",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        return ("course",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "course" and field is not None and not request.user.is_superuser:
            # Only the author's courses whose content may be changed now (a draft, or changes requested).
            field.queryset = field.queryset.filter(status__in=course_permissions.EDITABLE_STATUSES)
        return field

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "course" and field is not None:  # a plain select: courses are not edited from here
            for flag in ("can_add_related", "can_change_related", "can_view_related", "can_delete_related"):
                setattr(field.widget, flag, False)
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        course_id = parse_uuid(request.GET.get("course"))
        initial.pop("course", None)
        if course_id and Course.objects.editable_by(request.user).filter(pk=course_id).exists():
            initial["course"] = course_id
        return initial

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or course_permissions.can_edit_course(request.user, obj.course))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or course_permissions.can_edit_course(request.user, obj.course))

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.ASSIGNMENT_FIELDS if name in form.fields}
        if change:
            services.assignment_update(assignment=obj, user=request.user, data=data)
            return
        created = services.assignment_create(course=form.cleaned_data["course"], user=request.user, **data)
        obj.__dict__.update(created.__dict__)

    def delete_model(self, request, obj):
        services.assignment_delete(assignment=obj, user=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        request._cw_outline_course = obj.course if obj is not None else None
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:  # e.g. students handed work in (a permission refusal stays a 403)
            self.message_user(request, service_error_text(exc), messages.ERROR)
            return HttpResponseRedirect(_outline_url(obj.course) if obj is not None else reverse("admin:index"))

    # Back to the course outline after saving or deleting (the course's home for its authors).

    def _back(self, request, course, response):
        if course is None or IS_POPUP_VAR in request.POST or "_continue" in request.POST:
            return response
        if "_addanother" in request.POST:
            return HttpResponseRedirect(f"{reverse('admin:learning_assignment_add')}?course={course.pk}")
        return HttpResponseRedirect(_outline_url(course))

    def response_add(self, request, obj, post_url_continue=None):
        return self._back(request, obj.course, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._back(request, obj.course, super().response_change(request, obj))

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        return self._back(request, getattr(request, "_cw_outline_course", None), response)


def _outline_url(course) -> str:
    return f"{reverse('admin:courses_course_outline', args=[course.pk])}#group-assignments"


class SubmissionGradeForm(forms.ModelForm):
    """Grading in the admin goes through the service: validation runs in clean(), not in save_model."""

    class Meta:
        model = AssignmentSubmission
        fields = ("score", "feedback")

    def clean(self):
        cleaned = super().clean()
        score = cleaned.get("score")
        if score is None:
            raise ValidationError({"score": "Enter a score."})
        if score > self.instance.assignment.points:
            raise ValidationError({"score": f"At most {self.instance.assignment.points} points."})
        return cleaned


@admin.register(AssignmentSubmission)
class AssignmentSubmissionAdmin(PrivateFileAdminMixin, TaughtCoursesMixin, admin.ModelAdmin):
    form = SubmissionGradeForm
    list_display = ("assignment", "user", "status", "submitted_at", "is_late", "score", "graded_at")
    list_filter = ("status", "is_late")
    search_fields = ("user__email", "assignment__title")
    list_select_related = ("assignment", "user")
    readonly_fields = ("assignment", "user", "text", "file", "submitted_at", "revision", "is_late", "status",
                       "graded_by", "graded_at")  # fmt: skip
    fields = (*readonly_fields, "score", "feedback")

    def has_add_permission(self, request):
        return False

    def private_file_link(self, obj, field_name):
        return reverse("learning:submission_file", args=[obj.pk])  # the student and the course's graders

    def save_model(self, request, obj, form, change):
        services.submission_grade(
            submission=obj, grader=request.user, score=form.cleaned_data["score"],
            feedback=form.cleaned_data.get("feedback") or "",
        )  # fmt: skip


class AttendanceAdminForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ("user", "course", "date", "status", "sign_in_at", "sign_out_at", "note")

    def clean(self):
        cleaned = super().clean()
        course, user = cleaned.get("course"), cleaned.get("user")
        if course and user and cleaned.get("status"):
            try:
                services.attendance_check(
                    course=course, user=user, status=cleaned["status"],
                    sign_in_at=cleaned.get("sign_in_at"), sign_out_at=cleaned.get("sign_out_at"),
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(self, exc)
        return cleaned


@admin.register(Attendance)
class AttendanceAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    form = AttendanceAdminForm
    list_display = ("user", "course", "date", "status", "sign_in_at", "sign_out_at", "duration_minutes")
    list_filter = ("status", "date")
    search_fields = ("user__email", "course__title")
    list_select_related = ("user", "course")
    raw_id_fields = ("user",)
    readonly_fields = ("duration_minutes", "recorded_by")

    def save_model(self, request, obj, form, change):
        record = services.attendance_record(
            course=obj.course, user=obj.user, date=obj.date, status=obj.status, recorded_by=request.user,
            sign_in_at=obj.sign_in_at, sign_out_at=obj.sign_out_at, note=obj.note,
        )  # fmt: skip
        obj.pk = record.pk


class ClassSessionAdminForm(forms.ModelForm):
    """Start and end are typed as wall-clock times of the session's own time zone (not the admin user's)."""

    class Meta:
        model = ClassSession
        fields = services.SESSION_FIELDS + ("course",)
        help_texts = {"starts_at": "In the session's time zone.", "ends_at": "In the session's time zone."}

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("timezone")
        if name and "timezone" not in self.errors:
            try:
                tz = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                return cleaned
            current = timezone.get_current_timezone()
            for field in ("starts_at", "ends_at"):
                value = cleaned.get(field)
                if value is not None:
                    cleaned[field] = value.astimezone(current).replace(tzinfo=None).replace(tzinfo=tz)
                    setattr(self.instance, field, cleaned[field])
        stored = ClassSession.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if stored is not None:  # an edit: the service's rules (not after it ended, times fixed once started...)
            changes = {
                name: cleaned[name]
                for name in services.SESSION_FIELDS
                if name in cleaned and getattr(stored, name) != cleaned[name]
            }
            try:
                services.class_session_update_check(session=stored, changes=changes)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise
                raise ValidationError(exc.messages) from None
        return cleaned

    def get_initial_for_field(self, field, field_name):
        value = super().get_initial_for_field(field, field_name)
        if field_name in ("starts_at", "ends_at") and value is not None and self.instance.pk:
            # Shown as the session's wall-clock time, read back the same way by clean().
            local = value.astimezone(self.instance.tz).replace(tzinfo=None)
            return timezone.make_aware(local, timezone.get_current_timezone())
        return value


@admin.register(ClassSession)
class ClassSessionAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    """Trainers schedule sessions of their own courses; saves and deletes go through the services (audited)."""

    form = ClassSessionAdminForm
    list_display = ("__str__", "course", "starts_at", "timezone", "room", "status", "closed_at")
    list_filter = ("status", "starts_at")
    search_fields = ("title", "room", "course__title")
    list_select_related = ("course",)
    readonly_fields = ("closed_at", "reminded_at")
    date_hierarchy = "starts_at"

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name) for name in services.SESSION_FIELDS if name in form.cleaned_data}
        try:
            if change:
                saved = services.class_session_update(actor=request.user, session=obj, **fields)
            else:
                saved = services.class_session_create(actor=request.user, course=obj.course, **fields)
        except PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.class_session_delete(actor=request.user, session=obj)


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


@admin.register(IssuedCertificate)
class IssuedCertificateAdmin(PrivateFileAdminMixin, ReadOnlyAdmin):
    allow_delete = True
    list_display = ("code", "holder_name", "course_title", "issued_at", "status", "revoked_at")
    list_filter = ("status",)
    search_fields = ("code", "holder_name", "user__email", "course_title")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in IssuedCertificate._meta.fields]
    actions = ("revoke",)

    def has_revoke_permission(self, request):
        return permissions.can_revoke_certificate(request.user)

    @admin.action(description="Revoke the selected certificates…", permissions=["revoke"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            done = 0
            for certificate in queryset:
                try:
                    services.certificate_revoke(
                        certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except ConflictError as exc:
                    self.message_user(request, f"{certificate.code}: {exc.message}", messages.WARNING)
            self.message_user(request, f"{done} certificate(s) revoked.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Revoke certificates",
            "queryset": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "learning/admin/revoke_certificates.html", context)


@admin.register(CourseStats)
class CourseStatsAdmin(TaughtCoursesMixin, ReadOnlyAdmin):
    allow_delete = True
    list_display = ("course", "total_enrollments", "active_enrollments", "completed_enrollments",
                    "average_progress", "average_score", "completion_rate", "refreshed_at")  # fmt: skip
    list_select_related = ("course",)
    readonly_fields = [f.name for f in CourseStats._meta.fields]
    actions = ("refresh",)

    @admin.action(description="Refresh the selected statistics now", permissions=["view"])
    def refresh(self, request, queryset):
        n = services.course_stats_refresh(course_ids=list(queryset.values_list("course_id", flat=True)))
        self.message_user(request, f"{n} course(s) refreshed.", messages.SUCCESS)


@admin.register(UserNote)
class UserNoteAdmin(admin.ModelAdmin):
    """Notes are private: superusers may see that they exist (support), not read them in lists."""

    list_display = ("user", "course", "content", "is_private", "updated_at")  # no lesson: a course note
    list_select_related = ("user", "course", "content")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.register(SavedCourse, list_display=("user", "course", "created_at"), list_select_related=("user", "course"))
admin.site.register(LearningStreak, list_display=("user", "current_days", "longest_days", "last_activity_date"))

# Each area's admin module registers its models on import.
from . import (  # noqa: E402, F401
    admin_career_paths,
    admin_credentials,
    admin_exams,
    admin_gamification,
    admin_mentorships,
    admin_recommendations,
)
