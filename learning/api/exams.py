"""Certification exams API (tag `learning: exams`): the exams, starting an attempt, saving answers,
submitting, my attempts and results, and the browser's proctoring events.

Questions go out without their correct answers; results show them only when the exam says so.  Rule
refusals are 409 with `error.code` (a cooldown adds `error.next_allowed_at`); someone else's attempt is a 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from courseworx.core.api.schema import conflict_codes
from courseworx.core.exceptions import ConflictError
from learning import exams_selectors as selectors
from learning import services
from learning.models import CertificationExam, ExamAttempt

START_CODES = ("not_published", "not_enrolled", "already_passed", "attempts_exhausted", "cooldown", "pool_too_small")


class ExamOutputSerializer(serializers.ModelSerializer):
    course = serializers.SerializerMethodField()
    my_attempts = serializers.IntegerField(read_only=True)
    my_best = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True, allow_null=True)
    my_passed = serializers.BooleanField(read_only=True)

    class Meta:
        model = CertificationExam
        fields = ("id", "slug", "title", "description", "course", "questions_per_attempt", "time_limit_minutes",
                  "pass_score", "max_attempts", "cooldown_hours", "my_attempts", "my_best", "my_passed")  # fmt: skip
        read_only_fields = fields

    def get_course(self, obj) -> dict | None:
        if obj.course_id is None:
            return None
        return {"id": str(obj.course_id), "slug": obj.course.slug, "title": obj.course.title}


class ExamQuestionOutputSerializer(serializers.Serializer):
    """A drawn question as the candidate sees it: never its correct answers or explanation."""

    id = serializers.UUIDField()
    question = serializers.CharField()
    question_type = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    points = serializers.IntegerField()


class ExamAttemptOutputSerializer(serializers.ModelSerializer):
    exam = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    certificate_id = serializers.UUIDField(read_only=True, allow_null=True)
    invalidated = serializers.SerializerMethodField()

    class Meta:
        model = ExamAttempt
        fields = ("id", "exam", "number", "status", "started_at", "deadline_at", "submitted_at", "answers",
                  "answers_saved_at", "score", "max_score", "percent", "passed", "invalidated", "certificate_id",
                  "questions", "results")  # fmt: skip
        read_only_fields = fields

    def get_exam(self, obj) -> dict:
        return {"id": str(obj.exam_id), "slug": obj.exam.slug, "title": obj.exam.title}

    def get_questions(self, obj) -> list[dict]:
        questions = self.context.get("questions")
        if not obj.is_open or questions is None:
            return []
        return ExamQuestionOutputSerializer(questions, many=True).data

    def get_answers(self, obj) -> dict:
        return obj.answers if obj.is_open else {}

    def get_invalidated(self, obj) -> bool:
        return obj.is_invalidated

    def get_results(self, obj) -> dict:
        """Per question: points, correct, the answer given; correct answers only when the exam shows them."""
        if obj.is_open:
            return {}
        show = obj.exam.show_correct_answers
        keep = ("answer", "points", "max", "correct") + (("correct_answers", "explanation") if show else ())
        return {qid: {k: r.get(k) for k in keep} for qid, r in obj.results.items()}


class AnswersInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True), help_text="{question id: option text | [option texts] | text}"
    )


class SubmitInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True), required=False)


class ProctorInputSerializer(serializers.Serializer):
    events = serializers.ListField(child=serializers.DictField(), max_length=1000)


class ProctorOutputSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    dropped = serializers.IntegerField()


def _conflict_response(exc: ConflictError) -> Response:
    body = {"code": exc.code, "message": " ".join(exc.messages), "fields": {}}
    if exc.params and "next_allowed_at" in exc.params:
        body["next_allowed_at"] = exc.params["next_allowed_at"]
    return Response({"error": body}, status=status.HTTP_409_CONFLICT)


@extend_schema(tags=["learning: exams"])
class ExamListView(generics.ListAPIView):
    """Published certification exams with my attempts, best score and whether I passed."""

    queryset = CertificationExam.objects.none()  # the model, for the schema
    serializer_class = ExamOutputSerializer

    def get_queryset(self):
        return selectors.exam_list(user=self.request.user)


@extend_schema(tags=["learning: exams"])
class ExamAttemptStartView(APIView):
    """Start an attempt (201), or get the one in progress (200).  The drawn questions come without answers."""

    @extend_schema(request=None, responses={201: ExamAttemptOutputSerializer, 200: ExamAttemptOutputSerializer})
    @conflict_codes(*START_CODES)
    def post(self, request, slug):
        exam = selectors.exam_get(user=request.user, slug=slug)
        if not exam.is_published:
            raise Http404(_("No such exam."))
        before = ExamAttempt.objects.filter(user=request.user, exam=exam, status="in_progress").exists()
        try:
            attempt = services.exam_attempt_start(user=request.user, exam=exam)
        except ConflictError as exc:
            return _conflict_response(exc)
        data = ExamAttemptOutputSerializer(attempt, context={"questions": selectors.exam_questions_for(attempt)}).data
        return Response(data, status=status.HTTP_200_OK if before else status.HTTP_201_CREATED)


@extend_schema(tags=["learning: exams"])
class MyExamAttemptListView(generics.ListAPIView):
    """My attempts, newest first (results as on the result page)."""

    queryset = ExamAttempt.objects.none()
    serializer_class = ExamAttemptOutputSerializer

    def get_queryset(self):
        return selectors.exam_attempt_list(user=self.request.user)


def _own_attempt(request, attempt_id) -> ExamAttempt:
    attempt = selectors.exam_attempt_own(user=request.user, attempt_id=attempt_id)
    if services.exam_is_overdue(attempt):  # closed lazily when opened
        attempt = services.exam_attempt_close_if_overdue(attempt_id=attempt.pk) or attempt
        attempt.refresh_from_db()
    return attempt


@extend_schema(tags=["learning: exams"])
class ExamAttemptDetailView(APIView):
    @extend_schema(responses=ExamAttemptOutputSerializer)
    def get(self, request, attempt_id):
        attempt = _own_attempt(request, attempt_id)
        questions = selectors.exam_questions_for(attempt) if attempt.is_open else None
        return Response(ExamAttemptOutputSerializer(attempt, context={"questions": questions}).data)


@extend_schema(tags=["learning: exams"])
class ExamAttemptAnswersView(APIView):
    """Save some or all answers (merged with those saved before); refused after the time (409 `time_over`)."""

    @extend_schema(request=AnswersInputSerializer, responses=ExamAttemptOutputSerializer)
    @conflict_codes("time_over", "already_submitted")
    def post(self, request, attempt_id):
        attempt = selectors.exam_attempt_own(user=request.user, attempt_id=attempt_id)
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.exam_answers_save(attempt=attempt, user=request.user, answers=data.validated_data["answers"])
        return Response(ExamAttemptOutputSerializer(attempt).data)


@extend_schema(tags=["learning: exams"])
class ExamAttemptSubmitView(APIView):
    """Submit (optionally with last answers) and get the graded attempt."""

    @extend_schema(request=SubmitInputSerializer, responses=ExamAttemptOutputSerializer)
    @conflict_codes("time_over", "already_submitted")
    def post(self, request, attempt_id):
        attempt = selectors.exam_attempt_own(user=request.user, attempt_id=attempt_id)
        data = SubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.exam_attempt_submit(
            attempt=attempt, user=request.user, answers=data.validated_data.get("answers")
        )
        return Response(ExamAttemptOutputSerializer(attempt).data)


@extend_schema(tags=["learning: exams"])
class ExamProctorEventsView(APIView):
    """Events of my attempt in progress: [{kind, occurred_at (ISO 8601), detail}] (at most
    EXAM_PROCTOR_MAX_BATCH at a time; the attempt keeps at most EXAM_PROCTOR_MAX_EVENTS)."""

    @extend_schema(request=ProctorInputSerializer, responses=ProctorOutputSerializer)
    @conflict_codes("attempt_closed")
    def post(self, request, attempt_id):
        attempt = selectors.exam_attempt_own(user=request.user, attempt_id=attempt_id)
        data = ProctorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.exam_proctor_events_record(
            attempt=attempt, user=request.user, events=data.validated_data["events"]
        )
        return Response(result, status=status.HTTP_201_CREATED)
