"""Instructor API, the whole course: sections, lessons and quiz questions (create, change, delete, re-order,
move), starting a revision of a published course, and the course's certificate template.

The same rules as the admin, from `courses.permissions` and enforced again by the services:

- objects are looked up among the courses the caller is staff of (`Course.objects.editable_by`: they teach
  it, or are a superuser), so another instructor's section, lesson or question is a 404;
- a course its teachers may not edit now (`can_edit_course`: in review, published, archived) answers 409:
  `revision_required` for a published course (start a revision, `POST …/revision/`, and edit that one, as
  the admin's "Start a new revision" does) and `course_locked` otherwise;
- students (and other roles) get 403 on every instructor endpoint, anonymous callers 401/403.

Views are thin: parse with an input serializer, call a service (atomic, locking the course row), answer
with an output serializer.  The detail views of sections, lessons and questions extend the ones in
`courses.api.views` (GET/PATCH there) with DELETE and the lock check.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import permissions, services
from courses.admin.lesson_forms import NEW_LESSON_KINDS
from courses.models import CertificateTemplate, Course, CourseContent, CourseSection
from courseworx.core.api.schema import conflict_codes
from courseworx.core.exceptions import ConflictError

from . import serializers as s
from . import views
from .views import (
    TAGS_INSTRUCTOR,
    IsCourseAuthorRole,
    _authored_course,
    _authored_lesson,
    _authored_question,
    _authored_section,
    _instructor_course_output,
)

LOCK_CODES = ("revision_required", "course_locked")


def check_editable(user, course: Course) -> None:
    """409 (`revision_required` / `course_locked`) when the course's state stops its teachers editing it."""
    lock = permissions.course_edit_lock(user, course)
    if lock:
        code, message = lock
        raise ConflictError(message, code=code)


# -- input serializers ----------------------------------------------------------------------------
class ReorderInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.UUIDField(), allow_empty=False, max_length=1000, help_text="Every id, once each, in order."
    )


class LessonMoveInputSerializer(serializers.Serializer):
    section = serializers.UUIDField(help_text="The section (of the same course) the lesson goes to.")
    position = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True, help_text="0 is first; empty: last."
    )


class LessonCreateInputSerializer(s.LessonInputSerializer):
    """As the admin's "+ Add item": every type but the certificate signpost (its content is the template)."""

    def validate_type(self, value: str) -> str:
        if value not in NEW_LESSON_KINDS:
            raise serializers.ValidationError("Choose one of: " + ", ".join(sorted(NEW_LESSON_KINDS)) + ".")
        return value


class CertificateTemplateChoiceInputSerializer(serializers.Serializer):
    template = serializers.UUIDField(allow_null=True, help_text="A template you may use; null: the default.")


class CertificateTemplateOutputSerializer(serializers.ModelSerializer):
    is_own = serializers.SerializerMethodField()

    class Meta:
        model = CertificateTemplate
        fields = ("id", "name", "orientation", "is_default", "is_own", "updated_at")
        read_only_fields = fields

    def get_is_own(self, obj) -> bool:
        return obj.owner_id == self.context["user"].pk


def _ids(request) -> list:
    serializer = ReorderInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["ids"]


# =================================================================================================
# The course itself
# =================================================================================================
class CourseAuthoringDetailApi(views.InstructorCourseDetailApi):
    """One of your courses: read, change (drafts and courses with changes requested; otherwise 409 like
    every authoring write), delete (drafts never published)."""

    @extend_schema(
        tags=TAGS_INSTRUCTOR,
        request=s.InstructorCourseUpdateInputSerializer,
        responses=s.InstructorCourseOutputSerializer,
    )
    @conflict_codes(*LOCK_CODES)
    def patch(self, request, course_id):
        check_editable(request.user, _authored_course(request.user, course_id))
        return super().patch(request, course_id)


# =================================================================================================
# Sections
# =================================================================================================
class SectionListCreateApi(views.InstructorSectionListCreateApi):
    """The sections of one of your courses, in order (GET); add one at the end or at `order` (POST)."""

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.SectionInputSerializer, responses={201: s.SectionOutputSerializer})
    @conflict_codes(*LOCK_CODES)
    def post(self, request, course_id):
        check_editable(request.user, _authored_course(request.user, course_id))
        return super().post(request, course_id)


