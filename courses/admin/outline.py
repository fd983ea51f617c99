"""The course outline in the admin: the first page of a course for its authors.

`admin/courses/course/<id>/outline/` shows the sections and every item of the course in one tree (lessons
of each type, quizzes with their questions, other apps' items such as assignments, see `courses.outline`),
with drag-and-drop and "move up/down" buttons (courses/static/courses/outline.js, SortableJS), "+ Add item"
with a type picker, and section forms.  Its endpoints (registered by `CourseAdmin.get_urls`):

| URL (under the course) | what |
|---|---|
| `outline/` | the page (authors: their courses; reviewers: any course, read-only) |
| `outline/reorder/` | POST JSON `{"sections": [{"id", "items": [...]}, ...]}` -> `services.outline_reorder` |
| `outline/move/` | POST form `target=section|item&id=…&direction=up|down` (the buttons without JavaScript) |
| `outline/sections/add/` | POST `title` -> `services.section_create` |
| `outline/sections/<id>/` | edit a section (title, description, published) -> `services.section_update` |
| `outline/sections/<id>/delete/` | confirm, then `services.section_delete` (empty sections only) |

The reorder endpoint answers JSON: 200, 400 (bad ids), 403 (the course is locked), 404, 409 (the outline
changed since the page was loaded).  Someone else's course (or an unknown id) is a 404 on every one of them,
before anything is read or written.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from courseworx.core.exceptions import ConflictError
from courseworx.core.forms import add_service_errors, service_error_text

from .. import permissions, selectors, services
from ..models import Course, CourseContent, CourseSection
from ..outline import course_outline
from ._common import lesson_preview_url, outline_url, player_preview_url
from .lesson_forms import KIND_ICONS, LESSON_TYPES


def urls(model_admin) -> list:
    """The outline's URL patterns, for `CourseAdmin.get_urls`."""
    site = model_admin.admin_site

    def view(func):
        return site.admin_view(lambda request, object_id, **kw: func(model_admin, request, object_id, **kw))

    return [
        path("<path:object_id>/outline/", view(outline_view), name="courses_course_outline"),
        path("<path:object_id>/outline/reorder/", view(reorder_view), name="courses_course_outline_reorder"),
        path("<path:object_id>/outline/move/", view(move_view), name="courses_course_outline_move"),
        path("<path:object_id>/outline/sections/add/", view(section_add_view), name="courses_course_section_add"),
        path(
            "<path:object_id>/outline/sections/<uuid:section_id>/",
            view(section_edit_view),
            name="courses_course_section_edit",
        ),
        path(
            "<path:object_id>/outline/sections/<uuid:section_id>/delete/",
            view(section_delete_view),
            name="courses_course_section_delete",
        ),
    ]


def _course_or_404(model_admin, request, object_id) -> Course:
    """The course if this user may see it in the admin (authors: theirs; reviewers: all), else 404."""
    course = model_admin.get_object(request, unquote(object_id))
    if course is None or not model_admin.has_view_permission(request, course):
        raise Http404(_("No such course."))
    return course


def _section_or_404(course: Course, section_id) -> CourseSection:
    return get_object_or_404(CourseSection, pk=section_id, course=course)


# --- the page -------------------------------------------------------------------------------------


def _status_note(course: Course, can_edit: bool) -> str:
    """The outline's one-line note on the course's status; empty when the review banner under it (the page's
    `{% course_review_banner %}`) already says it: in review, and changes requested with the reviewer's note."""
    S = Course.Status
    if course.status == S.IN_REVIEW:
        return ""
    if course.status == S.CHANGES_REQUESTED:
        latest = selectors.course_latest_decision(course)
        if latest is not None and latest.decision == latest.Decision.CHANGES_REQUESTED:
            return ""
    if course.status == S.PUBLISHED:
        return "Published: students see this course. To change it, restore its latest version into a draft (Versions)."
    if course.status == S.ARCHIVED:
        return "Archived: this course is read-only."
    if course.status == S.CHANGES_REQUESTED:
        return "Changes requested: edit the course, then submit it for review again."
    return "Draft: only you and your co-authors see it. Submit it for review when it is ready." if can_edit else ""


