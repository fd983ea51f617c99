"""Personal data: learning's part of deleting an account (`reports.privacy.personal_data_delete`)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from courseworx.core.storage import file_delete_on_commit
from learning.models import (
    AIRecommendation,
    AssignmentSubmission,
    Attendance,
    Enrollment,
    ExamAttempt,
    ExamProctorEvent,
    GamificationProfile,
    IssuedCertificate,
    LeaderboardEntry,
    MentorProfile,
    Mentorship,
    QuizAttempt,
    RecommendationDismissal,
    SavedCourse,
    UserNote,
)


def personal_data_anonymise_for_user(*, user: User) -> None:
    """Account deletion, learning's part: what the person wrote or uploaded goes, the figures stay.

    - notes, saved courses, recommendations and "not interested" choices: deleted;
    - assignment submissions: text and file removed (the file is deleted on commit), the row, score and
      status kept (course statistics and grading history);
    - quiz attempts: answers removed, scores kept; attendance and enrolments: free-text notes removed;
    - mentorships as mentee or mentor (with their sessions) and the mentor profile: deleted;
    - quiz and exam attempts: answers (and exam review notes) removed, scores kept; exam proctoring events
      deleted; attendance and enrolments: free-text notes removed;
    - issued certificates: the holder's name becomes "Deleted user" and the PDF (which shows the name)
      is deleted on commit; the row and its verification code stay (a verifier sees "Deleted user");
    - gamification: off every leaderboard and no public achievement pages (the points ledger stays: figures).
    Called by `reports.privacy.personal_data_delete` inside its transaction.
    """
    with transaction.atomic():
        UserNote.objects.filter(user=user).delete()
        submissions = AssignmentSubmission.objects.filter(user=user)
        file_delete_on_commit(*(s.file for s in submissions.exclude(file="").only("id", "file")))
        submissions.update(text="", file="", updated_at=timezone.now())
        QuizAttempt.objects.filter(user=user).update(answers={})
        ExamAttempt.objects.filter(user=user).update(answers={}, review_notes="")
        ExamProctorEvent.objects.filter(attempt__user=user).delete()
        Attendance.objects.filter(user=user).update(note="")
        Enrollment.objects.filter(user=user).update(notes="")
        certificates = IssuedCertificate.objects.filter(user=user)
        file_delete_on_commit(*(c.pdf for c in certificates.exclude(pdf="").only("id", "pdf")))
        certificates.update(holder_name="Deleted user", pdf="", updated_at=timezone.now())
        SavedCourse.objects.filter(user=user).delete()
        # Mentorships (either side) hold both people's words (requests, answers, notes): they go, with their
        # sessions; so does the mentor's profile.
        Mentorship.objects.filter(Q(student=user) | Q(mentor=user)).delete()
        MentorProfile.objects.filter(mentor=user).delete()
        AIRecommendation.objects.filter(user=user).delete()
        RecommendationDismissal.objects.filter(user=user).delete()
        GamificationProfile.objects.update_or_create(
            user=user, defaults={"leaderboard_opt_out": True, "achievements_public": False}
        )
        LeaderboardEntry.objects.filter(user=user).delete()