class SectionDetailApi(views.InstructorSectionDetailApi):
    """One section: read, change, delete (only an empty one: 400 `section_not_empty`)."""

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.SectionInputSerializer, responses=s.SectionOutputSerializer)
    @conflict_codes(*LOCK_CODES)
    def patch(self, request, section_id):
        check_editable(request.user, _authored_section(request.user, section_id).course)
        return super().patch(request, section_id)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=None, responses={204: None})
    @conflict_codes(*LOCK_CODES)
    def delete(self, request, section_id):
        section = _authored_section(request.user, section_id)
        check_editable(request.user, section.course)
        services.section_delete(section=section, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SectionReorderApi(APIView):
    """Put the course's sections in the order given: `{"ids": [...]}` lists every section once."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, request=ReorderInputSerializer, responses=s.SectionOutputSerializer(many=True))
    @conflict_codes(*LOCK_CODES)
    def post(self, request, course_id):
        course = _authored_course(request.user, course_id)
        check_editable(request.user, course)
        services.section_reorder(course=course, user=request.user, section_ids=_ids(request))
        return Response(s.SectionOutputSerializer(course.sections.order_by("order"), many=True).data)


# =================================================================================================
# Lessons
# =================================================================================================
class LessonListCreateApi(views.InstructorLessonListCreateApi):
    """Lessons of a section, in order (GET); add one (POST; multipart/form-data to upload a file).  Each type
    takes its own fields, checked like the admin's lesson form (the model's validation): e.g. an article needs
    `article_body`, a video a `file` or an allowed `video_url`, only quizzes take quiz settings."""

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.LessonOutputSerializer(many=True))
    def get(self, request, section_id):
        section = _authored_section(request.user, section_id)
        lessons = section.contents.select_related("course").order_by("order")
        return Response(s.LessonOutputSerializer(lessons, many=True, context={"request": request}).data)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=LessonCreateInputSerializer, responses={201: s.LessonOutputSerializer})
    @conflict_codes(*LOCK_CODES)
    def post(self, request, section_id):
        section = _authored_section(request.user, section_id)
        check_editable(request.user, section.course)
        serializer = LessonCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lesson = services.content_create(section=section, user=request.user, **serializer.validated_data)
        return Response(
            s.LessonOutputSerializer(lesson, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class LessonDetailApi(views.InstructorLessonDetailApi):
    """One lesson: read, change (the same checks as when adding it; not its type), delete (its questions
    go with it)."""

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.LessonInputSerializer, responses=s.LessonOutputSerializer)
    @conflict_codes(*LOCK_CODES)
    def patch(self, request, lesson_id):
        lesson = _authored_lesson(request.user, lesson_id)
        check_editable(request.user, lesson.course)
        if "type" in request.data and request.data.get("type") != lesson.kind:
            # As in the admin, where the type is read-only once the lesson exists.
            message = "A lesson's type is chosen when it is added: add a new lesson instead."
            raise serializers.ValidationError({"type": [message]})
        return super().patch(request, lesson_id)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=None, responses={204: None})
    @conflict_codes(*LOCK_CODES)
    def delete(self, request, lesson_id):
        lesson = _authored_lesson(request.user, lesson_id)
        check_editable(request.user, lesson.course)
        services.content_delete(content=lesson, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LessonReorderApi(APIView):
    """Put the section's lessons in the order given: `{"ids": [...]}` lists every lesson of the section once."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, request=ReorderInputSerializer, responses=s.LessonOutputSerializer(many=True))
    @conflict_codes(*LOCK_CODES)
    def post(self, request, section_id):
        section = _authored_section(request.user, section_id)
        check_editable(request.user, section.course)
        services.content_reorder(section=section, user=request.user, content_ids=_ids(request))
        lessons = section.contents.select_related("course").order_by("order")
        return Response(s.LessonOutputSerializer(lessons, many=True, context={"request": request}).data)


