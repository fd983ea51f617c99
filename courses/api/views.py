"""Courses API: the public catalog, instructor authoring and the review queue.

Thin views: parse with an input serializer, call a selector or service, answer with an output
serializer.  Services raise Django's ValidationError (400), PermissionDenied (403) and, for an
illegal status change, ConflictError (409 with the code `invalid_transition`): the API's exception
handler (courseworx.core.api.exceptions) answers them.

Object permissions: instructor endpoints look objects up among the courses the caller authors, so
someone else's course is a 404 (its existence is not revealed); an action the caller may not take
on a course they can see is a 403.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import selectors, services
from courses.filters import CourseFilter
from courses.models import Category, Course, CourseContent, CourseSection, QuizQuestion
from courses.permissions import IsReviewer
from courseworx.core.api.schema import conflict_codes
from courseworx.core.currency import display_currency, requested_display_currency

from . import serializers as s

TAGS_CATALOG = ["courses: catalog"]
TAGS_INSTRUCTOR = ["courses: instructor"]
TAGS_REVIEW = ["courses: review"]


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or "en"


class IsCourseAuthorRole(permissions.BasePermission):
    """Instructors (and administrators) may use the authoring endpoints; students may not."""

    message = "Only instructors can author courses."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or user.role in ("instructor", "admin")))


# -- scoped look-ups: someone else's course is a 404 ----------------------------------------------
def _authored_course(user, course_id) -> Course:
    return get_object_or_404(Course.objects.editable_by(user).select_related("instructor", "category"), pk=course_id)


def _authored_section(user, section_id) -> CourseSection:
    courses = Course.objects.editable_by(user).values("pk")
    return get_object_or_404(CourseSection.objects.select_related("course").filter(course__in=courses), pk=section_id)


def _authored_lesson(user, lesson_id) -> CourseContent:
    courses = Course.objects.editable_by(user).values("pk")
    return get_object_or_404(CourseContent.objects.select_related("course").filter(course__in=courses), pk=lesson_id)


def _authored_question(user, question_id) -> QuizQuestion:
    courses = Course.objects.editable_by(user).values("pk")
    return get_object_or_404(
        QuizQuestion.objects.select_related("content__course").filter(content__course__in=courses), pk=question_id
    )


def _instructor_course_output(course: Course) -> dict:
    course = (
        Course.objects.select_related("instructor", "category")
        .prefetch_related("tags", "categories", "prices")
        .get(pk=course.pk)
    )
    return s.InstructorCourseOutputSerializer(course).data


# =================================================================================================
# Public catalog
# =================================================================================================
DISPLAY_CURRENCY = OpenApiParameter(
    "display_currency",
    OpenApiTypes.STR,
    description="ISO 4217 code: adds `display_price` (approximate); also the X-Display-Currency header. "
    "An unknown or inactive code is a 400.",
)


class CourseListApi(generics.GenericAPIView):
    """Published courses: filter, `search=` (full text, ranked) and `ordering=`; paginated."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.CourseListOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CourseFilter

    def get_queryset(self):
        return selectors.course_list_published(filters={}, with_tags=True)

    @extend_schema(tags=TAGS_CATALOG, parameters=[DISPLAY_CURRENCY], responses=s.CourseListOutputSerializer(many=True))
    def get(self, request):
        requested_display_currency(request)  # an unknown ?display_currency= is a 400
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.apply_translations(page, _language(request))
        selectors.explicit_prices_attach(page, display_currency(request))
        data = s.CourseListOutputSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class CourseDetailApi(APIView):
    """A published course with its syllabus, by slug or id.  `?preview=1` lets its authors and
    reviewers see a course that is not published."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=TAGS_CATALOG,
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Slug or id."),
            OpenApiParameter("preview", OpenApiTypes.BOOL, description="Authors/reviewers: show a draft."),
            DISPLAY_CURRENCY,
        ],
        responses=s.CourseDetailOutputSerializer,
    )
    def get(self, request, slug: str):
        requested_display_currency(request)
        preview = request.query_params.get("preview") in ("1", "true")
        course = selectors.course_detail(slug=slug, user=request.user, preview=preview)
        selectors.apply_translations([course], _language(request))
        return Response(s.CourseDetailOutputSerializer(course, context={"request": request}).data)


class CategoryListApi(APIView):
    """Every category (a flat list; `parent` gives the tree)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=TAGS_CATALOG, responses=s.CategoryOutputSerializer(many=True))
    def get(self, request):
        return Response(s.CategoryOutputSerializer(Category.objects.all(), many=True).data)


