from django.urls import path

from . import (
    career_paths_views,
    credentials_views,
    exams_views,
    gamification_views,
    grading_views,
    mentorship_views,
    recommendations_views,
    session_views,
    views,
)

app_name = "learning"

urlpatterns = [
    # Students
    path("my/learning/", views.dashboard, name="dashboard"),
    # Recommendations (learning/recommendations_views.py)
    path("my/recommendations/", recommendations_views.recommended, name="recommendations"),
    path(
        "my/recommendations/<uuid:course_id>/dismiss/",
        recommendations_views.dismiss,
        name="recommendation_dismiss",
    ),
    path(
        "recommendations/course/<slug:slug>/",
        recommendations_views.course_fragment,
        name="course_recommendations",
    ),
    path("learn/<slug:slug>/", views.course_home, name="course_home"),
    path("learn/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("learn/<slug:slug>/drop/", views.drop, name="drop"),
    path("learn/<slug:slug>/save/", views.saved_toggle, name="saved_toggle"),
    path("learn/<slug:slug>/notes/", views.course_notes, name="course_notes"),
    path("learn/<slug:slug>/notes/<uuid:note_id>/edit/", views.course_note_edit, name="course_note_edit"),
    path("learn/<slug:slug>/notes/<uuid:note_id>/delete/", views.course_note_delete, name="course_note_delete"),
    path("learn/<slug:slug>/assignments/", views.course_assignments, name="course_assignments"),
    path("learn/<slug:slug>/attendance/", views.my_attendance, name="my_attendance"),
    # Classroom sessions (learning/session_views.py)
    path("learn/sessions/<uuid:session_id>/", session_views.session_detail, name="session_detail"),
    path("learn/sessions/<uuid:session_id>/scan/", session_views.session_scan, name="session_scan"),
    path("learn/sessions/<uuid:session_id>/sign/", session_views.session_sign, name="session_sign"),
    # Career paths (learning/career_paths_views.py)
    path("paths/", career_paths_views.path_list, name="career_paths"),
    path("paths/<slug:slug>/", career_paths_views.path_detail, name="career_path"),
    path("paths/<slug:slug>/join/", career_paths_views.path_join, name="career_path_join"),
    path("paths/<slug:slug>/leave/", career_paths_views.path_leave, name="career_path_leave"),
    path("paths/<slug:slug>/courses/<uuid:course_id>/enrol/", career_paths_views.path_enrol, name="career_path_enrol"),
    # Preview as a student (authors, reviewers): courses.previews.course_preview_url / lesson_preview_url.
    path("learn/<slug:slug>/preview/", views.course_preview, name="course_preview"),
    path("learn/<slug:slug>/preview/<uuid:content_id>/", views.lesson_preview, name="lesson_preview"),
    path("learn/<slug:slug>/<uuid:content_id>/", views.lesson, name="lesson"),
    path("learn/<slug:slug>/<uuid:content_id>/file/", views.lesson_file, name="lesson_file"),
    path("learn/<slug:slug>/<uuid:content_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("learn/<slug:slug>/<uuid:content_id>/heartbeat/", views.lesson_heartbeat, name="lesson_heartbeat"),
    path("learn/<slug:slug>/<uuid:content_id>/note/", views.lesson_note, name="lesson_note"),
    path("learn/<slug:slug>/<uuid:content_id>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("quiz/attempts/<uuid:attempt_id>/", views.quiz_attempt, name="quiz_attempt"),
    path("quiz/attempts/<uuid:attempt_id>/result/", views.quiz_result, name="quiz_result"),
    path("assignments/<uuid:assignment_id>/", views.assignment, name="assignment"),
    path("submissions/<uuid:submission_id>/file/", views.submission_file, name="submission_file"),
    path("certificates/<uuid:certificate_id>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<uuid:certificate_id>/download/", views.certificate_download, name="certificate_download"),
    path("certificates/verify/<str:code>/", views.certificate_verify, name="certificate_verify"),
    # Verifiable credentials (learning/credentials_views.py)
    path(
        "certificates/<uuid:certificate_id>/credential.json",
        credentials_views.certificate_credential,
        name="certificate_credential",
    ),
    path(
        "certificates/verify/<str:code>/credential.json",
        credentials_views.certificate_credential_by_code,
        name="certificate_credential_by_code",
    ),
    path(
        "achievements/awards/<uuid:award_id>/credential.json",
        credentials_views.achievement_credential,
        name="achievement_credential",
    ),
    path("credentials/issuer/", credentials_views.issuer_profile, name="credential_issuer"),
    path("credentials/keys/", credentials_views.issuer_keys, name="credential_keys"),
    path("credentials/status/<int:status_list>/", credentials_views.status_list, name="credential_status_list"),
    path("credentials/verify/", credentials_views.credential_verify, name="credential_verify"),
    # Gamification (learning/gamification_views.py)
    path("points/", gamification_views.points, name="points"),
    path("points/preferences/", gamification_views.preferences, name="gamification_preferences"),
    path("achievements/", gamification_views.achievements, name="achievements"),
    path("achievements/badges/", gamification_views.achievements_fragment, name="achievements_fragment"),
    path("achievements/awards/<uuid:award_id>/", gamification_views.achievement_award, name="achievement_award"),
    path("leaderboard/", gamification_views.leaderboard, name="leaderboard"),
    path("challenges/", gamification_views.challenges, name="challenges"),
    path("challenges/<uuid:challenge_id>/join/", gamification_views.challenge_join, name="challenge_join"),
    # Certification exams (learning/exams_views.py)
    path("exams/", exams_views.exam_list, name="exam_list"),
    path("exams/<slug:slug>/", exams_views.exam_detail, name="exam_detail"),
    path("exams/<slug:slug>/start/", exams_views.exam_start, name="exam_start"),
    path("exam-attempts/<uuid:attempt_id>/", exams_views.exam_attempt, name="exam_attempt"),
    path("exam-attempts/<uuid:attempt_id>/save/", exams_views.exam_attempt_save, name="exam_attempt_save"),
    path("exam-attempts/<uuid:attempt_id>/events/", exams_views.exam_attempt_events, name="exam_attempt_events"),
    path("exam-attempts/<uuid:attempt_id>/result/", exams_views.exam_result, name="exam_result"),
    path("teach/exams/", exams_views.exam_review_list, name="exam_review_list"),
    path("teach/exams/attempts/<uuid:attempt_id>/", exams_views.exam_review_attempt, name="exam_review_attempt"),
    # Instructors
    path("teach/", views.instructor_dashboard, name="instructor_dashboard"),
    path("teach/grading/", grading_views.grading, name="grading"),
    path("teach/submissions/<uuid:submission_id>/grade/", grading_views.submission_grade, name="submission_grade"),
    path("teach/quiz-attempts/<uuid:attempt_id>/grade/", grading_views.quiz_attempt_grade, name="quiz_attempt_grade"),
    path("teach/<slug:slug>/students/", views.course_students, name="course_students"),
    path("teach/<slug:slug>/attendance/", views.attendance_sheet, name="attendance_sheet"),
    path("teach/<slug:slug>/sessions/", session_views.course_sessions, name="course_sessions"),
    path("teach/sessions/<uuid:session_id>/live/", session_views.session_live, name="session_live"),
    path("teach/sessions/<uuid:session_id>/live/qr/", session_views.session_live_qr, name="session_live_qr"),
    path("teach/sessions/<uuid:session_id>/live/list/", session_views.session_live_list, name="session_live_list"),
    path("teach/sessions/<uuid:session_id>/mark/", session_views.session_mark, name="session_mark"),
    path("teach/sessions/<uuid:session_id>/edit/", session_views.session_edit, name="session_edit"),
    path("teach/sessions/<uuid:session_id>/cancel/", session_views.session_cancel, name="session_cancel"),
    path("teach/sessions/<uuid:session_id>/sheet.csv", session_views.session_sheet_csv, name="session_sheet_csv"),
    # Mentorships (learning/mentorship_views.py)
    path("mentors/", mentorship_views.find_mentors, name="find_mentors"),
    path("mentors/<uuid:mentor_id>/offer/", mentorship_views.mentor_offer, name="mentor_offer"),
    path("mentors/<uuid:mentor_id>/request/", mentorship_views.mentorship_request, name="mentorship_request"),
    path("my/mentorships/", mentorship_views.my_mentorships, name="my_mentorships"),
    path("my/mentorships/settings/", mentorship_views.mentor_settings, name="mentor_settings"),
    path("my/mentorships/<uuid:mentorship_id>/", mentorship_views.mentorship_detail, name="mentorship_detail"),
    path(
        "my/mentorships/<uuid:mentorship_id>/sessions/",
        mentorship_views.session_create,
        name="mentorship_session_create",
    ),
    path(
        "my/mentorships/<uuid:mentorship_id>/<str:action>/",
        mentorship_views.mentorship_action,
        name="mentorship_action",
    ),
    path(
        "my/mentoring-sessions/<uuid:session_id>/edit/", mentorship_views.session_edit, name="mentorship_session_edit"
    ),
    path(
        "my/mentoring-sessions/<uuid:session_id>/<str:action>/",
        mentorship_views.session_action,
        name="mentorship_session_action",
    ),
]
