"""Career paths API (tag `learning: career paths`): published paths (anyone), a path with its courses in order and
their state for the caller, join/leave (signed in), and my paths with progress.  Authoring is in the admin.

A draft path is the 404 of an unknown one (path authors excepted); join answers 409 `not_published` never
(drafts are not found), leave 409 `not_member` / `completed`.  Enrolling in a path course is the enrolment API
(`POST /api/v1/enrollments/`), which answers 409 `path_prerequisites` to a member who skips ahead.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from courseworx.core.api.schema import conflict_codes
from courseworx.core.utils import parse_uuid
from learning import career_paths_selectors as sel
from learning import services
from learning.models import CareerPath, UserCareerPath

TAGS = ["learning: career paths"]


class PathCourseOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="entry.position")
    is_required = serializers.BooleanField(source="entry.is_required")
    course = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=["completed", "enrolled", "available", "locked"])
    progress_percent = serializers.IntegerField(source="percent")
    prerequisites = serializers.SerializerMethodField()
    missing_prerequisites = serializers.ListField(child=serializers.CharField(), source="missing")

    def get_course(self, row) -> dict:
        course = row.course
        return {"id": str(course.pk), "slug": course.slug, "title": course.title, "is_free": course.is_free,
                "url": course.get_absolute_url()}  # fmt: skip

    def get_prerequisites(self, row) -> list[str]:
        return [str(p.course_id) for p in row.entry.prerequisites.all()]


class MembershipOutputSerializer(serializers.ModelSerializer):
    path = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = UserCareerPath
        fields = ("path", "joined_at", "completed_at", "certificate")
        read_only_fields = fields

    def get_certificate(self, m) -> str | None:
        return str(m.certificate_id) if m.certificate_id else None


class CareerPathOutputSerializer(serializers.ModelSerializer):
    image = serializers.ImageField(read_only=True)
    course_count = serializers.IntegerField()
    required_count = serializers.IntegerField()
    estimated_hours = serializers.SerializerMethodField()
    is_member = serializers.BooleanField()
    required_done = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = CareerPath
        fields = ("id", "slug", "title", "summary", "target_role", "image", "estimated_hours", "course_count",
                  "required_count", "is_member", "required_done", "url")  # fmt: skip
        read_only_fields = fields

    def get_estimated_hours(self, path) -> int:
        return sel.path_hours(path)


class CareerPathDetailOutputSerializer(CareerPathOutputSerializer):
    description = serializers.CharField()
    progress = serializers.SerializerMethodField()
    courses = serializers.SerializerMethodField()
    membership = serializers.SerializerMethodField()

    class Meta(CareerPathOutputSerializer.Meta):
        fields = (*CareerPathOutputSerializer.Meta.fields, "description", "progress", "courses", "membership")
        read_only_fields = fields

    def get_progress(self, path) -> dict:
        p = self.context["progress"]
        return {"required_total": p.required_total, "required_done": p.required_done, "percent": p.percent,
                "lessons_total": p.lessons_total, "lessons_done": p.lessons_done,
                "lessons_percent": p.lessons_percent,
                "next_course": str(p.next_row.course.pk) if p.next_row else None}  # fmt: skip

    @extend_schema_field(PathCourseOutputSerializer(many=True))
    def get_courses(self, path) -> list[dict]:
        return PathCourseOutputSerializer(self.context["progress"].rows, many=True).data

    @extend_schema_field(MembershipOutputSerializer(allow_null=True))
    def get_membership(self, path) -> dict | None:
        m = self.context["progress"].membership
        return None if m is None else MembershipOutputSerializer(m).data


class MyCareerPathOutputSerializer(MembershipOutputSerializer):
    title = serializers.CharField(source="path.title")
    required_count = serializers.IntegerField()
    required_done = serializers.IntegerField()
    percent = serializers.SerializerMethodField()

    class Meta(MembershipOutputSerializer.Meta):
        fields = (*MembershipOutputSerializer.Meta.fields, "title", "required_count", "required_done", "percent")
        read_only_fields = fields

    def get_percent(self, m) -> int:
        return sel.percent(m.required_done, m.required_count)


def _path(request, value: str) -> CareerPath:
    """By id or slug; a draft is the 404 of an unknown path (authors excepted)."""
    pk = parse_uuid(value)
    return (
        sel.career_path_get(user=request.user, path_id=pk) if pk else sel.career_path_get(user=request.user, slug=value)
    )


def _detail(request, path: CareerPath) -> Response:
    path = _path(request, str(path.pk))  # fresh counts and membership
    progress = sel.career_path_progress(path=path, user=request.user)
    return Response(CareerPathDetailOutputSerializer(path, context={"progress": progress}).data)


class CareerPathListApi(generics.ListAPIView):
    """Published career paths: `search=` (title, summary, role), `joined=true|false` (signed in); paginated."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CareerPathOutputSerializer
    queryset = CareerPath.objects.none()  # the model, for the schema
    filter_backends: list = []

    def get_queryset(self):
        search = (self.request.query_params.get("search") or "").replace("\x00", "").strip()[:100]
        joined = {"true": True, "1": True, "false": False, "0": False}.get(
            (self.request.query_params.get("joined") or "").lower()
        )
        return sel.career_path_list(user=self.request.user, search=search, joined=joined)

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("search", OpenApiTypes.STR, description="Words in the title, summary or role."),
            OpenApiParameter("joined", OpenApiTypes.BOOL, description="Only paths I joined (true) or did not."),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CareerPathDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=TAGS, responses=CareerPathDetailOutputSerializer)
    def get(self, request, path: str):
        return _detail(request, _path(request, path))


class CareerPathJoinApi(APIView):
    """POST joins (idempotent; enrols in nothing), DELETE leaves (409 `not_member`, `completed`)."""

    @extend_schema(tags=TAGS, request=None, responses=CareerPathDetailOutputSerializer)
    @conflict_codes("not_published")
    def post(self, request, path: str):
        career_path = _path(request, path)
        services.career_path_join(user=request.user, path=career_path)
        return _detail(request, career_path)

    @extend_schema(tags=TAGS, request=None, responses=CareerPathDetailOutputSerializer)
    @conflict_codes("not_member", "completed")
    def delete(self, request, path: str):
        career_path = _path(request, path)
        services.career_path_leave(user=request.user, path=career_path)
        return _detail(request, career_path)


class MyCareerPathListApi(generics.ListAPIView):
    """The paths I joined, with progress (required courses completed)."""

    serializer_class = MyCareerPathOutputSerializer
    queryset = UserCareerPath.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return sel.my_career_paths(user=self.request.user)

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
