"""The nightly computation: what is (never) recommended, the reasons and their order, dismissals, the log."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.models import Course, InstructorCollaborator
from learning import recommendation_engine, services
from learning.models import AIModelTrainingLog, AIRecommendation, CourseRelation, RecommendationDismissal
from tests.courses.factories import CategoryFactory, CourseFactory, PublishedCourseFactory, TagFactory
from tests.factories import InstructorFactory, StudentFactory

from .conftest import compute, enrol, learners_taking

pytestmark = pytest.mark.django_db


def recs(user) -> list[AIRecommendation]:
    return list(AIRecommendation.objects.filter(user=user).select_related("course", "reason_course").order_by("rank"))


def test_never_a_course_the_user_has_teaches_or_cannot_buy_and_each_has_a_reason_and_score():
    student = StudentFactory()
    seed = PublishedCourseFactory(title="Seed")
    statuses = ("enrolled", "completed", "dropped", "suspended")
    taken = {status: PublishedCourseFactory(title=f"Taken {status}") for status in statuses}
    owned = PublishedCourseFactory(title="Owned", instructor=student)
    co_authored = PublishedCourseFactory(title="Co-authored")
    InstructorCollaborator.objects.create(course=co_authored, user=student)
    draft = CourseFactory(title="Draft", status=Course.Status.DRAFT)
    archived = CourseFactory(title="Archived", status=Course.Status.ARCHIVED)
    ended = PublishedCourseFactory(title="Ended", end_date=timezone.localdate() - dt.timedelta(days=1))
    full = PublishedCourseFactory(title="Full", max_students=3)
    fine = PublishedCourseFactory(title="Fine")
    forbidden = [*taken.values(), owned, co_authored, draft, archived, ended, full]
    # Everyone else takes every course with the seed: each would be a strong co-enrolment candidate.
    learners_taking(seed, fine, *forbidden, n=3)
    enrol(student, seed, status="completed")
    for status, course in taken.items():
        enrol(student, course, status=status)

    log = compute()

    mine = recs(student)
    shown = {r.course_id for r in mine}
    assert fine.pk in shown, "the one course left is recommended"
    assert not shown & ({c.pk for c in forbidden} | {seed.pk})
    for rank, rec in enumerate(mine, start=1):
        assert rec.rank == rank and rec.score > 0 and rec.run_id == log.pk
        assert rec.reason in AIRecommendation.Reason.values
        assert rec.reason == "popular" or rec.reason_course_id is not None
    # Nobody is ever recommended a course that is not purchasable.
    assert not AIRecommendation.objects.filter(course__in=[draft, archived, ended, full]).exists()


def test_co_enrolment_orders_by_shared_learners_and_says_because_you_took():
    student = StudentFactory()
    a, b, c, d = (PublishedCourseFactory(title=t) for t in ("Alpha", "Bravo", "Charlie", "Delta"))
    learners_taking(a, b, n=4)
    learners_taking(a, c, n=2)
    learners_taking(d, n=6)  # popular, but unrelated to what the student took
    enrol(student, a)

    compute()

    mine = recs(student)
    assert [r.course for r in mine[:3]] == [b, c, d]
    assert [r.reason for r in mine[:2]] == ["co_enrolment", "co_enrolment"]
    assert mine[0].reason_course == a and mine[0].score > mine[1].score > mine[2].score
    assert mine[2].reason == "popular"
    also_took = CourseRelation.objects.filter(course=a, kind="co_enrolment").order_by("rank")
    assert [(r.related, r.shared_learners) for r in also_took] == [(b, 4), (c, 2)]


def test_pairs_below_the_minimum_of_shared_learners_are_ignored():
    student = StudentFactory()
    a, b = PublishedCourseFactory(title="Alpha"), PublishedCourseFactory(title="Bravo")
    learners_taking(a, b, n=1)
    enrol(student, a)
    compute(min_co_enrolments=2)
    assert not CourseRelation.objects.filter(kind="co_enrolment").exists()
    assert [r.reason for r in recs(student)] == ["popular"]


def test_similar_content_from_categories_tags_and_title_words():
    student = StudentFactory()
    data = CategoryFactory(name="Data")
    sql_tag = TagFactory(name="sql")
    seed = PublishedCourseFactory(title="Relational databases with PostgreSQL", category=data)
    similar = PublishedCourseFactory(title="PostgreSQL performance tuning", category=data)
    PublishedCourseFactory(title="Watercolour painting")
    PublishedCourseFactory(title="Spanish for travellers")
    seed.tags.add(sql_tag)
    similar.tags.add(sql_tag)
    for course in (seed, similar):
        course.categories.add(data)
    enrol(student, seed)

    compute()

    first = recs(student)[0]
    assert (first.course, first.reason, first.reason_course) == (similar, "similar_content", seed)


def test_a_new_user_gets_popular_courses_with_their_category():
    newcomer = StudentFactory()
    design = CategoryFactory(name="Design")
    hot = PublishedCourseFactory(title="Hot", category=design)
    warm = PublishedCourseFactory(title="Warm")
    PublishedCourseFactory(title="Cold")
    learners_taking(hot, n=5, days_ago=3)
    learners_taking(warm, n=2, days_ago=3)

    compute()

    mine = recs(newcomer)
    assert [r.course.title for r in mine] == ["Hot", "Warm", "Cold"]
    assert all(r.reason == "popular" and r.reason_course_id is None for r in mine)
    assert mine[0].reason_params == {"category": "Design"}


def test_a_dismissed_course_is_gone_at_once_and_never_returns():
    student = StudentFactory()
    a, b = PublishedCourseFactory(title="Alpha"), PublishedCourseFactory(title="Bravo")
    learners_taking(a, b, n=3)
    enrol(student, a)
    compute()
    assert b.pk in {r.course_id for r in recs(student)}

    services.recommendation_dismiss(user=student, course=b)
    services.recommendation_dismiss(user=student, course=b)  # idempotent
    assert RecommendationDismissal.objects.filter(user=student, course=b).count() == 1
    assert b.pk not in {r.course_id for r in recs(student)}

    compute()
    assert b.pk not in {r.course_id for r in recs(student)}
    assert AIRecommendation.objects.filter(course=b).exists(), "other learners still get it"


def test_a_run_replaces_each_users_rows_and_skips_inactive_users():
    student, gone = StudentFactory(), StudentFactory(is_active=False)
    a, b, c = (PublishedCourseFactory(title=t) for t in ("Alpha", "Bravo", "Charlie"))
    learners_taking(a, b, c, n=3)
    enrol(student, a)
    compute()
    assert {r.course for r in recs(student)} == {b, c}
    enrol(student, b)
    compute(per_user=5)
    assert [r.course for r in recs(student)] == [c]
    assert not AIRecommendation.objects.filter(user=gone).exists()
    assert AIRecommendation.objects.filter(user=student, course=c).count() == 1


def test_the_number_per_user_is_the_setting(settings):
    settings.RECOMMENDATIONS_PER_USER = 2
    student = StudentFactory()
    PublishedCourseFactory.create_batch(5)
    log = compute()
    assert len(recs(student)) == 2 and log.parameters["per_user"] == 2


def test_hit_rate_at_10_on_a_held_out_slice_without_leakage():
    """u1's most recent course is predictable from others' co-enrolments (hit); u2's and u3's are only related
    through their own held-out enrolment, which the evaluation must not see (misses): 1 hit in 3."""
    alpha, bravo, charlie, echo, foxtrot, zulu = (
        PublishedCourseFactory(title=t) for t in ("Alpha", "Bravo", "Charlie", "Echo", "Foxtrot", "Zulu")
    )
    fillers = [PublishedCourseFactory(title=f"Filler {i:02d}") for i in range(12)]
    learners_taking(alpha, bravo, n=3, days_ago=40)  # outside the 7-day slice
    for filler in fillers:
        learners_taking(filler, n=2, days_ago=20)  # popular, outside the slice
    u1, u2, u3 = StudentFactory.create_batch(3)
    enrol(u1, alpha, days_ago=40)
    enrol(u1, bravo, days_ago=1)
    enrol(u2, charlie, days_ago=40)
    enrol(u2, zulu, days_ago=1)
    enrol(u3, echo, days_ago=40)
    enrol(u3, foxtrot, days_ago=1)

    log = compute(min_co_enrolments=1, eval_days=7, popular_days=60)

    log.refresh_from_db()
    assert log.evaluated_users == 3
    assert float(log.hit_rate_at_10) == pytest.approx(1 / 3, abs=1e-4)


def test_no_slice_no_hit_rate():
    PublishedCourseFactory()
    StudentFactory()
    log = compute()
    assert log.hit_rate_at_10 is None and log.evaluated_users == 0


def test_the_log_of_a_successful_run():
    a, b, c = (PublishedCourseFactory(title=t) for t in ("Alpha", "Bravo", "Charlie"))
    CourseFactory(title="Draft")  # not in the catalog
    students = StudentFactory.create_batch(2)
    learners_taking(a, b, n=3)
    for s in students:
        enrol(s, a)
        enrol(s, b)
        enrol(s, c)  # nothing left for them
    StudentFactory(is_active=False)

    log = compute(per_user=1)

    log.refresh_from_db()
    active = type(students[0]).objects.filter(is_active=True).count()
    assert log.status == "succeeded" and log.trigger == "command" and log.error == ""
    assert log.finished_at >= log.started_at and log.duration_ms is not None
    assert log.users_processed == active
    assert log.users_covered == active - 2
    assert log.recommendations_created == AIRecommendation.objects.count() == active - 2
    recommended = AIRecommendation.objects.values("course").distinct().count()
    assert log.catalog_size == 3
    assert float(log.catalog_coverage) == pytest.approx(recommended / 3, abs=1e-4)
    assert log.parameters["per_user"] == 1 and set(log.parameters["weights"]) == {
        "co_enrolment",
        "content",
        "popularity",
    }


def test_a_failed_run_keeps_its_log_row_with_the_error(monkeypatch):
    PublishedCourseFactory()

    def boom(*args, **kwargs):
        raise RuntimeError("the similarity table exploded")

    monkeypatch.setattr(recommendation_engine, "content_neighbours", boom)
    with pytest.raises(RuntimeError):
        compute()
    log = AIModelTrainingLog.objects.get()
    assert log.status == "failed" and "the similarity table exploded" in log.error
    assert log.finished_at is not None and log.duration_ms is not None


def test_the_command_shows_progress_and_a_summary(capsys):
    student = StudentFactory()
    PublishedCourseFactory.create_batch(2)
    call_command("recommendations_compute", "--no-evaluate")
    out = capsys.readouterr().out
    assert "users" in out and "100%" in out and "recommendations for" in out
    assert AIModelTrainingLog.objects.get().trigger == "command"
    assert AIRecommendation.objects.filter(user=student).count() == 2


def test_the_nightly_task_computes_and_logs():
    from learning.tasks import recommendations_compute_task  # noqa: PLC0415 — the task module, only here

    StudentFactory()
    PublishedCourseFactory()
    recommendations_compute_task.delay()
    assert AIModelTrainingLog.objects.get().status == "succeeded"


def test_teachers_are_not_recommended_their_own_courses():
    teacher = InstructorFactory()
    PublishedCourseFactory(instructor=teacher)
    other = PublishedCourseFactory()
    compute()
    assert [r.course for r in recs(teacher)] == [other]


def test_the_demo_module_computes_once_more_without_duplicates():
    from learning import demo_recommendations  # noqa: PLC0415 — the demo module, only here

    student = StudentFactory()
    a, b = PublishedCourseFactory(title="Alpha"), PublishedCourseFactory(title="Bravo")
    learners_taking(a, b, n=2)
    enrol(student, a)
    lines = []
    demo_recommendations.seed({}, lines.append)
    demo_recommendations.seed({}, lines.append)
    assert [(r.course, r.reason, r.reason_course) for r in recs(student)] == [(b, "co_enrolment", a)]
    assert AIModelTrainingLog.objects.filter(trigger="demo").count() == 2 and "recommendations:" in lines[0]
