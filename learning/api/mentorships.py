"""Mentorships API: the mentors who accept mentees, my mentorships (as mentee or mentor), requesting,
accepting/declining/cancelling/ending, a mentorship's sessions (the mentor plans, edits, marks held, cancels)
and the mentor's settings.

A mentorship is visible to its two participants (and staff); anyone else gets 404.  Wrong states are 409
with a code; `private_notes` are sent to the mentor only.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from courses.models import Course
from courseworx.core.api.schema import conflict_codes
from learning import mentorship_selectors as sel
from learning import services
from learning.models import Mentorship, MentorshipSession


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class MentorSerializer(PersonSerializer):
    topics = serializers.CharField(source="mentor_profile.topics", read_only=True)
    max_active_mentees = serializers.IntegerField(source="mentor_profile.max_active_mentees", read_only=True)
    active_mentees = serializers.IntegerField(read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = ["id", "name", "topics", "max_active_mentees", "active_mentees"]


class MentorshipSerializer(serializers.ModelSerializer):
    student = PersonSerializer(read_only=True)
    mentor = PersonSerializer(read_only=True)
    course = serializers.UUIDField(source="course_id", read_only=True, allow_null=True)
    next_session_at = serializers.DateTimeField(read_only=True, allow_null=True, required=False)

    class Meta:
        model = Mentorship
        fields = [
            "id", "student", "mentor", "course", "message", "status", "requested_at", "responded_at",
            "response_message", "started_at", "ended_at", "end_reason", "next_session_at",
        ]  # fmt: skip
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MentorshipSession
        fields = [
            "id", "mentorship", "scheduled_at", "duration_minutes", "location", "link", "agenda", "shared_notes",
            "private_notes", "status",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or request.user.pk != instance.mentorship.mentor_id:
            data.pop("private_notes")
        return data


class RequestInputSerializer(serializers.Serializer):
    mentor = serializers.UUIDField()
    message = serializers.CharField(max_length=2000)
    course = serializers.UUIDField(required=False, allow_null=True)


class MentorshipMessageInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OptionalReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SessionInputSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, required=False)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    link = serializers.URLField(max_length=200, required=False, allow_blank=True)
    agenda = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    shared_notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    private_notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class MentorSettingsSerializer(serializers.Serializer):
    accepting_mentees = serializers.BooleanField()
    max_active_mentees = serializers.IntegerField(min_value=1, max_value=100)
    topics = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MentorListApi(generics.ListAPIView):
    """Instructors who accept mentees (?q= name or topic)."""

    serializer_class = MentorSerializer
    queryset = User.objects.none()

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Name or topic.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return sel.mentors_accepting(query=self.request.query_params.get("q", "")).exclude(pk=self.request.user.pk)


class MentorshipListCreateApi(generics.ListAPIView):
    """My mentorships (?side=student|mentor, ?status=).  POST: ask an instructor for mentoring."""

    serializer_class = MentorshipSerializer
    queryset = Mentorship.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("side", str, enum=["student", "mentor"], description="As mentee or as mentor."),
            OpenApiParameter("status", str, enum=list(Mentorship.Status.values)),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return sel.mentorships_for(user=self.request.user, side=params.get("side", ""), status=params.get("status", ""))

    @extend_schema(request=RequestInputSerializer, responses={201: MentorshipSerializer})
    @conflict_codes("not_accepting", "already_open")
    def post(self, request):
        data = RequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mentor = sel.mentor_for_request(mentor_id=data.validated_data["mentor"])
        course = None
        if data.validated_data.get("course"):
            course = Course.objects.filter(pk=data.validated_data["course"], status=Course.Status.PUBLISHED).first()
            if course is None:
                raise Http404
        mentorship = services.mentorship_request(
            student=request.user, mentor=mentor, message=data.validated_data["message"], course=course
        )
        return Response(MentorshipSerializer(mentorship).data, status=status.HTTP_201_CREATED)


class MentorshipDetailApi(APIView):
    @extend_schema(responses=MentorshipSerializer)
    def get(self, request, mentorship_id):
        return Response(
            MentorshipSerializer(sel.mentorship_for_user(user=request.user, mentorship_id=mentorship_id)).data
        )


def _participant(request, mentorship_id) -> Mentorship:
    mentorship = sel.mentorship_for_user(user=request.user, mentorship_id=mentorship_id)
    if request.user.pk not in (mentorship.student_id, mentorship.mentor_id):
        raise Http404  # staff read; only the participants act
    return mentorship


class _ActionApi(APIView):
    input_serializer: type[serializers.Serializer] = MentorshipMessageInputSerializer
    field = "message"

    def act(self, mentorship, actor, text):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, mentorship_id):
        mentorship = _participant(request, mentorship_id)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = self.act(mentorship, request.user, data.validated_data.get(self.field, ""))
        return Response(MentorshipSerializer(result).data)


class MentorshipAcceptApi(_ActionApi):
    """The mentor accepts (409 `not_requested`, `mentee_limit`)."""

    @extend_schema(request=MentorshipMessageInputSerializer, responses=MentorshipSerializer)
    @conflict_codes("not_requested", "mentee_limit")
    def post(self, request, mentorship_id):
        return super().post(request, mentorship_id)

    def act(self, mentorship, actor, text):
        return services.mentorship_accept(mentorship=mentorship, actor=actor, message=text)


class MentorshipDeclineApi(_ActionApi):
    @extend_schema(request=MentorshipMessageInputSerializer, responses=MentorshipSerializer)
    @conflict_codes("not_requested")
    def post(self, request, mentorship_id):
        return super().post(request, mentorship_id)

    def act(self, mentorship, actor, text):
        return services.mentorship_decline(mentorship=mentorship, actor=actor, message=text)


class MentorshipCancelApi(_ActionApi):
    """Either side withdraws a pending request."""

    input_serializer = OptionalReasonInputSerializer
    field = "reason"

    @extend_schema(request=OptionalReasonInputSerializer, responses=MentorshipSerializer)
    @conflict_codes("not_requested")
    def post(self, request, mentorship_id):
        return super().post(request, mentorship_id)

    def act(self, mentorship, actor, text):
        return services.mentorship_cancel(mentorship=mentorship, actor=actor, reason=text)


class MentorshipEndApi(_ActionApi):
    """Either side ends an accepted mentorship (reason required)."""

    input_serializer = ReasonInputSerializer
    field = "reason"

    @extend_schema(request=ReasonInputSerializer, responses=MentorshipSerializer)
    @conflict_codes("not_active")
    def post(self, request, mentorship_id):
        return super().post(request, mentorship_id)

    def act(self, mentorship, actor, text):
        return services.mentorship_end(mentorship=mentorship, actor=actor, reason=text)


class SessionListCreateApi(APIView):
    """A mentorship's sessions (both participants); POST: the mentor plans one."""

    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request, mentorship_id):
        mentorship = sel.mentorship_for_user(user=request.user, mentorship_id=mentorship_id)
        sessions = sel.mentorship_sessions(mentorship=mentorship).select_related("mentorship")
        return Response(SessionSerializer(sessions, many=True, context={"request": request}).data)

    @extend_schema(request=SessionInputSerializer, responses={201: SessionSerializer})
    @conflict_codes("not_active")
    def post(self, request, mentorship_id):
        mentorship = _participant(request, mentorship_id)
        data = SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "scheduled_at" not in data.validated_data:
            raise serializers.ValidationError({"scheduled_at": ["This field is required."]})
        session = services.mentorship_session_create(mentorship=mentorship, actor=request.user, **data.validated_data)
        return Response(SessionSerializer(session, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _session(request, session_id) -> MentorshipSession:
    session = sel.mentorship_session_for_user(user=request.user, session_id=session_id)
    if request.user.pk not in (session.mentorship.student_id, session.mentorship.mentor_id):
        raise Http404
    return session


class SessionDetailApi(APIView):
    """One session.  PATCH (mentor): time and place while planned, notes at any time.  DELETE (mentor): cancel."""

    @extend_schema(responses=SessionSerializer)
    def get(self, request, session_id):
        session = sel.mentorship_session_for_user(user=request.user, session_id=session_id)
        return Response(SessionSerializer(session, context={"request": request}).data)

    @extend_schema(request=SessionInputSerializer, responses=SessionSerializer)
    @conflict_codes("not_planned")
    def patch(self, request, session_id):
        session = _session(request, session_id)
        data = SessionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        session = services.mentorship_session_update(session=session, actor=request.user, **data.validated_data)
        return Response(SessionSerializer(session, context={"request": request}).data)

    @extend_schema(responses=SessionSerializer)
    @conflict_codes("not_planned")
    def delete(self, request, session_id):
        session = services.mentorship_session_cancel(session=_session(request, session_id), actor=request.user)
        return Response(SessionSerializer(session, context={"request": request}).data)


class SessionHeldApi(APIView):
    @extend_schema(request=None, responses=SessionSerializer)
    @conflict_codes("not_planned", "not_started")
    def post(self, request, session_id):
        session = services.mentorship_session_mark_held(session=_session(request, session_id), actor=request.user)
        return Response(SessionSerializer(session, context={"request": request}).data)


class MentorSettingsApi(APIView):
    """The instructor's mentoring settings (instructors only: 403 for others)."""

    @extend_schema(responses=MentorSettingsSerializer)
    def get(self, request):
        profile = sel.mentor_profile_for(user=request.user)
        data = {"accepting_mentees": False, "max_active_mentees": 3, "topics": ""}
        if profile is not None:
            data = {k: getattr(profile, k) for k in data}
        return Response(data)

    @extend_schema(request=MentorSettingsSerializer, responses=MentorSettingsSerializer)
    def put(self, request):
        data = MentorSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.mentor_profile_save(mentor=request.user, **data.validated_data)
        return Response({k: getattr(profile, k) for k in ("accepting_mentees", "max_active_mentees", "topics")})
