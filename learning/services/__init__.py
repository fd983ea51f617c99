"""Learning write paths.  Keyword-only, atomic, validated; side effects (tasks) go out on commit.

One module per part of learning (enrolment, progress, streaks, notes, quizzes, assignments, attendance,
certificates, statistics, saved_courses, privacy); helpers several of them share are in `_common`
(private to this package).  Callers use `from learning import services` and the names re-exported
below; reads are in `learning.selectors`.

Lock order (always the same, so two transactions never wait on each other in a cycle):
    enrolment row  ->  course row  ->  quiz attempt / submission / certificate row
`enrollment_create` locks an existing enrolment first (a re-enrolment), then the course row (seat
limit); progress updates lock the enrolment, then touch the course counters (an UPDATE, which locks
the course row).
"""

from .assignment_authoring import (
    ASSIGNMENT_FIELDS,
    assignment_check,
    assignment_create,
    assignment_delete,
    assignment_lock_reason,
    assignment_update,
)
from .assignments import assignment_submit, submission_grade
from .attendance import attendance_check, attendance_record, attendance_sheet_save
from .career_paths import (
    career_path_join,
    career_path_leave,
    career_path_progress_check,
    career_path_publish,
    career_path_unpublish,
    career_path_validate,
    career_paths_reconcile,
    path_course_prerequisites_check,
    path_course_set_prerequisites,
)
from .certificates import CERTIFICATE_CODE_BYTES, certificate_award, certificate_issue, certificate_revoke
from .class_sessions import (
    MANUAL_ACTIONS,
    SESSION_FIELDS,
    TIME_FIELDS,
    TOKEN_MAX_AGE,
    attendance_session_mark,
    attendance_status_for,
    attendance_token_make,
    attendance_token_read,
    attendance_token_url,
    class_session_cancel,
    class_session_check_window,
    class_session_close,
    class_session_create,
    class_session_delete,
    class_session_reminders_send,
    class_session_sign,
    class_session_update,
    class_session_update_check,
    class_sessions_close_due,
)
from .credentials import (
    certificate_credential,
    credential_sign,
    credential_status_entry,
    signing_key_active,
    signing_key_create,
    status_list_credential,
)
from .enrolment import (
    ELIGIBILITY_CODES,
    ELIGIBILITY_CONFLICT_CODES,
    enrollment_check_eligible,
    enrollment_create,
    enrollment_drop,
    enrollment_grade_set,
    enrollment_restore_by_system,
    enrollment_set_status,
    enrollment_suspend_by_system,
    enrollment_touch,
)
from .gamification import (
    achievement_award,
    achievements_evaluate,
    challenge_join,
    challenge_participations_recount,
    challenge_progress_value,
    challenges_progress_update,
    criterion_values,
    gamification_preferences_set,
    points_adjust,
    points_answer_accepted,
    points_answer_unaccepted,
    points_review_posted,
    points_review_removed,
    quiz_points,
)
from .leaderboards import leaderboard_snapshot, leaderboards_refresh, period_start, ranking_query
from .notes import note_course_create, note_delete, note_save, note_tags_normalise, note_update
from .privacy import personal_data_anonymise_for_user
from .progress import MAX_HEARTBEAT_SECONDS, lesson_mark_complete, lesson_time_record
from .quizzes import QUIZ_GRACE_SECONDS, quiz_attempt_grade, quiz_attempt_start, quiz_attempt_submit
from .recommendations import recommendation_dismiss, recommendation_parameters, recommendations_compute
from .saved_courses import saved_course_add, saved_course_remove
from .statistics import course_counters_recount, course_stats_refresh, course_stats_revenue_set
from .streaks import learning_streak_record

__all__ = [
    "MANUAL_ACTIONS",
    "SESSION_FIELDS",
    "TIME_FIELDS",
    "TOKEN_MAX_AGE",
    "attendance_session_mark",
    "attendance_status_for",
    "attendance_token_make",
    "attendance_token_read",
    "attendance_token_url",
    "class_session_check_window",
    "class_session_close",
    "class_session_create",
    "class_session_cancel",
    "class_session_delete",
    "class_session_reminders_send",
    "class_session_sign",
    "class_session_update",
    "class_session_update_check",
    "class_sessions_close_due",
    "ASSIGNMENT_FIELDS",
    "CERTIFICATE_CODE_BYTES",
    "ELIGIBILITY_CODES",
    "ELIGIBILITY_CONFLICT_CODES",
    "MAX_HEARTBEAT_SECONDS",
    "QUIZ_GRACE_SECONDS",
    "assignment_check",
    "assignment_create",
    "assignment_delete",
    "assignment_lock_reason",
    "assignment_submit",
    "assignment_update",
    "attendance_check",
    "attendance_record",
    "attendance_sheet_save",
    "career_path_join",
    "career_path_leave",
    "career_path_progress_check",
    "career_path_publish",
    "career_path_unpublish",
    "career_path_validate",
    "career_paths_reconcile",
    "path_course_prerequisites_check",
    "path_course_set_prerequisites",
    "certificate_award",
    "certificate_issue",
    "certificate_revoke",
    "certificate_credential",
    "credential_sign",
    "credential_status_entry",
    "signing_key_active",
    "signing_key_create",
    "status_list_credential",
    "course_counters_recount",
    "course_stats_refresh",
    "course_stats_revenue_set",
    "enrollment_check_eligible",
    "enrollment_create",
    "enrollment_drop",
    "enrollment_grade_set",
    "enrollment_restore_by_system",
    "enrollment_set_status",
    "enrollment_suspend_by_system",
    "enrollment_touch",
    "learning_streak_record",
    "lesson_mark_complete",
    "lesson_time_record",
    "note_course_create",
    "note_delete",
    "note_save",
    "note_tags_normalise",
    "note_update",
    "personal_data_anonymise_for_user",
    "quiz_attempt_grade",
    "quiz_attempt_start",
    "quiz_attempt_submit",
    "recommendation_dismiss",
    "recommendation_parameters",
    "recommendations_compute",
    "saved_course_add",
    "saved_course_remove",
    "submission_grade",
    "achievement_award",
    "achievements_evaluate",
    "challenge_join",
    "challenge_participations_recount",
    "challenge_progress_value",
    "challenges_progress_update",
    "criterion_values",
    "gamification_preferences_set",
    "points_adjust",
    "points_answer_accepted",
    "points_answer_unaccepted",
    "points_review_posted",
    "points_review_removed",
    "quiz_points",
    "leaderboard_snapshot",
    "leaderboards_refresh",
    "period_start",
    "ranking_query",
]

from .mentorships import (
    mentor_profile_save,
    mentorship_accept,
    mentorship_cancel,
    mentorship_decline,
    mentorship_end,
    mentorship_request,
    mentorship_session_cancel,
    mentorship_session_create,
    mentorship_session_mark_held,
    mentorship_session_update,
)

__all__ += [
    "mentor_profile_save",
    "mentorship_accept",
    "mentorship_cancel",
    "mentorship_decline",
    "mentorship_end",
    "mentorship_request",
    "mentorship_session_cancel",
    "mentorship_session_create",
    "mentorship_session_mark_held",
    "mentorship_session_update",
]
