"""Instructor API for a course's assignments: list, create, change (due date, points...), delete.

The rules are the admin's (`learning.services.assignment_authoring`, on `courses.permissions`):

- assignments are looked up among the courses the caller is staff of (`Course.objects.editable_by`), so
  another instructor's assignment, or their course, is a 404 (its existence is not revealed);
- assignments are part of the course's reviewed content: while the course may not be edited (in review,
  published, archived) a change is a 409 (`revision_required` for a published course: start a revision
  with `POST /api/v1/instructor/courses/{id}/revision/` and edit that; `course_locked` otherwise);
- an assignment students have handed work in for is not deleted (409 `has_submissions`: unpublish it);
- students get 403, anonymous callers 401/403.

Grading is on rubric-free points: an assignment has `points` (its maximum score); there is no rubric model.
"""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import permissions as course_permissions
from courses.models import Course
from courseworx.core.api.schema import conflict_codes
from courseworx.core.exceptions import ConflictError
from learning import services
from learning.models import Assignment

TAGS = ["learning: instructor assignments"]
LOCK_CODES = ("revision_required", "course_locked")
POINTS_MAX = 100_000


class IsInstructorRole(permissions.BasePermission):
    """Instructors (and administrators); students may not author."""

    message = "Only instructors can author assignments."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or user.role in ("instructor", "admin")))


def _course(user, course_id) -> Course:
    return get_object_or_404(Course.objects.editable_by(user), pk=course_id)


def _assignment(user, assignment_id) -> Assignment:
    courses = Course.objects.editable_by(user).values("pk")
    return get_object_or_404(Assignment.objects.select_related("course").filter(course__in=courses), pk=assignment_id)


def _check_editable(user, course: Course) -> None:
    lock = course_permissions.course_edit_lock(user, course)
    if lock:
        code, message = lock
        raise ConflictError(message, code=code)


class AssignmentAuthoringInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    due_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Deadline; null for none.")
    points = serializers.IntegerField(min_value=1, max_value=POINTS_MAX, required=False, help_text="Maximum score.")
    is_published = serializers.BooleanField(required=False)
    allow_late = serializers.BooleanField(required=False)


class AssignmentAuthoringOutputSerializer(serializers.ModelSerializer):
    course = serializers.UUIDField(source="course_id")
    submission_count = serializers.IntegerField(help_text="Hand-ins so far (latest per student).")

    class Meta:
        model = Assignment
        fields = (
            "id", "course", "title", "description", "due_at", "points", "is_published", "allow_late",
            "submission_count", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = fields


def _with_counts(queryset):
    return queryset.annotate(submission_count=Count("submissions"))


def _output(assignment: Assignment):
    return AssignmentAuthoringOutputSerializer(_with_counts(Assignment.objects.filter(pk=assignment.pk)).get()).data


class AssignmentListCreateApi(APIView):
    """The assignments of one of your courses, published or not, by due date (GET); add one (POST)."""

    permission_classes = [IsInstructorRole]

    @extend_schema(tags=TAGS, responses=AssignmentAuthoringOutputSerializer(many=True))
    def get(self, request, course_id):
        course = _course(request.user, course_id)
        assignments = _with_counts(Assignment.objects.filter(course=course)).order_by("due_at", "title", "pk")
        return Response(AssignmentAuthoringOutputSerializer(assignments, many=True).data)

    @extend_schema(
        tags=TAGS, request=AssignmentAuthoringInputSerializer, responses={201: AssignmentAuthoringOutputSerializer}
    )
    @conflict_codes(*LOCK_CODES)
    def post(self, request, course_id):
        course = _course(request.user, course_id)
        _check_editable(request.user, course)
        serializer = AssignmentAuthoringInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_create(course=course, user=request.user, **serializer.validated_data)
        return Response(_output(assignment), status=status.HTTP_201_CREATED)


class AssignmentAuthoringDetailApi(APIView):
    """One assignment of your courses: read, change, delete (not once students handed work in)."""

    permission_classes = [IsInstructorRole]

    @extend_schema(tags=TAGS, responses=AssignmentAuthoringOutputSerializer)
    def get(self, request, assignment_id):
        return Response(_output(_assignment(request.user, assignment_id)))

    @extend_schema(tags=TAGS, request=AssignmentAuthoringInputSerializer, responses=AssignmentAuthoringOutputSerializer)
    @conflict_codes(*LOCK_CODES)
    def patch(self, request, assignment_id):
        assignment = _assignment(request.user, assignment_id)
        _check_editable(request.user, assignment.course)
        serializer = AssignmentAuthoringInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignment = services.assignment_update(assignment=assignment, user=request.user, data=data)
        return Response(_output(assignment))

    @extend_schema(tags=TAGS, request=None, responses={204: None})
    @conflict_codes(*LOCK_CODES, "has_submissions")
    def delete(self, request, assignment_id):
        assignment = _assignment(request.user, assignment_id)
        _check_editable(request.user, assignment.course)
        services.assignment_delete(assignment=assignment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
