"""What is taught: catalog, authoring structure, quizzes, translations, certificates, approval.

Course.status changes only through courses.services (see the transition table in services/courses.py).
One module per area; everything is importable from `courses.models` (Django registers the models when
this package is imported).
"""

from .catalog import SEARCH_CONFIG, Category, Tag
from .certificates import CertificateTemplate, CertificateTemplateQuerySet
from .content import (
    UNCOUNTED_KINDS,
    CourseContent,
    CourseContentQuerySet,
    CourseSection,
    QuizQuestion,
    counted_lessons_q,
    lesson_length_seconds,
)
from .course import (
    Course,
    CoursePrice,
    CourseQuerySet,
    InstructorCollaborator,
    course_staff_q,
    course_teachers_q,
    courses_taught_q,
)
from .review import CourseApprovalRequest, CourseReviewQueue, CourseVersion
from .transcripts import VoiceTranscript
from .translations import TRANSLATABLE_FIELDS, CourseLanguage, Translation

__all__ = [
    "Category",
    "CertificateTemplate",
    "CertificateTemplateQuerySet",
    "Course",
    "CourseApprovalRequest",
    "CourseContent",
    "CourseContentQuerySet",
    "CourseLanguage",
    "CoursePrice",
    "CourseQuerySet",
    "CourseReviewQueue",
    "CourseSection",
    "CourseVersion",
    "InstructorCollaborator",
    "QuizQuestion",
    "SEARCH_CONFIG",
    "Tag",
    "TRANSLATABLE_FIELDS",
    "Translation",
    "UNCOUNTED_KINDS",
    "VoiceTranscript",
    "counted_lessons_q",
    "course_staff_q",
    "course_teachers_q",
    "courses_taught_q",
    "lesson_length_seconds",
]
