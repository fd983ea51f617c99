"""The points ledger: awarded by the services on learning and community events, once per event, amounts from
live settings, deductions as negative rows; the balance is the ledger's sum."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community import services as community_services
from community.models import FlaggedItem
from courseworx.core.live_settings import setting_set
from courseworx.core.models import AppendOnlyError, AuditLog
from learning import gamification_selectors as gs
from learning import services
from learning.models import PointsEntry
from tests.factories import AdminFactory, StudentFactory
from tests.learning.factories import quiz_answers

from .conftest import ledger_sum, only_achievements

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_achievements(db):
    only_achievements()  # none: reward points would blur the amounts checked here


def test_lesson_points_once_and_balance_is_the_ledger_sum(student, enrollment, lessons):
    services.lesson_mark_complete(user=student, content=lessons[0])
    services.lesson_mark_complete(user=student, content=lessons[0])  # the same event again
    services.lesson_mark_complete(user=student, content=lessons[1])
    rows = PointsEntry.objects.filter(user=student)
    assert list(rows.values_list("reason", "amount")) == [("lesson_completed", 10)] * 2
    assert gs.points_balance(user_id=student.pk) == 20 == ledger_sum(student)


def test_course_completion_awards_lessons_and_course(student, enrollment, lessons):
    for lesson in lessons:
        if lesson.is_required:
            services.lesson_mark_complete(user=student, content=lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"
    reasons = sorted(PointsEntry.objects.filter(user=student).values_list("reason", flat=True))
    assert reasons.count("course_completed") == 1 and reasons.count("lesson_completed") == 3
    assert gs.points_balance(user_id=student.pk) == 3 * 10 + 100


def test_amounts_come_from_live_settings(student, enrollment, lessons, admin_user):
    setting_set(actor=admin_user, key="GAMIFICATION_POINTS_LESSON", value=7)
    services.lesson_mark_complete(user=student, content=lessons[0])
    assert PointsEntry.objects.get(user=student).amount == 7


def test_quiz_points_scale_with_score_and_count_once_per_quiz(student, enrollment, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    answers = quiz_answers(attempt)
    answers.pop(next(iter(answers)))  # one question left blank: 80 % (the questions' points differ), passes
    attempt = services.quiz_attempt_submit(attempt=attempt, user=student, answers=answers)
    assert attempt.passed and attempt.percent == Decimal("80.00")
    entry = PointsEntry.objects.get(user=student, reason="quiz_passed")
    assert entry.amount == 16  # 20 * 80 %
    second = services.quiz_attempt_start(user=student, content=quiz)
    services.quiz_attempt_submit(attempt=second, user=student, answers=quiz_answers(second))
    assert PointsEntry.objects.filter(user=student, reason="quiz_passed").count() == 1


def test_a_failed_quiz_earns_nothing(student, enrollment, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    services.quiz_attempt_submit(attempt=attempt, user=student, answers=quiz_answers(attempt, correct=False))
    assert not PointsEntry.objects.filter(user=student, reason="quiz_passed").exists()


def test_ledger_rows_cannot_be_changed_or_deleted(student, enrollment, lessons):
    services.lesson_mark_complete(user=student, content=lessons[0])
    entry = PointsEntry.objects.get(user=student)
    with pytest.raises(AppendOnlyError):
        PointsEntry.objects.filter(pk=entry.pk).update(amount=1000)
    with pytest.raises(AppendOnlyError):
        entry.amount = 1000
        entry.save()
    with pytest.raises(AppendOnlyError):
        PointsEntry.objects.all().delete()
    assert PointsEntry.objects.get(pk=entry.pk).amount == 10


def test_staff_adjustment_is_audited_and_students_cannot_adjust(student):
    admin = AdminFactory()
    with pytest.raises(ValidationError):
        services.points_adjust(actor=admin, user=student, amount=5, note="  ")
    with pytest.raises(ValidationError):
        services.points_adjust(actor=admin, user=student, amount=0, note="nothing")
    with pytest.raises(PermissionDenied):
        services.points_adjust(actor=StudentFactory(), user=student, amount=50, note="gift")
    services.points_adjust(actor=admin, user=student, amount=-3, note="Duplicate award")
    services.points_adjust(actor=admin, user=student, amount=40, note="Hackathon winner")
    assert gs.points_balance(user_id=student.pk) == 37 == ledger_sum(student)
    assert AuditLog.objects.filter(action="learning.points_adjusted").count() == 2


def test_review_points_taken_back_when_hidden_and_given_again_when_restored(course, student, moderator):
    services.enrollment_create(user=student, course=course)
    review = community_services.review_save(user=student, course=course, rating=5, body="Great")
    community_services.review_save(user=student, course=course, rating=4, body="Edited")  # no second award
    assert gs.points_balance(user_id=student.pk) == 5
    flagger = StudentFactory()
    services.enrollment_create(user=flagger, course=course)
    community_services.flag_create(user=flagger, target=review, reason="abuse")
    item = FlaggedItem.objects.get()
    community_services.moderation_hide(moderator=moderator, item=item, note="Abusive")
    assert gs.points_balance(user_id=student.pk) == 0
    assert PointsEntry.objects.filter(user=student, reason="review_removed", amount=-5).count() == 1
    community_services.moderation_restore(moderator=moderator, item=item, note="On appeal")
    assert gs.points_balance(user_id=student.pk) == 5 == ledger_sum(student)


def test_accepted_answer_points_move_with_the_accepted_reply(course, student, instructor):
    helper, other = StudentFactory(), StudentFactory()
    for user in (student, helper, other):
        services.enrollment_create(user=user, course=course)
    thread = community_services.thread_create(user=student, course=course, title="Loops?", body="How?")
    first = community_services.reply_create(user=helper, thread=thread, body="Like this")
    second = community_services.reply_create(user=other, thread=thread, body="Or this")
    own = community_services.reply_create(user=student, thread=thread, body="Found it")
    community_services.thread_accept_answer(user=student, thread=thread, reply=first)
    community_services.thread_accept_answer(user=student, thread=thread, reply=first)  # again: nothing new
    assert gs.points_balance(user_id=helper.pk) == 15
    community_services.thread_accept_answer(user=student, thread=thread, reply=second)
    assert gs.points_balance(user_id=helper.pk) == 0 and gs.points_balance(user_id=other.pk) == 15
    community_services.thread_accept_answer(user=student, thread=thread, reply=own)  # one's own: no points
    assert gs.points_balance(user_id=student.pk) == 0 and gs.points_balance(user_id=other.pk) == 0


def test_admin_adds_an_adjustment_through_the_service(client, student):
    admin = AdminFactory(is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:learning_pointsentry_add")
    response = client.post(url, {"user": student.pk, "amount": 25, "note": "Meetup speaker"})
    assert response.status_code == 302, response.content[:500]
    entry = PointsEntry.objects.get(user=student)
    assert (entry.amount, entry.reason, entry.created_by_id, entry.note) == (
        25,
        "adjustment",
        admin.pk,
        "Meetup speaker",
    )
    assert AuditLog.objects.filter(action="learning.points_adjusted").exists()
    assert client.get(reverse("admin:learning_pointsentry_changelist")).status_code == 200
    assert client.get(reverse("admin:learning_pointsentry_change", args=[entry.pk])).status_code == 200