class TagListApi(APIView):
    """Tags used by published courses, most used first."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=TAGS_CATALOG, responses=s.TagOutputSerializer(many=True))
    def get(self, request):
        return Response(s.TagOutputSerializer(selectors.tag_list(), many=True).data)


# =================================================================================================
# Instructors: courses
# =================================================================================================
class InstructorCourseListCreateApi(generics.GenericAPIView):
    """Courses you own or co-author (GET); create a draft course (POST)."""

    permission_classes = [IsCourseAuthorRole]
    serializer_class = s.InstructorCourseOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.course_list_for_editor(user=self.request.user)

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.InstructorCourseOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.InstructorCourseOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS_INSTRUCTOR,
        request=s.InstructorCourseCreateInputSerializer,
        responses={201: s.InstructorCourseOutputSerializer},
    )
    def post(self, request):
        serializer = s.InstructorCourseCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        prices = data.pop("prices", None)
        with transaction.atomic():
            course = services.course_create(instructor=request.user, **data)
            if prices:
                services.course_prices_set(course=course, user=request.user, prices=prices)
        return Response(_instructor_course_output(course), status=status.HTTP_201_CREATED)


class InstructorCourseDetailApi(APIView):
    """One of your courses: read, change (drafts and courses with changes requested), delete (drafts)."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.InstructorCourseOutputSerializer)
    def get(self, request, course_id):
        return Response(_instructor_course_output(_authored_course(request.user, course_id)))

    @extend_schema(
        tags=TAGS_INSTRUCTOR,
        request=s.InstructorCourseUpdateInputSerializer,
        responses=s.InstructorCourseOutputSerializer,
    )
    def patch(self, request, course_id):
        course = _authored_course(request.user, course_id)
        serializer = s.InstructorCourseUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        prices = data.pop("prices", None)
        with transaction.atomic():
            if data or prices is None:
                course = services.course_update(course=course, user=request.user, data=data)
            if prices is not None:
                services.course_prices_set(course=course, user=request.user, prices=prices)
        return Response(_instructor_course_output(course))

    @extend_schema(tags=TAGS_INSTRUCTOR, request=None, responses={204: None})
    @conflict_codes("not_deletable")
    def delete(self, request, course_id):
        services.course_delete(course=_authored_course(request.user, course_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InstructorCourseSubmitApi(APIView):
    """Submit a draft (or a course with changes requested) for review."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(
        tags=TAGS_INSTRUCTOR, request=s.CourseSubmitInputSerializer, responses=s.InstructorCourseOutputSerializer
    )
    @conflict_codes("invalid_transition")
    def post(self, request, course_id):
        course = _authored_course(request.user, course_id)
        serializer = s.CourseSubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.course_submit(course=course, user=request.user, note=serializer.validated_data["note"])
        return Response(_instructor_course_output(course))


# =================================================================================================
# Instructors: sections, lessons, questions
# =================================================================================================
class InstructorSectionListCreateApi(APIView):
    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.SectionOutputSerializer(many=True))
    def get(self, request, course_id):
        course = _authored_course(request.user, course_id)
        return Response(s.SectionOutputSerializer(course.sections.order_by("order"), many=True).data)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.SectionInputSerializer, responses={201: s.SectionOutputSerializer})
    def post(self, request, course_id):
        course = _authored_course(request.user, course_id)
        serializer = s.SectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        section = services.section_create(course=course, user=request.user, **serializer.validated_data)
        return Response(s.SectionOutputSerializer(section).data, status=status.HTTP_201_CREATED)


class InstructorSectionDetailApi(APIView):
    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.SectionOutputSerializer)
    def get(self, request, section_id):
        return Response(s.SectionOutputSerializer(_authored_section(request.user, section_id)).data)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.SectionInputSerializer, responses=s.SectionOutputSerializer)
    def patch(self, request, section_id):
        section = _authored_section(request.user, section_id)
        serializer = s.SectionInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        section = services.section_update(section=section, user=request.user, data=serializer.validated_data)
        return Response(s.SectionOutputSerializer(section).data)


class InstructorLessonListCreateApi(APIView):
    """Lessons of a section.  Send multipart/form-data to upload a document, image or video file."""

    permission_classes = [IsCourseAuthorRole]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.LessonOutputSerializer(many=True))
    def get(self, request, section_id):
        section = _authored_section(request.user, section_id)
        return Response(s.LessonOutputSerializer(section.contents.order_by("order"), many=True).data)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.LessonInputSerializer, responses={201: s.LessonOutputSerializer})
    def post(self, request, section_id):
        section = _authored_section(request.user, section_id)
        serializer = s.LessonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lesson = services.content_create(section=section, user=request.user, **serializer.validated_data)
        return Response(s.LessonOutputSerializer(lesson).data, status=status.HTTP_201_CREATED)


class InstructorLessonDetailApi(APIView):
    permission_classes = [IsCourseAuthorRole]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.LessonOutputSerializer)
    def get(self, request, lesson_id):
        return Response(s.LessonOutputSerializer(_authored_lesson(request.user, lesson_id)).data)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.LessonInputSerializer, responses=s.LessonOutputSerializer)
    def patch(self, request, lesson_id):
        lesson = _authored_lesson(request.user, lesson_id)
        serializer = s.LessonInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        lesson = services.content_update(content=lesson, user=request.user, data=serializer.validated_data)
        return Response(s.LessonOutputSerializer(lesson).data)


class InstructorQuestionListCreateApi(APIView):
    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.QuestionOutputSerializer(many=True))
    def get(self, request, lesson_id):
        lesson = _authored_lesson(request.user, lesson_id)
        return Response(s.QuestionOutputSerializer(lesson.questions.order_by("order"), many=True).data)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.QuestionInputSerializer, responses={201: s.QuestionOutputSerializer})
    def post(self, request, lesson_id):
        lesson = _authored_lesson(request.user, lesson_id)
        serializer = s.QuestionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = services.question_create(content=lesson, user=request.user, **serializer.validated_data)
        return Response(s.QuestionOutputSerializer(question).data, status=status.HTTP_201_CREATED)


class InstructorQuestionDetailApi(APIView):
    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=s.QuestionOutputSerializer)
    def get(self, request, question_id):
        return Response(s.QuestionOutputSerializer(_authored_question(request.user, question_id)).data)

    @extend_schema(tags=TAGS_INSTRUCTOR, request=s.QuestionInputSerializer, responses=s.QuestionOutputSerializer)
    def patch(self, request, question_id):
        question = _authored_question(request.user, question_id)
        serializer = s.QuestionInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        question = services.question_update(question=question, user=request.user, data=serializer.validated_data)
        return Response(s.QuestionOutputSerializer(question).data)


# =================================================================================================
# Reviewers
# =================================================================================================
class ReviewQueueApi(generics.GenericAPIView):
    """Courses waiting for a decision, oldest first."""

    permission_classes = [IsReviewer]
    serializer_class = s.ReviewCourseOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.course_review_queue()

    @extend_schema(tags=TAGS_REVIEW, responses=s.ReviewCourseOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ReviewCourseOutputSerializer(page, many=True).data)


class ReviewApproveApi(APIView):
    """Approve a course in review: it is published and its structure saved as a new version."""

    permission_classes = [IsReviewer]

    @extend_schema(tags=TAGS_REVIEW, request=s.ApproveInputSerializer, responses=s.ReviewDecisionOutputSerializer)
    @conflict_codes("invalid_transition")
    def post(self, request, course_id):
        course = get_object_or_404(Course, pk=course_id)
        serializer = s.ApproveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.course_approve(course=course, reviewer=request.user, note=serializer.validated_data["note"])
        data = {"id": course.pk, "slug": course.slug, "status": course.status, "version": version.number}
        return Response(s.ReviewDecisionOutputSerializer(data).data)


class ReviewRequestChangesApi(APIView):
    """Send a course in review back to its authors; `note` (what to change) is required."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS_REVIEW, request=s.RequestChangesInputSerializer, responses=s.ReviewDecisionOutputSerializer
    )
    @conflict_codes("invalid_transition")
    def post(self, request, course_id):
        course = get_object_or_404(Course, pk=course_id)
        serializer = s.RequestChangesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.course_request_changes(course=course, reviewer=request.user, note=serializer.validated_data["note"])
        data = {"id": course.pk, "slug": course.slug, "status": course.status, "version": None}
        return Response(s.ReviewDecisionOutputSerializer(data).data)
