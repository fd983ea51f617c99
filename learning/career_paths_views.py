"""Career path pages: the catalog (/paths/), a path (/paths/<slug>/), join, leave and enrolling in a free course
of the path.  Paid courses are bought from their own page (checkout); the path never enrols by itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courseworx.core.forms import service_error_text

from . import career_paths_selectors as sel
from . import selectors, services

PAGE_SIZE = 12


@require_GET
def path_list(request):
    search = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    paths = sel.career_path_list(user=request.user, search=search)
    page = Paginator(paths, PAGE_SIZE).get_page(request.GET.get("page"))
    for path in page.object_list:
        path.hours = sel.path_hours(path)
        path.percent = sel.percent(path.required_done, path.required_count)
    return render(request, "learning/career_paths/list.html", {"page": page, "paths": page.object_list, "q": search})


@require_GET
def path_detail(request, slug: str):
    path = sel.career_path_get(user=request.user, slug=slug)
    progress = sel.career_path_progress(path=path, user=request.user)
    return render(request, "learning/career_paths/detail.html", {
        "path": path, "progress": progress, "is_preview": not path.is_published,
    })  # fmt: skip


@login_required
@require_POST
def path_join(request, slug: str):
    path = sel.career_path_get(user=request.user, slug=slug)
    try:
        membership = services.career_path_join(user=request.user, path=path)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        if membership.is_completed:
            messages.success(request, _("You have already completed every course of “%(title)s”: your certificate is "
                                        "on its way.") % {"title": path.title})  # fmt: skip
        else:
            messages.success(request, _("You joined “%(title)s”. Start with the first course below.") % {
                "title": path.title})  # fmt: skip
    return redirect("learning:career_path", slug=path.slug)


@login_required
@require_POST
def path_leave(request, slug: str):
    path = sel.career_path_get(user=request.user, slug=slug)
    try:
        services.career_path_leave(user=request.user, path=path)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.info(request, _("You left “%(title)s”. Your course enrolments and progress are kept.") % {
            "title": path.title})  # fmt: skip
    return redirect("learning:career_path", slug=path.slug)


@login_required
@require_POST
def path_enrol(request, slug: str, course_id):
    """Enrol in a free course of the path (the course's own enrolment rules, path prerequisites included)."""
    path = sel.career_path_get(user=request.user, slug=slug)
    entry = sel.path_entry_for(path=path, course_id=course_id)
    course = selectors.course_for_learning(slug=entry.course.slug, user=request.user)
    try:
        services.enrollment_create(user=request.user, course=course, source="free")
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
        return redirect("learning:career_path", slug=path.slug)
    messages.success(request, _("You are enrolled in “%(title)s”. Enjoy the course!") % {"title": course.title})
    return redirect("learning:course_home", slug=course.slug)
