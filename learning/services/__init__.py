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
from .exams import (
    exam_answers_save,
    exam_attempt_close_if_overdue,
    exam_attempt_invalidate,
    exam_attempt_review,
    exam_attempt_start,
    exam_attempt_submit,
    exam_attempts_close_due,
    exam_check_pool,
    exam_is_overdue,
    exam_proctor_events_record,
)
from .notes import note_course_create, note_delete, note_save, note_tags_normalise, note_update
from .privacy import personal_data_anonymise_for_user
from .progress import MAX_HEARTBEAT_SECONDS, lesson_mark_complete, lesson_time_record
from .quizzes import QUIZ_GRACE_SECONDS, quiz_attempt_grade, quiz_attempt_start, quiz_attempt_submit
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
    "certificate_award",
    "certificate_issue",
    "certificate_revoke",
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
    "exam_answers_save",
    "exam_attempt_close_if_overdue",
    "exam_attempt_invalidate",
    "exam_attempt_review",
    "exam_attempt_start",
    "exam_attempt_submit",
    "exam_attempts_close_due",
    "exam_check_pool",
    "exam_is_overdue",
    "exam_proctor_events_record",
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
    "saved_course_add",
    "saved_course_remove",
    "submission_grade",
]
