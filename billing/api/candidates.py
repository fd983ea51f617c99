"""Employer candidate search API: public resumes of people open to work (employer partners' managers and
staff who handle employer requests; everyone else 403)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied

from accounts import resume_selectors
from accounts.models import Resume
from billing.permissions import can_search_candidates


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    skills = serializers.SerializerMethodField()
    profile_url = serializers.SerializerMethodField()

    class Meta:
        model = Resume
        fields = ["slug", "name", "headline", "location", "skills", "updated_at", "profile_url"]

    def get_skills(self, resume) -> list[str]:
        return [e.title for e in resume.skill_entries]

    def get_profile_url(self, resume) -> str:
        return reverse("public_profile", kwargs={"slug": resume.slug})


class CandidateSearchApi(generics.ListAPIView):
    """Candidates who opted in (public resume, open to work): ?q= keywords, ?skill=, ?location=."""

    serializer_class = CandidateSerializer
    queryset = Resume.objects.none()

    @extend_schema(
        tags=["billing: employer"],
        parameters=[
            OpenApiParameter("q", str, description="Keywords (all must match)."),
            OpenApiParameter("skill", str),
            OpenApiParameter("location", str),
        ],
    )
    def get(self, request, *args, **kwargs):
        if not can_search_candidates(request.user):
            raise PermissionDenied(_("Only employer partners can search candidates."))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        return resume_selectors.candidate_search(
            q=p.get("q", "")[:100], skill=p.get("skill", "")[:100], location=p.get("location", "")[:100]
        )
