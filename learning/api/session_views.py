"""Classroom sessions API: list/create/update/cancel/delete (instructors), the live token (trainers), sign-in
and sign-out (trainees, with the QR token or by self sign-in), a session's attendance sheet and manual marks
with a reason (trainers).

A session of a course the caller neither learns nor teaches is a 404; trainees get 403 for trainer actions.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from courses.models import Course
from courseworx.core.api.schema import conflict_codes
from courseworx.core.clientip import client_ip
from learning import permissions as perms
from learning import selectors, services
from learning.models import Attendance, ClassSession, Enrollment


class ClassSessionSerializer(serializers.ModelSerializer):
    course = serializers.UUIDField(source="course_id", read_only=True)
    local_start = serializers.DateTimeField(read_only=True)
    local_end = serializers.DateTimeField(read_only=True)

    class Meta:
        model = ClassSession
        fields = [
            "id", "course", "title", "starts_at", "ends_at", "timezone", "local_start", "local_end", "room",
            "online_url", "capacity", "self_sign_in_allowed", "allowed_ip_ranges", "grace_minutes", "status",
            "closed_at", "cancelled_at", "cancel_reason",
        ]  # fmt: skip
        read_only_fields = ["id", "closed_at", "cancelled_at", "cancel_reason"]


class ClassSessionInputSerializer(serializers.Serializer):
    course = serializers.UUIDField(required=False, help_text="On create: the course (one you teach).")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    room = serializers.CharField(max_length=120, required=False, allow_blank=True)
    online_url = serializers.URLField(required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, max_value=100_000, required=False, allow_null=True)
    self_sign_in_allowed = serializers.BooleanField(required=False)
    allowed_ip_ranges = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    grace_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False)
    status = serializers.ChoiceField(
        choices=ClassSession.Status.choices, required=False,
        help_text="On create only; cancel a session with `POST …/cancel/` and a reason.",
    )  # fmt: skip


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why: sent to the enrolled trainees.")


class MarkInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[(a, a) for a in ("sign_in", "sign_out", "excuse", "absent")],
        help_text="sign_in / sign_out: now (or at `at`); excuse / absent: the whole session.",
    )
    reason = serializers.CharField(
        max_length=300, help_text="Required: kept as the record's note and in the audit log."
    )
    at = serializers.DateTimeField(
        required=False, help_text="When the trainee signed in or out (default: now); within the session's day."
    )


class SignInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                  help_text="The QR code's token (`t`); empty: self sign-in, if allowed.")  # fmt: skip


class SessionAttendanceSerializer(serializers.ModelSerializer):
    user = serializers.UUIDField(source="user_id", read_only=True)

    class Meta:
        model = Attendance
        fields = ["user", "status", "signed_in_at", "signed_out_at", "duration_minutes", "method", "note"]


class LiveTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()
    action = serializers.CharField()
    expires_in = serializers.IntegerField()


def _visible(request, session_id) -> ClassSession:
    return selectors.class_session_for_user(user=request.user, session_id=session_id)


def _staff(request, session_id) -> ClassSession:
    session = _visible(request, session_id)
    if not perms.can_record_attendance(request.user, session.course):
        raise PermissionDenied(_("Only the course's trainers may do this."))
    return session


class ClassSessionListCreateView(generics.ListAPIView):
    """Sessions of the courses I learn or teach (?course= for one).  POST: schedule one (instructors)."""

    queryset = ClassSession.objects.none()
    serializer_class = ClassSessionSerializer

    @extend_schema(parameters=[OpenApiParameter("course", str, description="Limit to one course (id).")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.class_sessions_visible(user=self.request.user)
        course_id = self.request.query_params.get("course")
        if course_id:
            try:
                qs = qs.filter(course_id=serializers.UUIDField().to_internal_value(course_id))
            except serializers.ValidationError:
                return qs.none()
        return qs

    @extend_schema(request=ClassSessionInputSerializer, responses={201: ClassSessionSerializer})
    def post(self, request):
        data = ClassSessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        course = Course.objects.filter(pk=fields.pop("course", None)).first()
        if course is None or not perms.can_record_attendance(request.user, course):
            raise Http404(_("No such course."))
        session = services.class_session_create(actor=request.user, course=course, **fields)
        return Response(ClassSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class ClassSessionDetailView(APIView):
    @extend_schema(responses=ClassSessionSerializer)
    def get(self, request, session_id):
        return Response(ClassSessionSerializer(_visible(request, session_id)).data)

    @extend_schema(request=ClassSessionInputSerializer, responses=ClassSessionSerializer)
    @conflict_codes("cancelled", "session_over", "started")
    def patch(self, request, session_id):
        session = _staff(request, session_id)
        data = ClassSessionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "course"}
        session = services.class_session_update(actor=request.user, session=session, **fields)
        return Response(ClassSessionSerializer(session).data)

    @extend_schema(responses={204: None})
    @conflict_codes("has_attendance")
    def delete(self, request, session_id):
        services.class_session_delete(actor=request.user, session=_staff(request, session_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClassSessionLiveTokenView(APIView):
    """A fresh QR token for the live screen (valid 45 s, one use per trainee)."""

    @extend_schema(
        parameters=[OpenApiParameter("action", str, enum=["in", "out"], description="Sign-in (default) or sign-out.")],
        responses=LiveTokenSerializer,
    )
    def get(self, request, session_id):
        session = _staff(request, session_id)
        action = "out" if request.query_params.get("action") == "out" else "in"
        token = services.attendance_token_make(session=session, action=action)
        url = services.attendance_token_url(session=session, token=token)
        return Response({"token": token, "url": url, "action": action, "expires_in": services.TOKEN_MAX_AGE})


class _SignView(APIView):
    action = "in"

    @extend_schema(request=SignInputSerializer, responses=SessionAttendanceSerializer)
    @conflict_codes("replayed", "not_open", "closed", "cancelled", "not_signed_in", "session_full")
    def post(self, request, session_id):
        session = _visible(request, session_id)
        data = SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.class_session_sign(
            user=request.user, session=session, action=self.action, token=data.validated_data.get("token") or None,
            ip=client_ip(request),
        )  # fmt: skip
        return Response(SessionAttendanceSerializer(record).data)


class ClassSessionSignInView(_SignView):
    """Sign in: with the QR token, or without one when the trainer allows self sign-in (IP ranges apply)."""

    action = "in"


class ClassSessionSignOutView(_SignView):
    """Sign out: with the sign-out QR token, or without one during the session (the page's button)."""

    action = "out"


class ClassSessionAttendanceView(generics.ListAPIView):
    """The session's records (trainers)."""

    queryset = Attendance.objects.none()
    serializer_class = SessionAttendanceSerializer

    def get_queryset(self):
        session = _staff(self.request, self.kwargs["session_id"])
        return Attendance.objects.filter(session=session).order_by("user__last_name", "user_id")


class ClassSessionCancelView(APIView):
    """Cancel a session with a reason (trainers): closed to sign-in, shown as cancelled, trainees notified."""

    @extend_schema(request=CancelInputSerializer, responses=ClassSessionSerializer)
    @conflict_codes("cancelled", "session_over")
    def post(self, request, session_id):
        session = _staff(request, session_id)
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.class_session_cancel(
            actor=request.user, session=session, reason=data.validated_data["reason"]
        )
        return Response(ClassSessionSerializer(session).data)


class ClassSessionMarkView(APIView):
    """A trainer signs a trainee in or out, or marks them excused or absent, with a reason (audited).

    The trainee is a user enrolled in the session's course; anyone else is a 404."""

    @extend_schema(responses=SessionAttendanceSerializer)
    def get(self, request, session_id, user_id):
        session = _staff(request, session_id)
        record = selectors.session_attendance_for(session=session, user=self._trainee(session, user_id))
        if record is None:
            raise Http404("No record yet.")
        return Response(SessionAttendanceSerializer(record).data)

    @extend_schema(request=MarkInputSerializer, responses=SessionAttendanceSerializer)
    @conflict_codes("not_signed_in", "cancelled")
    def post(self, request, session_id, user_id):
        session = _staff(request, session_id)
        trainee = self._trainee(session, user_id)
        data = MarkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.attendance_session_mark(
            session=session, user=trainee, actor=request.user, action=data.validated_data["action"],
            reason=data.validated_data["reason"], at=data.validated_data.get("at"),
        )  # fmt: skip
        return Response(SessionAttendanceSerializer(record).data)

    @staticmethod
    def _trainee(session: ClassSession, user_id) -> User:
        enrollment = (
            Enrollment.objects.filter(course_id=session.course_id, user_id=user_id)
            .active()
            .select_related("user")
            .first()
        )
        if enrollment is None:
            raise Http404("No such trainee in this course.")
        return enrollment.user
