"""Recommendations API: my recommendations (reason, score, course summary), "not interested", and the runs'
training logs (staff with the view permission).  Another user's recommendations are never reachable: every
query is the caller's own."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course
from learning import permissions as perms
from learning import recommendations_selectors as selectors
from learning import services
from learning.models import AIModelTrainingLog, AIRecommendation

TAGS = ["learning: recommendations"]


class RecommendedCourseSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", default=None, allow_null=True)
    instructor = serializers.CharField(source="instructor.get_full_name")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Course
        fields = ("id", "slug", "title", "short_description", "category", "instructor", "level", "language",
                  "price", "currency", "rating", "rating_count", "url")  # fmt: skip
        read_only_fields = fields


class RecommendedCourseRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class RecommendationOutputSerializer(serializers.ModelSerializer):
    course = RecommendedCourseSerializer()
    reason_course = RecommendedCourseRefSerializer(allow_null=True)
    reason_text = serializers.SerializerMethodField(help_text="The reason as shown to the user, in their language.")

    class Meta:
        model = AIRecommendation
        fields = ("rank", "score", "reason", "reason_text", "reason_course", "reason_params", "computed_at", "course")
        read_only_fields = fields

    def get_reason_text(self, obj: AIRecommendation) -> str:
        return selectors.reason_text(obj)


class DismissalOutputSerializer(serializers.Serializer):
    course = serializers.UUIDField()
    dismissed_at = serializers.DateTimeField()


class TrainingLogOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AIModelTrainingLog
        fields = ("id", "started_at", "finished_at", "duration_ms", "status", "trigger", "users_processed",
                  "users_covered", "recommendations_created", "catalog_size", "catalog_coverage", "hit_rate_at_10",
                  "evaluated_users", "parameters", "error")  # fmt: skip
        read_only_fields = fields


class CanViewTrainingLogs(permissions.BasePermission):
    message = "Only staff allowed to see the recommendation runs may do this."

    def has_permission(self, request, view) -> bool:
        return perms.can_view_training_logs(request.user)


class RecommendationListView(generics.ListAPIView):
    """My recommended courses, best first, each with its score and the reason shown to me.  Courses I enrolled
    in or dismissed since the last run, and courses no longer published, are left out."""

    queryset = AIRecommendation.objects.none()  # the model, for the schema
    serializer_class = RecommendationOutputSerializer

    def get_queryset(self):
        return selectors.recommendation_list_api(user=self.request.user)

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RecommendationDismissView(APIView):
    """ "Not interested": the course leaves my recommendations now and is never recommended to me again.
    Idempotent; an unknown course (or one the caller may not see, e.g. a draft) is a 404."""

    serializer_class = None

    @extend_schema(tags=TAGS, request=None, responses={201: DismissalOutputSerializer})
    def post(self, request, course_id):
        course = Course.objects.filter(pk=course_id).first()
        if course is None or not perms.can_see_course(request.user, course):  # a draft: as unknown as a wrong id
            raise Http404(_("No such course."))
        dismissal = services.recommendation_dismiss(user=request.user, course=course)
        data = {"course": course.pk, "dismissed_at": dismissal.created_at}
        return Response(DismissalOutputSerializer(data).data, status=status.HTTP_201_CREATED)


class TrainingLogListView(generics.ListAPIView):
    """The recommendation runs, newest first: duration, users covered, catalog coverage, hit-rate@10 (staff)."""

    queryset = AIModelTrainingLog.objects.none()  # the model, for the schema
    serializer_class = TrainingLogOutputSerializer
    permission_classes = [permissions.IsAuthenticated, CanViewTrainingLogs]

    def get_queryset(self):
        return selectors.training_logs()

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
