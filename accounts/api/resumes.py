"""Resume API: my resume (GET/PUT), its entries (CRUD, owner only: another person's entry is a 404) and a
public profile by slug (only when its owner opted in; anyone, even without logging in)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import resume_selectors as sel
from accounts import services_resumes as services
from accounts.models import Resume, ResumeEntry

TAGS = ["accounts: resumes"]


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ResumeEntry
        fields = ["id", "kind", "title", "organisation", "start_date", "end_date", "description", "level", "position"]
        read_only_fields = ["id", "position"]


class SectionItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    subtitle = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    url = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    items = SectionItemSerializer(many=True)


class ResumeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resume
        fields = ["headline", "summary", "location", "show_email", "is_public", "open_to_work", "slug", "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"slug": {"required": False, "validators": []}}


class ResumeOutputSerializer(ResumeSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    entries = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()

    class Meta(ResumeSerializer.Meta):
        fields = ["name", *ResumeSerializer.Meta.fields, "entries", "sections"]

    @extend_schema(responses=EntrySerializer(many=True))
    def get_entries(self, resume) -> list[dict]:
        return EntrySerializer(sel.resume_entries(resume), many=True).data

    @extend_schema(responses=SectionSerializer(many=True))
    def get_sections(self, resume) -> list[dict]:
        return SectionSerializer(sel.resume_view(resume).sections, many=True).data


class PublicResumeSerializer(ResumeOutputSerializer):
    email = serializers.SerializerMethodField()

    class Meta(ResumeOutputSerializer.Meta):
        fields = ["name", "email", "headline", "summary", "location", "open_to_work", "slug", "updated_at", "entries",
                  "sections"]  # fmt: skip

    def get_email(self, resume) -> str:
        return resume.user.email if resume.show_email else ""


class MyResumeApi(APIView):
    """My resume (created on first use, private)."""

    @extend_schema(tags=TAGS, responses=ResumeOutputSerializer)
    def get(self, request):
        return Response(ResumeOutputSerializer(services.resume_get_or_create(user=request.user)).data)

    @extend_schema(tags=TAGS, request=ResumeSerializer, responses=ResumeOutputSerializer)
    def put(self, request):
        data = ResumeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        resume = services.resume_update(user=request.user, data=dict(data.validated_data))
        return Response(ResumeOutputSerializer(resume).data)


class MyResumeEntriesApi(APIView):
    @extend_schema(tags=TAGS, responses=EntrySerializer(many=True))
    def get(self, request):
        resume = services.resume_get_or_create(user=request.user)
        return Response(EntrySerializer(sel.resume_entries(resume), many=True).data)

    @extend_schema(tags=TAGS, request=EntrySerializer, responses={201: EntrySerializer})
    def post(self, request):
        data = EntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.resume_entry_create(user=request.user, **data.validated_data)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class MyResumeEntryApi(APIView):
    def _entry(self, request, entry_id) -> ResumeEntry:
        return get_object_or_404(ResumeEntry.objects.select_related("resume"), pk=entry_id, resume__user=request.user)

    @extend_schema(tags=TAGS, responses=EntrySerializer)
    def get(self, request, entry_id):
        return Response(EntrySerializer(self._entry(request, entry_id)).data)

    @extend_schema(tags=TAGS, request=EntrySerializer, responses=EntrySerializer)
    def patch(self, request, entry_id):
        entry = self._entry(request, entry_id)
        data = EntrySerializer(entry, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        entry = services.resume_entry_update(entry=entry, user=request.user, data=dict(data.validated_data))
        return Response(EntrySerializer(entry).data)

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request, entry_id):
        services.resume_entry_delete(entry=self._entry(request, entry_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublicProfileApi(APIView):
    """A public resume by its address (404 unless its owner made it public)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, responses=PublicResumeSerializer)
    def get(self, request, slug):
        return Response(PublicResumeSerializer(sel.public_resume(slug=slug)).data)