class LessonMoveApi(APIView):
    """Move a lesson to another section of its course (`section`), at `position` (0 first; empty: last)."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, request=LessonMoveInputSerializer, responses=s.LessonOutputSerializer)
    @conflict_codes(*LOCK_CODES)
    def post(self, request, lesson_id):
        lesson = _authored_lesson(request.user, lesson_id)
        check_editable(request.user, lesson.course)
        serializer = LessonMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        section = CourseSection.objects.filter(pk=serializer.validated_data["section"], course=lesson.course).first()
        if section is None:
            raise serializers.ValidationError({"section": ["Choose a section of this lesson's course."]})
        services.content_move(
            content=lesson, user=request.user, section=section, position=serializer.validated_data.get("position")
        )
        lesson = CourseContent.objects.select_related("course").get(pk=lesson.pk)
        return Response(s.LessonOutputSerializer(lesson, context={"request": request}).data)


# =================================================================================================
# Quiz questions (the answer choices are a question's `options`, the right ones its `correct_answers`)
# =================================================================================================
class QuestionListCreateApi(views.InstructorQuestionListCreateApi):
    """The questions of a quiz lesson, in order (GET); add one (POST), checked like the admin's question form:
    choice questions need two different options and their correct answer(s) among them, true/false questions
    get the options "True"/"False", text questions list accepted answers."""

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.QuestionInputSerializer, responses={201: s.QuestionOutputSerializer})
    @conflict_codes(*LOCK_CODES)
    def post(self, request, lesson_id):
        check_editable(request.user, _authored_lesson(request.user, lesson_id).course)
        return super().post(request, lesson_id)


class QuestionDetailApi(views.InstructorQuestionDetailApi):
    """One quiz question: read, change, delete."""

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.QuestionInputSerializer, responses=s.QuestionOutputSerializer)
    @conflict_codes(*LOCK_CODES)
    def patch(self, request, question_id):
        check_editable(request.user, _authored_question(request.user, question_id).content.course)
        return super().patch(request, question_id)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=None, responses={204: None})
    @conflict_codes(*LOCK_CODES)
    def delete(self, request, question_id):
        question = _authored_question(request.user, question_id)
        check_editable(request.user, question.content.course)
        services.question_delete(question=question, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionReorderApi(APIView):
    """Put the quiz's questions in the order given: `{"ids": [...]}` lists every question once."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(
        tags=TAGS_INSTRUCTOR, request=ReorderInputSerializer, responses=s.QuestionOutputSerializer(many=True)
    )
    @conflict_codes(*LOCK_CODES)
    def post(self, request, lesson_id):
        lesson = _authored_lesson(request.user, lesson_id)
        check_editable(request.user, lesson.course)
        services.question_reorder(content=lesson, user=request.user, question_ids=_ids(request))
        return Response(s.QuestionOutputSerializer(lesson.questions.order_by("order"), many=True).data)


# =================================================================================================
# Revisions and certificate templates
# =================================================================================================
class CourseRevisionStartApi(APIView):
    """Start a revision of a published course (201): a draft copy, edited through these same endpoints and
    submitted for review; students keep the published course until it is approved.  409 `revision_exists`
    when one is open already, `invalid_transition` when the course is not published."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, request=None, responses={201: s.InstructorCourseOutputSerializer})
    @conflict_codes("revision_exists", "invalid_transition")
    def post(self, request, course_id):
        course = _authored_course(request.user, course_id)
        revision = services.course_revision_start(course=course, user=request.user)
        return Response(_instructor_course_output(revision), status=status.HTTP_201_CREATED)


def _pickable_templates(user):
    templates = CertificateTemplate.objects.all()
    return templates if user.is_superuser else templates.filter(CertificateTemplate.pickable_by(user))


class CertificateTemplateListApi(APIView):
    """The certificate templates you may choose for your courses: your own, the site's and the default one
    (superusers: every template).  Templates are written in the admin (HTML/CSS checked there)."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=CertificateTemplateOutputSerializer(many=True))
    def get(self, request):
        templates = _pickable_templates(request.user).order_by("name", "pk")
        context = {"user": request.user}
        return Response(CertificateTemplateOutputSerializer(templates, many=True, context=context).data)


class CourseCertificateTemplateApi(APIView):
    """The certificate template of one of your courses: read it (GET), choose one you may use (PUT; null for
    the default).  Changing it is an edit of the course: 409 while the course may not be edited."""

    permission_classes = [IsCourseAuthorRole]

    def _output(self, request, course: Course):
        template = course.certificate_template
        data = CertificateTemplateOutputSerializer(template, context={"user": request.user}).data if template else None
        return Response({"course": course.pk, "template": data})

    _response = inline_serializer(
        "CourseCertificateTemplateOutput",
        {"course": serializers.UUIDField(), "template": CertificateTemplateOutputSerializer(allow_null=True)},
    )

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=_response)
    def get(self, request, course_id):
        course = _authored_course(request.user, course_id)
        return self._output(request, course)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=CertificateTemplateChoiceInputSerializer, responses=_response)
    @conflict_codes(*LOCK_CODES)
    def put(self, request, course_id):
        course = _authored_course(request.user, course_id)
        check_editable(request.user, course)
        serializer = CertificateTemplateChoiceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template_id = serializer.validated_data["template"]
        template = None
        if template_id is not None:
            template = _pickable_templates(request.user).filter(pk=template_id).first()
            if template is None:
                raise serializers.ValidationError({"template": ["Choose one of the templates you may use."]})
        course = services.course_update(course=course, user=request.user, data={"certificate_template": template})
        return self._output(request, course)
