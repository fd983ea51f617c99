"""The course's structure: sections, lessons (contents) and quiz questions; re-ordering.

Every write locks the course row and checks, on its current state, that the user may edit it
(`permissions.can_edit_course`: authors while draft or changes requested; superusers always).
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from accounts.models import User

from .. import permissions
from ..models import Course, CourseContent, CourseSection, QuizQuestion
from ._common import _REORDER_OFFSET, _apply_fields

# Fields callers may not set through the create/update functions.
_STRUCTURE_PROTECTED = {"id", "course", "created_at", "updated_at", "file_size", "file_type", "article_html"}


def _lock_editable_course(user: User, course_id) -> Course:
    """Lock the course row and check, on its current state, that `user` may edit it.

    Call inside the transaction: a lesson can then never be added to a course that is being
    submitted at the same moment (or that a stale instance still shows as a draft).
    """
    course = Course.objects.select_for_update().get(pk=course_id)
    if not permissions.can_edit_course(user, course):
        raise PermissionDenied(_("You may not edit this course."))
    return course


def _reorder(queryset, ordered_ids: list, what: str) -> None:
    """Give the rows of `queryset` the orders 0..n-1 following `ordered_ids` (all of them, once each)."""
    current = set(queryset.values_list("pk", flat=True))
    wanted = [UUID(str(pk)) for pk in ordered_ids]
    if len(wanted) != len(set(wanted)) or set(wanted) != current:
        raise ValidationError(_("List every %(what)s exactly once."), code="invalid_order", params={"what": what})
    model = queryset.model
    # Two steps, so that no intermediate state collides with the (parent, order) unique constraint.
    queryset.update(order=F("order") + _REORDER_OFFSET)
    model.objects.bulk_update([model(pk=pk, order=i) for i, pk in enumerate(wanted)], ["order"])


def section_reorder(*, course: Course, user: User, section_ids: list) -> None:
    with transaction.atomic():
        _lock_editable_course(user, course.pk)
        _reorder(CourseSection.objects.filter(course=course), section_ids, "section of the course")


def content_reorder(*, section: CourseSection, user: User, content_ids: list) -> None:
    with transaction.atomic():
        _lock_editable_course(user, section.course_id)
        _reorder(CourseContent.objects.filter(section=section), content_ids, "lesson of the section")


def question_reorder(*, content: CourseContent, user: User, question_ids: list) -> None:
    with transaction.atomic():
        _lock_editable_course(user, content.course_id)
        _reorder(QuizQuestion.objects.filter(content=content), question_ids, "question of the quiz")


def _next_order(queryset) -> int:
    last = queryset.aggregate(n=Max("order"))["n"]
    return 0 if last is None else last + 1


def _full_clean_at_free_order(obj, siblings) -> None:
    """full_clean(), with a taken position reported on `order` (issue 19 §5): the models' unique
    (parent, order) constraints report it as a non-field error, which the API cannot tie to a field.
    Fields first: an out-of-range order is refused before it reaches a query."""
    obj.full_clean(validate_constraints=False)
    if siblings.filter(order=obj.order).exclude(pk=obj.pk).exists():
        message = _("Another item is already at this position; re-order them with the reorder endpoint.")
        raise ValidationError({"order": ValidationError(message, code="order_taken")})
    obj.validate_constraints()


def section_create(*, course: Course, user: User, **fields) -> CourseSection:
    section = CourseSection(course=course)
    _apply_fields(section, fields, _STRUCTURE_PROTECTED)
    with transaction.atomic():
        _lock_editable_course(user, course.pk)
        if "order" not in fields:
            section.order = _next_order(CourseSection.objects.filter(course=course))
        _full_clean_at_free_order(section, CourseSection.objects.filter(course_id=section.course_id))
        section.save()
    return section


def section_update(*, section: CourseSection, user: User, data: dict[str, Any]) -> CourseSection:
    changed = _apply_fields(section, data, _STRUCTURE_PROTECTED)
    with transaction.atomic():
        _lock_editable_course(user, section.course_id)
        _full_clean_at_free_order(section, CourseSection.objects.filter(course_id=section.course_id))
        if changed:
            section.save(update_fields=[*changed, "updated_at"])
    return section


def content_create(*, section: CourseSection, user: User, **fields) -> CourseContent:
    """A lesson in `section` (its course follows the section).  Files are checked by the model."""
    content = CourseContent(section=section, course_id=section.course_id)
    _apply_fields(content, fields, _STRUCTURE_PROTECTED)
    with transaction.atomic():
        _lock_editable_course(user, section.course_id)
        if "order" not in fields:
            content.order = _next_order(CourseContent.objects.filter(section=section))
        _full_clean_at_free_order(content, CourseContent.objects.filter(section_id=content.section_id))
        content.save()
    return content


def content_update(*, content: CourseContent, user: User, data: dict[str, Any]) -> CourseContent:
    changed = _apply_fields(content, data, _STRUCTURE_PROTECTED)
    with transaction.atomic():
        _lock_editable_course(user, content.course_id)
        _full_clean_at_free_order(content, CourseContent.objects.filter(section_id=content.section_id))
        if changed:
            # clean() may have filled the file's size and type; save() re-renders the article.
            extra = ["file_size", "file_type"] if "file" in changed else []
            content.save(update_fields=[*changed, *extra, "updated_at"])
    return content


def question_create(*, content: CourseContent, user: User, **fields) -> QuizQuestion:
    question = QuizQuestion(content=content)
    _apply_fields(question, fields, _STRUCTURE_PROTECTED | {"content"})
    with transaction.atomic():
        _lock_editable_course(user, content.course_id)
        if "order" not in fields:
            question.order = _next_order(QuizQuestion.objects.filter(content=content))
        _full_clean_at_free_order(question, QuizQuestion.objects.filter(content_id=question.content_id))
        question.save()
    return question


def question_update(*, question: QuizQuestion, user: User, data: dict[str, Any]) -> QuizQuestion:
    changed = _apply_fields(question, data, _STRUCTURE_PROTECTED | {"content"})
    with transaction.atomic():
        _lock_editable_course(user, question.content.course_id)
        _full_clean_at_free_order(question, QuizQuestion.objects.filter(content_id=question.content_id))
        if changed:
            # clean() fills the options of a true/false question.
            question.save(update_fields=sorted({*changed, "options", "updated_at"}))
    return question


def question_delete(*, question: QuizQuestion, user: User) -> None:
    """Delete a quiz question; the questions after it move up (orders stay gapless from 0).

    Learners' past attempts keep their answers and scores (they are stored on the attempt)."""
    with transaction.atomic():
        _lock_editable_course(user, question.content.course_id)
        QuizQuestion.objects.filter(pk=question.pk).delete()
        rest = list(QuizQuestion.objects.filter(content_id=question.content_id).order_by("order", "created_at"))
        QuizQuestion.objects.filter(content_id=question.content_id).update(order=F("order") + _REORDER_OFFSET)
        QuizQuestion.objects.bulk_update([QuizQuestion(pk=q.pk, order=i) for i, q in enumerate(rest)], ["order"])
