"""What students do: enrolment, progress, quiz attempts, assignments, attendance, notes,
certificates, course statistics, saved courses and learning streaks.

State changes go through learning.services (see README.md); models hold data and invariants.

One module per area; every model is imported here, so `learning.models.X` works everywhere (and Django
finds them all under the `learning` app label).  An area module imports the models it points at from
`.base` (never from this package), so no two modules import each other.
"""

from .base import (
    SIGN_IN_OPENS_MINUTES,
    Assignment,
    AssignmentSubmission,
    Attendance,
    AttendanceTokenUse,
    ClassSession,
    CourseStats,
    Enrollment,
    EnrollmentQuerySet,
    IssuedCertificate,
    LearningStreak,
    LessonCompletion,
    NoteTag,
    QuizAttempt,
    SavedCourse,
    UserNote,
    parse_ip_ranges,
    validate_ip_ranges,
    validate_time_zone,
)
from .career_paths import CareerPath, PathCourse, UserCareerPath
from .credentials import CredentialSigningKey, CredentialStatusEntry
from .exams import CertificationExam, ExamAttempt, ExamProctorEvent, ExamQuestion
from .gamification import (
    Achievement,
    Challenge,
    ChallengeParticipation,
    GamificationProfile,
    LeaderboardEntry,
    LeaderboardSnapshot,
    PointsEntry,
    PointsReason,
    UserAchievement,
)
from .mentorships import MentorProfile, Mentorship, MentorshipSession, validate_http_url
from .recommendations import (
    AIModelTrainingLog,
    AIRecommendation,
    CourseRelation,
    RecommendationDismissal,
    RecommendationReason,
)
