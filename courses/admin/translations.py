"""The course's "Translations" pages (`CourseAdmin` mixes this in): the languages, then one page per
language listing every translatable field beside its original, so that an instructor translates the
whole course at once.  Writes go through `services.translation_save` (which also decides when they are
allowed: a draft directly, a live course through a revision)."""

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from courseworx.core.forms import service_error_text

from .. import permissions, services
from ..models import Course, CourseLanguage, Translation
from ..translations import TARGET_KEYS, course_translation_groups, language_name, translation_languages


def _values_from_post(post, groups) -> dict[str, Any]:
    """The form's fields (`<target>-<id>-<field>`) as `translation_save`'s values (every field shown)."""
    values: dict[str, Any] = {}
    for group in groups:
        key = TARGET_KEYS[Translation.Target(group.target)]
        for item in group.fields:
            if item.name not in post:
                continue
            text = post.get(item.name, "")
            if group.target == Translation.Target.COURSE:
                values.setdefault(key, {})[item.field] = text
            else:
                values.setdefault(key, {}).setdefault(str(item.target_id), {})[item.field] = text
    return values


def _errors_by_name(exc: ValidationError, groups) -> tuple[dict[str, list[str]], list[str]]:
    """The service's errors ("lessons.<id>.title") on the form's fields, the rest for the page's top."""
    by_path = {}
    for group in groups:
        key = TARGET_KEYS[Translation.Target(group.target)]
        for item in group.fields:
            where = key if group.target == Translation.Target.COURSE else f"{key}.{item.target_id}"
            by_path[f"{where}.{item.field}"] = item.name
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if hasattr(exc, "error_dict"):
        for where, errors in exc.message_dict.items():
            if where in by_path:
                fields.setdefault(by_path[where], []).extend(errors)
            else:
                general.extend(errors)
    else:
        general.extend(exc.messages)
    return fields, general


class CourseTranslationAdminMixin:
    """URLs and views of a course's translation pages, for `CourseAdmin`."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/translations/<str:language>/",
                self.admin_site.admin_view(self.translation_edit_view),
                name="courses_course_translation",
            ),
            path(
                "<path:object_id>/translations/",
                self.admin_site.admin_view(self.translation_index_view),
                name="courses_course_translations",
            ),
            *super().get_urls(),
        ]

    def _translation_course(self, request, object_id) -> Course:
        course = self.get_object(request, unquote(object_id))
        if course is None:  # another instructor's course is not even found
            raise Http404(_("No such course."))
        if not permissions.is_course_staff(request.user, course):  # reviewers, co-workers: no
            raise PermissionDenied
        return course

    def _translation_context(self, request, course, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": course,
            "title": title,
            "change_url": reverse("admin:courses_course_change", args=[course.pk]),
            "languages": translation_languages(course),
            "editable": permissions.can_edit_course(request.user, course) and course.status != Course.Status.PUBLISHED,
            "open_revision_url": None,
        }

    def translation_index_view(self, request, object_id):
        course = self._translation_course(request, object_id)
        counts: dict[str, int] = {}
        for language in Translation.objects.filter(course=course).values_list("language", flat=True):
            counts[language] = counts.get(language, 0) + 1
        offered = set(CourseLanguage.objects.filter(course=course).values_list("language", flat=True))
        context = self._translation_context(request, course, f"Translations of “{course}”")
        context["rows"] = [
            {"code": code, "name": name, "count": counts.get(code, 0), "offered": code in offered}
            for code, name in context["languages"]
        ]
        return TemplateResponse(request, "admin/courses/course/translations.html", context)

    def translation_edit_view(self, request, object_id, language: str):
        course = self._translation_course(request, object_id)
        if language not in dict(translation_languages(course)):
            raise Http404(_("This course cannot be translated into that language."))
        groups = course_translation_groups(course=course, language=language)
        field_errors: dict[str, list[str]] = {}
        general: list[str] = []
        if request.method == "POST":
            try:
                changed = services.translation_save(
                    course=course, language=language, values=_values_from_post(request.POST, groups), user=request.user
                )
            except PermissionDenied as exc:
                self.message_user(request, service_error_text(exc), messages.ERROR)
                return HttpResponseRedirect(request.path)
            except ValidationError as exc:
                field_errors, general = _errors_by_name(exc, groups)
                for group in groups:  # show what was typed
                    for item in group.fields:
                        item.text = request.POST.get(item.name, item.text)
            else:
                name = language_name(language)
                text = f"{changed} field(s) of the {name} translation saved." if changed else "Nothing changed."
                self.message_user(request, text, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        for group in groups:
            for item in group.fields:
                item.errors = field_errors.get(item.name, [])
        context = self._translation_context(request, course, f"{language_name(language)} translation of “{course}”")
        total = sum(len(g.fields) for g in groups)
        done = sum(1 for g in groups for f in g.fields if f.text)
        context |= {
            "language": language,
            "language_name": language_name(language),
            "groups": groups,
            "general_errors": general,
            "total": total,
            "done": done,
            "index_url": reverse("admin:courses_course_translations", args=[course.pk]),
        }
        if course.status == Course.Status.PUBLISHED:
            revision = Course.objects.filter(revision_of=course).first()
            context["open_revision_url"] = (
                reverse("admin:courses_course_translation", args=[revision.pk, language]) if revision else None
            )
            context["can_start_revision"] = permissions.can_start_revision(request.user, course)
        return TemplateResponse(request, "admin/courses/course/translation_form.html", context)
