"""Learning API routes (mounted under /api/v1/ in the "api" namespace; names start with "learning-")."""

from django.urls import path

from . import authoring, exams, session_views, views

urlpatterns = [
    path("enrollments/", views.EnrollmentListCreateView.as_view(), name="learning-enrollments"),
    path("enrollments/<uuid:enrollment_id>/", views.EnrollmentDetailView.as_view(), name="learning-enrollment"),
    path("enrollments/<uuid:enrollment_id>/drop/", views.EnrollmentDropView.as_view(), name="learning-enrollment-drop"),
    path(
        "enrollments/<uuid:enrollment_id>/progress/",
        views.EnrollmentProgressView.as_view(),
        name="learning-enrollment-progress",
    ),
    path("completions/", views.CompletionListView.as_view(), name="learning-completions"),
    path("lessons/<uuid:content_id>/complete/", views.LessonCompleteView.as_view(), name="learning-lesson-complete"),
    path("lessons/<uuid:content_id>/quiz-attempts/", views.QuizAttemptStartView.as_view(), name="learning-quiz-start"),
    path("quiz-attempts/", views.QuizAttemptListView.as_view(), name="learning-quiz-attempts"),
    path("quiz-attempts/<uuid:attempt_id>/", views.QuizAttemptDetailView.as_view(), name="learning-quiz-attempt"),
    path("quiz-attempts/<uuid:attempt_id>/submit/", views.QuizAttemptSubmitView.as_view(), name="learning-quiz-submit"),
    path("assignments/", views.AssignmentListView.as_view(), name="learning-assignments"),
    path("assignments/<uuid:assignment_id>/", views.AssignmentDetailView.as_view(), name="learning-assignment"),
    path(
        "assignments/<uuid:assignment_id>/submission/",
        views.AssignmentSubmitView.as_view(),
        name="learning-assignment-submit",
    ),
    path("submissions/", views.SubmissionListView.as_view(), name="learning-submissions"),
    path("submissions/<uuid:submission_id>/", views.SubmissionDetailView.as_view(), name="learning-submission"),
    path("grading/submissions/", views.GradingSubmissionListView.as_view(), name="learning-grading-submissions"),
    path(
        "grading/submissions/<uuid:submission_id>/grade/",
        views.GradingSubmissionGradeView.as_view(),
        name="learning-grading-submission-grade",
    ),
    path(
        "grading/quiz-attempts/<uuid:attempt_id>/grade/",
        views.GradingQuizAttemptGradeView.as_view(),
        name="learning-grading-quiz-grade",
    ),
    path("notes/", views.NoteListCreateView.as_view(), name="learning-notes"),
    path("notes/<uuid:note_id>/", views.NoteDetailView.as_view(), name="learning-note"),
    path("attendance/", views.AttendanceListCreateView.as_view(), name="learning-attendance"),
    path("class-sessions/", session_views.ClassSessionListCreateView.as_view(), name="learning-class-sessions"),
    path(
        "class-sessions/<uuid:session_id>/",
        session_views.ClassSessionDetailView.as_view(),
        name="learning-class-session",
    ),
    path(
        "class-sessions/<uuid:session_id>/live-token/",
        session_views.ClassSessionLiveTokenView.as_view(),
        name="learning-class-session-live-token",
    ),
    path(
        "class-sessions/<uuid:session_id>/sign-in/",
        session_views.ClassSessionSignInView.as_view(),
        name="learning-class-session-sign-in",
    ),
    path(
        "class-sessions/<uuid:session_id>/sign-out/",
        session_views.ClassSessionSignOutView.as_view(),
        name="learning-class-session-sign-out",
    ),
    path(
        "class-sessions/<uuid:session_id>/attendance/",
        session_views.ClassSessionAttendanceView.as_view(),
        name="learning-class-session-attendance",
    ),
    path(
        "class-sessions/<uuid:session_id>/attendance/<uuid:user_id>/",
        session_views.ClassSessionMarkView.as_view(),
        name="learning-class-session-mark",
    ),
    path(
        "class-sessions/<uuid:session_id>/cancel/",
        session_views.ClassSessionCancelView.as_view(),
        name="learning-class-session-cancel",
    ),
    path("certificates/", views.CertificateListView.as_view(), name="learning-certificates"),
    path("certificates/<uuid:certificate_id>/", views.CertificateDetailView.as_view(), name="learning-certificate"),
    path(
        "certificates/<uuid:certificate_id>/download/",
        views.CertificateDownloadView.as_view(),
        name="learning-certificate-download",
    ),
    path("certificates/verify/<str:code>/", views.CertificateVerifyView.as_view(), name="learning-certificate-verify"),
    path("saved-courses/", views.SavedCourseListCreateView.as_view(), name="learning-saved-courses"),
    path("saved-courses/<uuid:course_id>/", views.SavedCourseDeleteView.as_view(), name="learning-saved-course"),
    # certification exams (learning/api/exams.py)
    path("exams/", exams.ExamListView.as_view(), name="learning-exams"),
    path("exams/<slug:slug>/attempts/", exams.ExamAttemptStartView.as_view(), name="learning-exam-start"),
    path("exam-attempts/", exams.MyExamAttemptListView.as_view(), name="learning-exam-attempts"),
    path("exam-attempts/<uuid:attempt_id>/", exams.ExamAttemptDetailView.as_view(), name="learning-exam-attempt"),
    path(
        "exam-attempts/<uuid:attempt_id>/answers/",
        exams.ExamAttemptAnswersView.as_view(),
        name="learning-exam-attempt-answers",
    ),
    path(
        "exam-attempts/<uuid:attempt_id>/submit/",
        exams.ExamAttemptSubmitView.as_view(),
        name="learning-exam-attempt-submit",
    ),
    path(
        "exam-attempts/<uuid:attempt_id>/proctor-events/",
        exams.ExamProctorEventsView.as_view(),
        name="learning-exam-proctor-events",
    ),
    # instructors: a course's assignments (learning/api/authoring.py)
    path(
        "instructor/courses/<uuid:course_id>/assignments/",
        authoring.AssignmentListCreateApi.as_view(),
        name="learning-instructor-assignments",
    ),
    path(
        "instructor/assignments/<uuid:assignment_id>/",
        authoring.AssignmentAuthoringDetailApi.as_view(),
        name="learning-instructor-assignment",
    ),
]
