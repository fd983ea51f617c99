"""Learning API: thin views (parse, call a service or selector, serialise).

Objects a user may not see are 404s; service refusals are 400 (ValidationError), 403 or 409 (ConflictError).
"""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course, CourseContent
from courseworx.core.api.schema import conflict_codes
from learning import permissions as perms
from learning import selectors, services
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

from . import serializers as s

COURSE_PARAM = OpenApiParameter("course", str, description="Limit to one course (id).")


def _lesson(request, content_id) -> CourseContent:
    # A lesson the caller may not see (a draft course's, an unpublished one) is as unknown as a wrong id.
    return selectors.lesson_for_learning(user=request.user, content_id=content_id)


# --- Enrolments --------------------------------------------------------------------------------


class EnrollmentListCreateView(generics.ListAPIView):
    """My enrolments; POST enrols in a free course (a paid course is bought through billing: 400 `paid_course`).
    Enrolling again answers the enrolment one has (idempotent); a course whose state refuses the caller is a 409
    with `error.code` `course_full`, `prerequisites`, `course_ended`, `suspended` (the caller's enrolment) or
    `not_published` (course staff enrolling in their draft)."""

    queryset = Enrollment.objects.none()  # the model, for the schema; rows come from get_queryset

    serializer_class = s.EnrollmentOutputSerializer

    def get_queryset(self):
        return selectors.enrollment_list(user=self.request.user)

    @extend_schema(request=s.EnrollmentCreateInputSerializer, responses={201: s.EnrollmentOutputSerializer})
    @conflict_codes("course_full", "prerequisites", "course_ended", "suspended", "not_published")
    def post(self, request):
        data = s.EnrollmentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = selectors.course_for_learning_by_id_or_slug(value=data.validated_data["course"], user=request.user)
        enrollment = services.enrollment_create(user=request.user, course=course, source="free")
        enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment.pk)  # with its counts
        return Response(s.EnrollmentOutputSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class EnrollmentDetailView(APIView):
    @extend_schema(responses=s.EnrollmentOutputSerializer)
    def get(self, request, enrollment_id):
        enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
        return Response(s.EnrollmentOutputSerializer(enrollment).data)


class EnrollmentDropView(APIView):
    @extend_schema(request=None, responses=s.EnrollmentOutputSerializer)
    @conflict_codes("not_droppable")
    def post(self, request, enrollment_id):
        enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
        services.enrollment_drop(enrollment=enrollment, user=request.user)
        enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
        return Response(s.EnrollmentOutputSerializer(enrollment).data)


class EnrollmentProgressView(APIView):
    @extend_schema(responses=s.ProgressOutputSerializer)
    def get(self, request, enrollment_id):
        enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
        completions = LessonCompletion.objects.filter(user=request.user, course_id=enrollment.course_id)
        return Response(s.ProgressOutputSerializer({"enrollment": enrollment, "completions": completions}).data)


class CompletionListView(generics.ListAPIView):
    queryset = LessonCompletion.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = s.CompletionOutputSerializer

    @extend_schema(parameters=[COURSE_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = LessonCompletion.objects.filter(user=self.request.user).order_by("-updated_at")
        if self.request.query_params.get("course"):
            qs = qs.filter(course_id=self.request.query_params["course"])
        return qs


class LessonCompleteView(APIView):
    @extend_schema(request=None, responses=s.CompletionOutputSerializer)
    def post(self, request, content_id):
        completion = services.lesson_mark_complete(user=request.user, content=_lesson(request, content_id))
        return Response(s.CompletionOutputSerializer(completion).data)


# --- Quizzes -----------------------------------------------------------------------------------


class QuizAttemptListView(generics.ListAPIView):
    queryset = QuizAttempt.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = s.QuizAttemptOutputSerializer

    def get_queryset(self):
        qs = selectors.quiz_attempt_list(user=self.request.user)
        if self.request.query_params.get("content"):
            qs = qs.filter(content_id=self.request.query_params["content"])
        return qs


class QuizAttemptStartView(APIView):
    @extend_schema(request=None, responses={201: s.QuizAttemptOutputSerializer})
    @conflict_codes("concurrent_attempt")
    def post(self, request, content_id):
        attempt = services.quiz_attempt_start(user=request.user, content=_lesson(request, content_id))
        data = s.QuizAttemptOutputSerializer(attempt, context={"questions": selectors.quiz_questions_for(attempt)})
        return Response(data.data, status=status.HTTP_201_CREATED)


class QuizAttemptDetailView(APIView):
    @extend_schema(responses=s.QuizAttemptOutputSerializer)
    def get(self, request, attempt_id):
        attempt = selectors.quiz_attempt_get(user=request.user, attempt_id=attempt_id)
        questions = selectors.quiz_questions_for(attempt) if attempt.is_open else None
        return Response(s.QuizAttemptOutputSerializer(attempt, context={"questions": questions}).data)


class QuizAttemptSubmitView(APIView):
    @extend_schema(request=s.QuizAttemptSubmitInputSerializer, responses=s.QuizAttemptOutputSerializer)
    @conflict_codes("already_submitted")
    def post(self, request, attempt_id):
        attempt = selectors.quiz_attempt_get(user=request.user, attempt_id=attempt_id)
        if attempt.user_id != request.user.pk:
            raise Http404(_("No such attempt."))
        data = s.QuizAttemptSubmitInputSerializer(data=request.data, context={"question_ids": attempt.question_order})
        data.is_valid(raise_exception=True)
        attempt = services.quiz_attempt_submit(
            attempt=attempt, user=request.user, answers=data.validated_data["answers"]
        )
        return Response(s.QuizAttemptOutputSerializer(attempt).data)


# --- Assignments -------------------------------------------------------------------------------


class AssignmentListView(generics.ListAPIView):
    """Published assignments of the courses I am enrolled in."""

    queryset = Assignment.objects.none()  # the model, for the schema; rows come from get_queryset

    serializer_class = s.AssignmentOutputSerializer

    def get_queryset(self):
        qs = selectors.assignment_list_for_student(user=self.request.user)
        if self.request.query_params.get("course"):
            qs = qs.filter(course_id=self.request.query_params["course"])
        return qs


class AssignmentDetailView(APIView):
    @extend_schema(responses=s.AssignmentOutputSerializer)
    def get(self, request, assignment_id):
        assignment, _ = selectors.assignment_get(user=request.user, assignment_id=assignment_id)
        return Response(s.AssignmentOutputSerializer(assignment).data)


class AssignmentSubmitView(APIView):
    @extend_schema(
        request={"multipart/form-data": s.SubmissionInputSerializer}, responses={201: s.SubmissionOutputSerializer}
    )
    def post(self, request, assignment_id):
        assignment, _ = selectors.assignment_get(user=request.user, assignment_id=assignment_id)
        data = s.SubmissionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.assignment_submit(
            user=request.user,
            assignment=assignment,
            text=data.validated_data.get("text", ""),
            file=data.validated_data.get("file"),
        )
        return Response(s.SubmissionOutputSerializer(submission).data, status=status.HTTP_201_CREATED)


class SubmissionListView(generics.ListAPIView):
    queryset = AssignmentSubmission.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = s.SubmissionOutputSerializer

    def get_queryset(self):
        return selectors.submission_list_for_student(user=self.request.user)


class SubmissionDetailView(APIView):
    @extend_schema(responses=s.SubmissionOutputSerializer)
    def get(self, request, submission_id):
        submission = selectors.submission_get(user=request.user, submission_id=submission_id)
        return Response(s.SubmissionOutputSerializer(submission).data)


# --- Grading (instructors) ---------------------------------------------------------------------


class GradingSubmissionListView(generics.ListAPIView):
    """Submissions of the courses I teach (default: awaiting grading; ?status=graded|all)."""

    queryset = AssignmentSubmission.objects.none()  # the model, for the schema; rows come from get_queryset

    serializer_class = s.SubmissionOutputSerializer

    def get_queryset(self):
        params = self.request.query_params
        wanted = params.get("status", "submitted")
        qs = selectors.grading_queue(user=self.request.user, status=None if wanted == "all" else wanted)
        if params.get("course"):
            qs = qs.filter(course_id=params["course"])
        return qs


class GradingSubmissionGradeView(APIView):
    @extend_schema(request=s.GradeInputSerializer, responses=s.SubmissionOutputSerializer)
    def post(self, request, submission_id):
        submission = selectors.submission_get(user=request.user, submission_id=submission_id)
        if not perms.can_grade_course(request.user, submission.course):
            raise Http404(_("No such submission."))
        data = s.GradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.submission_grade(submission=submission, grader=request.user, **data.validated_data)
        return Response(s.SubmissionOutputSerializer(submission).data)


class GradingQuizAttemptGradeView(APIView):
    @extend_schema(request=s.QuizGradeInputSerializer, responses=s.QuizAttemptOutputSerializer)
    @conflict_codes("not_pending")
    def post(self, request, attempt_id):
        attempt = selectors.quiz_attempt_get(user=request.user, attempt_id=attempt_id)
        if not perms.can_grade_course(request.user, attempt.course):
            raise Http404(_("No such attempt."))
        data = s.QuizGradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.quiz_attempt_grade(
            attempt=attempt, grader=request.user, points=data.validated_data["points"]
        )
        return Response(s.QuizAttemptOutputSerializer(attempt).data)


# --- Notes -------------------------------------------------------------------------------------


class NoteListCreateView(generics.ListAPIView):
    """My notes (only ever mine), lesson notes and notes on a whole course; ?course= and ?tag= filter.
    POST with `content` saves my note on that lesson; with only `course`, adds a course-level note."""

    queryset = UserNote.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = s.NoteOutputSerializer

    @extend_schema(parameters=[COURSE_PARAM, OpenApiParameter("tag", str, description="Only notes with this tag.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.note_list(user=self.request.user, tag=params.get("tag") or None)
        if params.get("course"):
            qs = qs.filter(course_id=params["course"])
        return qs

    @extend_schema(request=s.NoteInputSerializer, responses={201: s.NoteOutputSerializer})
    def post(self, request):
        data = s.NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v.get("content"):
            note = services.note_save(
                user=request.user, content=_lesson(request, v["content"]), body=v["body"],
                is_private=v["is_private"], tags=v.get("tags"),
            )  # fmt: skip
        else:
            course = selectors.course_for_learning_by_id_or_slug(value=str(v["course"]), user=request.user)
            note = services.note_course_create(
                user=request.user, course=course, body=v["body"], is_private=v["is_private"], tags=v.get("tags")
            )
        note = selectors.note_get(user=request.user, note_id=note.pk)  # with its tags
        return Response(s.NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


class NoteDetailView(APIView):
    serializer_class = s.NoteOutputSerializer

    @extend_schema(responses=s.NoteOutputSerializer)
    def get(self, request, note_id):
        return Response(s.NoteOutputSerializer(selectors.note_get(user=request.user, note_id=note_id)).data)

    @extend_schema(request=s.NoteUpdateInputSerializer, responses=s.NoteOutputSerializer)
    def patch(self, request, note_id):
        note = selectors.note_get(user=request.user, note_id=note_id)
        data = s.NoteUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.note_update(
            note=note, user=request.user, body=v.get("body"), is_private=v.get("is_private"), tags=v.get("tags")
        )
        return Response(s.NoteOutputSerializer(selectors.note_get(user=request.user, note_id=note.pk)).data)

    def delete(self, request, note_id):
        services.note_delete(note=selectors.note_get(user=request.user, note_id=note_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Attendance --------------------------------------------------------------------------------


class AttendanceListCreateView(generics.ListAPIView):
    """My attendance; with ?course= for a course I teach: that course's records.  POST: record (instructors)."""

    queryset = Attendance.objects.none()  # the model, for the schema; rows come from get_queryset

    serializer_class = s.AttendanceOutputSerializer

    def get_queryset(self):
        user = self.request.user
        course_id = self.request.query_params.get("course")
        if course_id:
            course = Course.objects.filter(pk=course_id).first()
            if course is not None and perms.is_course_staff(user, course):
                return selectors.attendance_for_course(user=user, course=course)
            return selectors.attendance_for_student(user=user).filter(course_id=course_id)
        return selectors.attendance_for_student(user=user)

    @extend_schema(request=s.AttendanceInputSerializer, responses={201: s.AttendanceOutputSerializer})
    def post(self, request):
        data = s.AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        course = Course.objects.filter(pk=v["course"]).first()
        if course is None or not perms.can_record_attendance(request.user, course):
            raise Http404(_("No such course."))
        student = Enrollment.objects.filter(course=course, user_id=v["user"]).select_related("user").first()
        if student is None:
            raise Http404(_("No such student in this course."))
        record = services.attendance_record(
            course=course,
            user=student.user,
            date=v["date"],
            status=v["status"],
            recorded_by=request.user,
            sign_in_at=v.get("sign_in_at"),
            sign_out_at=v.get("sign_out_at"),
            note=v.get("note", ""),
        )
        return Response(s.AttendanceOutputSerializer(record).data, status=status.HTTP_201_CREATED)


# --- Certificates ------------------------------------------------------------------------------


class CertificateListView(generics.ListAPIView):
    queryset = IssuedCertificate.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = s.CertificateOutputSerializer

    def get_queryset(self):
        return selectors.certificate_list(user=self.request.user)


class CertificateDetailView(APIView):
    @extend_schema(responses=s.CertificateOutputSerializer)
    def get(self, request, certificate_id):
        certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_id)
        return Response(s.CertificateOutputSerializer(certificate).data)


class CertificateDownloadView(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, certificate_id):
        certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_id)
        if not certificate.pdf:
            raise Http404(_("The PDF is not ready yet."))
        return FileResponse(
            certificate.pdf.open("rb"),
            as_attachment=True,
            filename=f"certificate-{certificate.code}.pdf",
            content_type="application/pdf",
        )


class CertificateVerifyView(APIView):
    """Public: check a certificate by its verification code."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.CertificateVerifyOutputSerializer)
    def get(self, request, code):
        return Response(s.CertificateVerifyOutputSerializer(selectors.certificate_by_code(code=code)).data)


# --- Saved courses -----------------------------------------------------------------------------


class SavedCourseListCreateView(generics.ListAPIView):
    queryset = SavedCourse.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = s.SavedCourseOutputSerializer

    def get_queryset(self):
        return SavedCourse.objects.filter(user=self.request.user).select_related("course")

    @extend_schema(request=s.SavedCourseInputSerializer, responses={201: s.SavedCourseOutputSerializer})
    def post(self, request):
        data = s.SavedCourseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = Course.objects.published().filter(pk=data.validated_data["course"]).first()
        if course is None:
            raise Http404(_("No such course."))
        saved = services.saved_course_add(user=request.user, course=course)
        return Response(s.SavedCourseOutputSerializer(saved).data, status=status.HTTP_201_CREATED)


class SavedCourseDeleteView(APIView):
    serializer_class = None

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, course_id):
        course = Course.objects.filter(pk=course_id).first()
        if course is not None:
            services.saved_course_remove(user=request.user, course=course)
        return Response(status=status.HTTP_204_NO_CONTENT)
