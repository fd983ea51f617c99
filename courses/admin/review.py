"""The review queue, approval requests and versions (reviewers decide here)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from courseworx.core.admin import ReadOnlyAdmin
from courseworx.core.forms import add_service_errors
from courseworx.core.forms import service_error_text as _error_text

from .. import permissions, selectors, services
from ..models import (
    Course,
    CourseApprovalRequest,
    CourseReviewQueue,
    CourseVersion,
)
from ._common import _is_reviewer, preview_url
from ._diff import diff_rows


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and publish"), ("request_changes", "Request changes")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Shown to the instructor.  Required when requesting changes."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "request_changes" and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Explain what needs to change.")
        return cleaned


@admin.register(CourseReviewQueue)
class CourseReviewQueueAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "instructor", "submitted_at", "lesson_count", "review_link")
    list_select_related = ("instructor", "revision_of")
    list_display_links = None
    search_fields = ("title", "instructor__email", "instructor__last_name")

    @staticmethod
    def _submitted():
        """When the course's pending review request was made."""
        return Subquery(
            CourseApprovalRequest.objects.filter(
                course=OuterRef("pk"), decision=CourseApprovalRequest.Decision.PENDING
            ).values("created_at")[:1]
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=Course.Status.IN_REVIEW)
            .select_related("instructor", "revision_of")
            .annotate(submitted=self._submitted(), lesson_total=Count("contents"))
        )

    def get_ordering(self, request):
        # Oldest submission first.  An expression, not the "submitted" annotation: the admin orders the
        # queryset before get_queryset annotates it, and the changelist would otherwise use the model's
        # newest-first ordering.
        return [self._submitted().asc(), "created_at"]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Courses awaiting review", **(extra_context or {})})

    @admin.display(description="What")
    def kind(self, obj) -> str:
        return "Revision of a live course" if obj.revision_of_id else "New course"

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
            Course.objects.select_related("instructor", "category", "revision_of").annotate(
                lesson_total=Count("contents")
            ),
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
                    if course.is_revision:
                        self.message_user(
                            request,
                            f"The revision is applied: “{version.course}” is updated (version {version.number}).",
                        )
                    else:
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

        comparison = selectors.course_review_comparison(course=course)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review “{course}”",
            "course": course,
            "pending": course.approval_requests.filter(decision=CourseApprovalRequest.Decision.PENDING)
            .select_related("submitted_by")
            .first(),
            "previous": selectors.course_latest_decision(course),
            "comparison": comparison,
            "snapshot": comparison.current,
            "diff": comparison.diff,
            "diff_rows": diff_rows(comparison.diff, old=comparison.baseline, new=comparison.current),
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
        current = selectors.course_snapshot(course=course)
        diff = selectors.course_version_diff(old=current, new=version.snapshot)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Restore version {version.number} of “{course}”",
            "version": version,
            "course": course,
            "diff": diff,
            "diff_rows": diff_rows(diff, old=current, new=version.snapshot),
        }
        return TemplateResponse(request, "admin/courses/courseversion/restore.html", context)
