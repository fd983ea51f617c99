"""Revisions of live courses on the course page: "Start a new revision", links between a live course
and its revision (`CourseAdmin` mixes this in; the work is `services.course_revision_start`)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from courseworx.core.forms import service_error_text

from .. import permissions, selectors, services


class CourseRevisionAdminMixin:
    """URLs, page context and the start page of revisions, for `CourseAdmin`."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revise/",
                self.admin_site.admin_view(self.revision_start_view),
                name="courses_course_revise",
            ),
            *super().get_urls(),
        ]

    def revision_context(self, request, course) -> dict:
        """What the course page shows about revisions (the template's `revision_tools.html`)."""
        if course.is_published:
            return {
                "open_revision": selectors.course_open_revision(course)
                if permissions.user_teaches_course(request.user, course) or request.user.is_superuser
                else None,
                "can_start_revision": permissions.can_start_revision(request.user, course),
            }
        return {}

    def revision_start_view(self, request, object_id):
        course = self.get_object(request, unquote(object_id))
        # Another instructor's course is not even found; a reviewer or student may not revise.
        if course is None:
            raise Http404(_("No such course."))
        if not (permissions.is_course_staff(request.user, course)):
            raise PermissionDenied
        change_url = reverse("admin:courses_course_change", args=[course.pk])
        open_revision = selectors.course_open_revision(course)
        if request.method == "POST":
            try:
                revision = services.course_revision_start(course=course, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, service_error_text(exc), messages.ERROR)
                return HttpResponseRedirect(change_url)
            self.message_user(
                request,
                f"A revision of “{course}” was started. Edit it here and submit it for review; "
                "students keep the published course until it is approved.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:courses_course_change", args=[revision.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": course,
            "title": f"Start a new revision of “{course}”",
            "change_url": change_url,
            "open_revision": open_revision,
            "can_start_revision": permissions.can_start_revision(request.user, course),
        }
        return TemplateResponse(request, "admin/courses/course/revise.html", context)