def _item_facts(item: CourseContent) -> list[str]:
    facts = []
    if item.kind == CourseContent.Kind.QUIZ:
        n = len(item.quiz_questions)
        facts.append(f"{n} question{'' if n == 1 else 's'}")
        facts.append(f"pass mark {item.pass_mark}%")
        if item.time_limit_minutes:
            facts.append(f"{item.time_limit_minutes} min limit")
    elif item.kind == CourseContent.Kind.VIDEO:
        facts.append("link" if item.video_url and not item.file else "file")
    if item.duration_seconds:
        facts.append(f"{round(item.duration_seconds / 60) or 1} min")
    if item.points:
        facts.append(f"{item.points} pt{'' if item.points == 1 else 's'}")
    return facts


def _add_choices(course: Course, section: CourseSection, groups) -> list[dict]:
    base = reverse("admin:courses_coursecontent_add")
    choices = [
        {
            "label": t.label,
            "icon": t.icon,
            "help": t.help,
            "url": f"{base}?{urlencode({'course': course.pk, 'section': section.pk, 'kind': t.kind})}",
        }
        for t in LESSON_TYPES
    ]
    for group in groups:
        if group.add_url:
            choices.append(
                {
                    "label": group.extension.kind_label,
                    "icon": group.extension.icon,
                    "help": group.extension.description,
                    "url": group.add_url,
                }
            )
    return choices


def outline_view(model_admin, request, object_id):
    course = _course_or_404(model_admin, request, object_id)
    can_edit = permissions.can_edit_course(request.user, course)
    # The player opens every lesson to the course's staff only (reviewers' previews: see the player's app).
    can_preview = permissions.is_course_staff(request.user, course)
    outline = course_outline(course=course, user=request.user)
    sections = []
    for section in outline.sections:
        items = [
            {
                "obj": item,
                "icon": KIND_ICONS.get(item.kind, "file-earmark"),
                "facts": _item_facts(item),
                "edit_url": reverse("admin:courses_coursecontent_change", args=[item.pk]),
                "delete_url": reverse("admin:courses_coursecontent_delete", args=[item.pk]),
                "preview_url": lesson_preview_url(item) if can_preview else "",
                "changed": item.pk in outline.changed_ids,
            }
            for item in section.items
        ]
        sections.append(
            {
                "obj": section,
                "items": items,
                "changed": section.pk in outline.changed_ids,
                "add_choices": _add_choices(course, section, outline.groups) if can_edit else [],
                "edit_url": reverse("admin:courses_course_section_edit", args=[course.pk, section.pk]),
                "delete_url": reverse("admin:courses_course_section_delete", args=[course.pk, section.pk]),
            }
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": course,
        "course": course,
        "title": f"Outline of “{course}”",
        "outline": outline,
        "sections": sections,
        "groups": outline.groups,
        "can_edit": can_edit,
        "can_submit": permissions.can_submit_course(request.user, course),
        "can_decide": permissions.can_decide_course(request.user, course),
        "status_note": _status_note(course, can_edit),
        "change_url": reverse("admin:courses_course_change", args=[course.pk]),
        "player_url": player_preview_url(course) if can_preview else "",
        "versions_url": f"{reverse('admin:courses_courseversion_changelist')}?course__id__exact={course.pk}",
        "reorder_url": reverse("admin:courses_course_outline_reorder", args=[course.pk]),
        "move_url": reverse("admin:courses_course_outline_move", args=[course.pk]),
        "section_add_url": reverse("admin:courses_course_section_add", args=[course.pk]),
    }
    return TemplateResponse(request, "admin/courses/outline/outline.html", context)


# --- re-ordering ----------------------------------------------------------------------------------


def _json_error(exc: Exception, status: int) -> JsonResponse:
    code = getattr(exc, "code", None) or ("permission_denied" if isinstance(exc, PermissionDenied) else "invalid")
    return JsonResponse({"ok": False, "code": code, "message": service_error_text(exc)}, status=status)


