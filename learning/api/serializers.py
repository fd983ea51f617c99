"""One input and one output serializer per endpoint; correct answers are never in a question's output."""

import re

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from learning.models import (
    Assignment,
    AssignmentSubmission,
    Attendance,
    Enrollment,
    IssuedCertificate,
    LessonCompletion,
    QuizAttempt,
    SavedCourse,
    UserNote,
)
from learning.selectors import certificate_verification_url


class CourseRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    title = serializers.CharField()


# --- Enrolments --------------------------------------------------------------------------------


class EnrollmentOutputSerializer(serializers.ModelSerializer):
    """`lessons_*` are counted now by the rule of the course's `lesson_count` (learning.selectors.
    with_lesson_progress); `required_total`/`completed_required` are the stored counters behind completion."""

    course = CourseRefSerializer()
    last_content_id = serializers.UUIDField(allow_null=True)
    lessons_total = serializers.IntegerField(help_text="The course's lessons (the course's lesson_count).")
    lessons_required = serializers.IntegerField(help_text="Those of them that are required.")
    lessons_done = serializers.IntegerField(help_text=_('Required lessons completed ("2 of 6").'))

    class Meta:
        model = Enrollment
        fields = (
            "id",
            "course",
            "status",
            "source",
            "enrolled_at",
            "completed_at",
            "dropped_at",
            "lessons_total",
            "lessons_required",
            "lessons_done",
            "required_total",
            "completed_required",
            "progress_percent",
            "grade",
            "last_content_id",
            "last_accessed_at",
        )
        read_only_fields = fields


class EnrollmentCreateInputSerializer(serializers.Serializer):
    course = serializers.CharField(help_text="The course's id or slug.")


class CompletionOutputSerializer(serializers.ModelSerializer):
    content_id = serializers.UUIDField()
    course_id = serializers.UUIDField()

    class Meta:
        model = LessonCompletion
        fields = ("content_id", "course_id", "completed", "completed_at", "time_spent_seconds", "score", "attempts")
        read_only_fields = fields


class ProgressOutputSerializer(serializers.Serializer):
    enrollment = EnrollmentOutputSerializer()
    completions = CompletionOutputSerializer(many=True)


# --- Quizzes -----------------------------------------------------------------------------------


class QuestionOutputSerializer(serializers.Serializer):
    """A question as the student sees it while answering: no correct answers, no explanation."""

    id = serializers.UUIDField()
    question = serializers.CharField()
    question_type = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    points = serializers.IntegerField()


class QuizAttemptOutputSerializer(serializers.ModelSerializer):
    content_id = serializers.UUIDField()
    course_id = serializers.UUIDField()
    questions = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta:
        model = QuizAttempt
        fields = (
            "id",
            "content_id",
            "course_id",
            "number",
            "status",
            "started_at",
            "deadline_at",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
            "needs_manual_grading",
            "questions",
            "results",
        )
        read_only_fields = fields

    def get_questions(self, obj) -> list[dict]:
        questions = self.context.get("questions")
        if not obj.is_open or questions is None:
            return []
        return QuestionOutputSerializer(questions, many=True).data

    def get_results(self, obj) -> dict:
        # Feedback (correct answers, explanations) only once the attempt is closed.
        return {} if obj.is_open else obj.results


_SURROGATE = re.compile("[\ud800-\udfff]")


class QuizAttemptSubmitInputSerializer(serializers.Serializer):
    """One answer per question of the attempt: an option's text, a list of option texts (multiple choice), a
    text answer (at most 2000 characters) or null.  An unknown question id or another type of answer is
    refused with a 400 on `answers`."""

    # The view passes context={"question_ids": attempt.question_order}.  Before issue 19 §5 such answers were
    # stored and silently graded wrong (a lone surrogate was a 500 on PostgreSQL).

    MAX_ANSWER_LENGTH = 2000
    MAX_CHOICES = 100

    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="{question id: option text | [option texts] | text answer | null}; only the attempt's questions.",
    )

    def _text_ok(self, text) -> bool:
        # A lone surrogate (JSON "\ud800") cannot be encoded as UTF-8: PostgreSQL would refuse the row.
        return isinstance(text, str) and len(text) <= self.MAX_ANSWER_LENGTH and not _SURROGATE.search(text)

    def _answer_ok(self, answer) -> bool:
        if answer is None:
            return True
        if isinstance(answer, list):
            return len(answer) <= self.MAX_CHOICES and all(self._text_ok(a) for a in answer)
        return self._text_ok(answer)

    def validate_answers(self, value: dict) -> dict:
        known = {str(qid) for qid in self.context.get("question_ids", ())}
        unknown = sorted(qid for qid in value if qid not in known)
        if unknown:
            raise serializers.ValidationError(
                _("These are not questions of this attempt: %(ids)s.") % {"ids": ", ".join(unknown[:5])},
                code="unknown_question",
            )
        if not all(self._answer_ok(answer) for answer in value.values()):
            raise serializers.ValidationError(
                _("Each answer must be a text of at most %(max)s characters, a list of such texts, or null.")
                % {"max": self.MAX_ANSWER_LENGTH},
                code="invalid_answer",
            )
        return value


