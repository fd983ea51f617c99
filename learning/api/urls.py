"""Learning API routes (mounted under /api/v1/ in the "api" namespace; names start with "learning-")."""

from django.urls import path

from . import (
    authoring,
    career_paths,
    credentials,
    exams,
    gamification,
    mentorships,
    recommendations,
    session_views,
    views,
)

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
    # Verifiable credentials (learning/api/credentials.py)
    path(
        "certificates/<uuid:certificate_id>/credential/",
        credentials.CertificateCredentialView.as_view(),
        name="learning-certificate-credential",
    ),
    path(
        "achievements/awards/<uuid:award_id>/credential/",
        credentials.AchievementCredentialView.as_view(),
        name="learning-achievement-credential",
    ),
    path("credentials/verify/", credentials.CredentialVerifyView.as_view(), name="learning-credential-verify"),
    path("saved-courses/", views.SavedCourseListCreateView.as_view(), name="learning-saved-courses"),
    path("saved-courses/<uuid:course_id>/", views.SavedCourseDeleteView.as_view(), name="learning-saved-course"),
    # career paths (learning/api/career_paths.py)
    path("career-paths/", career_paths.CareerPathListApi.as_view(), name="learning-career-paths"),
    path("career-paths/<slug:path>/", career_paths.CareerPathDetailApi.as_view(), name="learning-career-path"),
    path(
        "career-paths/<slug:path>/membership/",
        career_paths.CareerPathJoinApi.as_view(),
        name="learning-career-path-membership",
    ),  # fmt: skip
    path("my/career-paths/", career_paths.MyCareerPathListApi.as_view(), name="learning-my-career-paths"),
    # recommendations (learning/api/recommendations.py)
    path("recommendations/", recommendations.RecommendationListView.as_view(), name="learning-recommendations"),
    path(
        "recommendations/training-logs/",
        recommendations.TrainingLogListView.as_view(),
        name="learning-recommendation-training-logs",
    ),
    path(
        "recommendations/<uuid:course_id>/dismiss/",
        recommendations.RecommendationDismissView.as_view(),
        name="learning-recommendation-dismiss",
    ),
    # gamification (learning/api/gamification.py)
    path("points/", gamification.PointsBalanceView.as_view(), name="learning-points"),
    path("points/ledger/", gamification.PointsLedgerView.as_view(), name="learning-points-ledger"),
    path("achievements/", gamification.AchievementListView.as_view(), name="learning-achievements"),
    path("achievements/mine/", gamification.MyAchievementListView.as_view(), name="learning-my-achievements"),
    path("leaderboards/", gamification.LeaderboardView.as_view(), name="learning-leaderboard"),
    path("challenges/", gamification.ChallengeListView.as_view(), name="learning-challenges"),
    path("challenges/mine/", gamification.MyChallengeListView.as_view(), name="learning-my-challenges"),
    path(
        "challenges/<uuid:challenge_id>/join/", gamification.ChallengeJoinView.as_view(), name="learning-challenge-join"
    ),
    path(
        "gamification/preferences/",
        gamification.PreferencesView.as_view(),
        name="learning-gamification-preferences",
    ),
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
    # mentorships (learning/api/mentorships.py)
    path("mentors/", mentorships.MentorListApi.as_view(), name="learning-mentors"),
    path("mentoring/settings/", mentorships.MentorSettingsApi.as_view(), name="learning-mentor-settings"),
    path("mentorships/", mentorships.MentorshipListCreateApi.as_view(), name="learning-mentorships"),
    path("mentorships/<uuid:mentorship_id>/", mentorships.MentorshipDetailApi.as_view(), name="learning-mentorship"),
    path(
        "mentorships/<uuid:mentorship_id>/accept/",
        mentorships.MentorshipAcceptApi.as_view(),
        name="learning-mentorship-accept",
    ),
    path(
        "mentorships/<uuid:mentorship_id>/decline/",
        mentorships.MentorshipDeclineApi.as_view(),
        name="learning-mentorship-decline",
    ),
    path(
        "mentorships/<uuid:mentorship_id>/cancel/",
        mentorships.MentorshipCancelApi.as_view(),
        name="learning-mentorship-cancel",
    ),
    path(
        "mentorships/<uuid:mentorship_id>/end/", mentorships.MentorshipEndApi.as_view(), name="learning-mentorship-end"
    ),
    path(
        "mentorships/<uuid:mentorship_id>/sessions/",
        mentorships.SessionListCreateApi.as_view(),
        name="learning-mentorship-sessions",
    ),
    path(
        "mentoring-sessions/<uuid:session_id>/",
        mentorships.SessionDetailApi.as_view(),
        name="learning-mentoring-session",
    ),
    path(
        "mentoring-sessions/<uuid:session_id>/held/",
        mentorships.SessionHeldApi.as_view(),
        name="learning-mentoring-session-held",
    ),
]