def reorder_view(model_admin, request, object_id):
    if request.method != "POST":
        return JsonResponse({"ok": False, "code": "method_not_allowed", "message": "POST the order."}, status=405)
    try:
        course = _course_or_404(model_admin, request, object_id)
    except Http404:
        return JsonResponse({"ok": False, "code": "not_found", "message": "No such course."}, status=404)
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"ok": False, "code": "invalid", "message": "Send the order as JSON."}, status=400)
    try:
        services.outline_reorder(course=course, user=request.user, payload=payload)
    except PermissionDenied as exc:
        return _json_error(exc, 403)
    except ConflictError as exc:
        return _json_error(exc, 409)
    except ValidationError as exc:
        return _json_error(exc, 400)
    return JsonResponse({"ok": True, "message": "Saved."})


def _refused(request, exc, course: Course) -> HttpResponseRedirect:
    messages.error(request, service_error_text(exc))
    return HttpResponseRedirect(outline_url(course))


@require_POST
def _move(request, model_admin, object_id):
    course = _course_or_404(model_admin, request, object_id)
    target, target_id = request.POST.get("target", ""), request.POST.get("id", "")
    try:
        services.outline_move(
            course=course, user=request.user, target=target, target_id=target_id,
            direction=request.POST.get("direction", ""),
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, course)
    anchor = "section" if target == "section" else "item"
    return HttpResponseRedirect(f"{outline_url(course)}#{anchor}-{target_id}")


def move_view(model_admin, request, object_id):
    return _move(request, model_admin, object_id)


# --- sections -------------------------------------------------------------------------------------


class SectionForm(forms.ModelForm):
    class Meta:
        model = CourseSection
        fields = ("title", "description", "is_published")
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "cols": 60})}
        labels = {"is_published": "Published (students see it)"}
        help_texts = {"is_published": "A hidden section hides its lessons from students too."}


@require_POST
def _section_add(request, model_admin, object_id):
    course = _course_or_404(model_admin, request, object_id)
    title = request.POST.get("title", "").strip()
    if not title:
        messages.error(request, _("Give the new section a title."))
        return HttpResponseRedirect(f"{outline_url(course)}#add-section")
    try:
        section = services.section_create(course=course, user=request.user, title=title)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, course)
    messages.success(request, _("Section “%(section)s” added. Add its first item below.") % {"section": section})
    return HttpResponseRedirect(f"{outline_url(course)}#section-{section.pk}")


def section_add_view(model_admin, request, object_id):
    return _section_add(request, model_admin, object_id)


def _section_page(request, model_admin, course, section, title, template, **extra) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": course,
        "course": course,
        "section": section,
        "title": title,
        "outline_url": outline_url(course),
        **extra,
    }
    return TemplateResponse(request, template, context)


def section_edit_view(model_admin, request, object_id, section_id):
    course = _course_or_404(model_admin, request, object_id)
    section = _section_or_404(course, section_id)
    can_edit = permissions.can_edit_course(request.user, course)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST":
        if not can_edit:
            return _refused(request, PermissionDenied(_("You may not edit this course.")), course)
        if form.is_valid():
            try:
                services.section_update(
                    section=section, user=request.user, data={f: form.cleaned_data[f] for f in form.changed_data}
                )
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Section “%(section)s” saved.") % {"section": section})
                return HttpResponseRedirect(f"{outline_url(course)}#section-{section.pk}")
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    adminform = helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}, model_admin=model_admin)
    return _section_page(
        request, model_admin, course, section, f"Section “{section}”", "admin/courses/outline/section_form.html",
        form=form, adminform=adminform, can_edit=can_edit,
    )  # fmt: skip


def section_delete_view(model_admin, request, object_id, section_id):
    course = _course_or_404(model_admin, request, object_id)
    section = _section_or_404(course, section_id)
    if not permissions.can_edit_course(request.user, course):
        return _refused(request, PermissionDenied(_("You may not edit this course.")), course)
    lesson_count = section.contents.count()
    if request.method == "POST":
        try:
            services.section_delete(section=section, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            return _refused(request, exc, course)
        messages.success(request, _("Section “%(section)s” deleted.") % {"section": section})
        return HttpResponseRedirect(outline_url(course))
    title = f"The section “{section}” is not empty" if lesson_count else f"Delete the section “{section}”?"
    return _section_page(
        request, model_admin, course, section, title,
        "admin/courses/outline/section_delete.html", lesson_count=lesson_count,
    )  # fmt: skip