class QuizGradeInputSerializer(serializers.Serializer):
    points = serializers.DictField(child=serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0))


# --- Assignments -------------------------------------------------------------------------------


class AssignmentOutputSerializer(serializers.ModelSerializer):
    course = CourseRefSerializer()

    class Meta:
        model = Assignment
        fields = ("id", "course", "title", "description", "due_at", "points", "allow_late")
        read_only_fields = fields


class SubmissionOutputSerializer(serializers.ModelSerializer):
    assignment_id = serializers.UUIDField()
    course_id = serializers.UUIDField()
    user_id = serializers.UUIDField()
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = AssignmentSubmission
        fields = (
            "id",
            "assignment_id",
            "course_id",
            "user_id",
            "text",
            "has_file",
            "status",
            "submitted_at",
            "revision",
            "is_late",
            "score",
            "feedback",
            "graded_at",
        )
        read_only_fields = fields

    def get_has_file(self, obj) -> bool:
        return bool(obj.file)


class SubmissionInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    file = serializers.FileField(required=False)


class GradeInputSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0)
    feedback = serializers.CharField(required=False, allow_blank=True, default="")


# --- Notes -------------------------------------------------------------------------------------


class NoteOutputSerializer(serializers.ModelSerializer):
    content_id = serializers.UUIDField(allow_null=True, help_text="The lesson; null for a note on the whole course.")
    course_id = serializers.UUIDField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = UserNote
        fields = ("id", "content_id", "course_id", "body", "is_private", "tags", "created_at", "updated_at")
        read_only_fields = fields

    def get_tags(self, obj) -> list[str]:
        return [t.name for t in obj.tags.all()]


_TAGS = serializers.ListField(
    child=serializers.CharField(max_length=200, allow_blank=True), max_length=50, required=False,
    help_text="Tags (normalised: lower case, single spaces; at most 10 of 40 characters).",
)  # fmt: skip


class NoteInputSerializer(serializers.Serializer):
    content = serializers.UUIDField(required=False, help_text="A lesson (one note per lesson: saving again updates).")
    course = serializers.UUIDField(required=False, help_text="Without `content`: a new note on the whole course.")
    body = serializers.CharField(max_length=20_000)
    is_private = serializers.BooleanField(default=True)
    tags = _TAGS

    def validate(self, attrs):
        if not attrs.get("content") and not attrs.get("course"):
            raise serializers.ValidationError({"content": "Give a lesson (`content`) or a course (`course`)."})
        return attrs


class NoteUpdateInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000, required=False)
    is_private = serializers.BooleanField(required=False)
    tags = _TAGS


# --- Attendance --------------------------------------------------------------------------------


class AttendanceOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.UUIDField()
    user_id = serializers.UUIDField()

    class Meta:
        model = Attendance
        fields = (
            "id",
            "course_id",
            "user_id",
            "date",
            "status",
            "sign_in_at",
            "sign_out_at",
            "duration_minutes",
            "note",
        )
        read_only_fields = fields


class AttendanceInputSerializer(serializers.Serializer):
    course = serializers.UUIDField()
    user = serializers.UUIDField()
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    sign_in_at = serializers.TimeField(required=False, allow_null=True)
    sign_out_at = serializers.TimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


# --- Certificates ------------------------------------------------------------------------------


class CertificateOutputSerializer(serializers.ModelSerializer):
    course = CourseRefSerializer()
    download_url = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedCertificate
        fields = (
            "id",
            "course",
            "code",
            "holder_name",
            "course_title",
            "issued_at",
            "status",
            "revoked_at",
            "revoked_reason",
            "download_url",
            "verification_url",
        )
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        return reverse("learning:certificate_download", args=[obj.pk]) if obj.pdf else None

    def get_verification_url(self, obj) -> str:
        return certificate_verification_url(obj)


class CertificateVerifyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = IssuedCertificate
        fields = ("code", "holder_name", "course_title", "issued_at", "status", "revoked_at", "revoked_reason")
        read_only_fields = fields


# --- Saved courses -----------------------------------------------------------------------------


class SavedCourseOutputSerializer(serializers.ModelSerializer):
    course = CourseRefSerializer()

    class Meta:
        model = SavedCourse
        fields = ("course", "created_at")
        read_only_fields = fields


class SavedCourseInputSerializer(serializers.Serializer):
    course = serializers.UUIDField()
