"""Pages, fragment, API, admin and personal data of recommendations: who sees what, and fixed query counts."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Course
from learning.models import AIModelTrainingLog, AIRecommendation, CourseRelation, RecommendationDismissal
from learning.services import personal_data_anonymise_for_user
from reports.privacy import collect_learning
from tests.courses.factories import CategoryFactory, CourseFactory, PublishedCourseFactory
from tests.factories import AdminFactory, InstructorFactory, StaffFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

from .conftest import compute, enrol

pytestmark = pytest.mark.django_db


def recommend(user, course, *, rank=1, reason="popular", reason_course=None, category="Design"):
    return AIRecommendation.objects.create(
        user=user, course=course, score=1.0 / rank, reason=reason, reason_course=reason_course,
        reason_params={"category": category} if reason == "popular" else {}, rank=rank, computed_at=timezone.now(),
    )  # fmt: skip


def recommend_n(user, n):
    AIRecommendation.objects.filter(user=user).delete()
    seed = PublishedCourseFactory(title="Seed course")
    for rank in range(1, n + 1):
        reason = ("co_enrolment", "similar_content", "popular")[rank % 3]
        recommend(user, PublishedCourseFactory(), rank=rank, reason=reason, reason_course=seed)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- pages -------------------------------------------------------------------------------------------------
def test_recommended_page_shows_reasons_and_dismiss_buttons(client):
    student = StudentFactory()
    took = PublishedCourseFactory(title="Intro to SQL")
    recommend(student, PublishedCourseFactory(title="Advanced SQL"), rank=1, reason="co_enrolment", reason_course=took)
    recommend(
        student, PublishedCourseFactory(title="Data modelling"), rank=2, reason="similar_content", reason_course=took
    )
    recommend(student, PublishedCourseFactory(title="Figma basics"), rank=3, reason="popular", category="Design")
    client.force_login(student)
    html = client.get(reverse("learning:recommendations")).content.decode()
    assert html.index("Advanced SQL") < html.index("Data modelling") < html.index("Figma basics")
    assert "Because you took Intro to SQL" in html
    assert "Similar to Intro to SQL" in html
    assert "Popular with learners in Design" in html
    assert html.count("Not interested") == 3


def test_recommended_page_empty_state_and_login(client):
    assert client.get(reverse("learning:recommendations")).status_code == 302
    client.force_login(StudentFactory())
    html = client.get(reverse("learning:recommendations")).content.decode()
    assert "No recommendations for you yet." in html and "Browse the catalog" in html


def test_shown_lists_leave_out_courses_taken_since_dismissed_or_unpublished(client):
    student = StudentFactory()
    titles = ("Keep", "Enrolled", "Dismissed", "Archived")
    keep, enrolled, dismissed, archived = (PublishedCourseFactory(title=t) for t in titles)
    for rank, course in enumerate((keep, enrolled, dismissed, archived), start=1):
        recommend(student, course, rank=rank)
    enrol(student, enrolled)
    RecommendationDismissal.objects.create(user=student, course=dismissed)
    Course.objects.filter(pk=archived.pk).update(status=Course.Status.ARCHIVED)
    client.force_login(student)
    html = client.get(reverse("learning:recommendations")).content.decode()
    assert "Keep" in html and not any(t in html for t in ("Enrolled<", "Dismissed<", "Archived<"))
    titles = [r["course"]["title"] for r in api(student).get(reverse("api:learning-recommendations")).json()["results"]]
    assert titles == ["Keep"]


def test_dismiss_from_the_page_with_and_without_htmx(client):
    student = StudentFactory()
    a, b = PublishedCourseFactory(title="Alpha"), PublishedCourseFactory(title="Bravo")
    recommend(student, a, rank=1)
    recommend(student, b, rank=2)
    client.force_login(student)
    response = client.post(reverse("learning:recommendation_dismiss", args=[a.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "we will not recommend" in response.content.decode()
    response = client.post(reverse("learning:recommendation_dismiss", args=[b.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("learning:recommendations")
    assert set(RecommendationDismissal.objects.filter(user=student).values_list("course__title", flat=True)) == {
        "Alpha",
        "Bravo",
    }
    assert not AIRecommendation.objects.filter(user=student).exists()
    assert client.get(reverse("learning:recommendation_dismiss", args=[a.pk])).status_code == 405
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.post(reverse("learning:recommendation_dismiss", args=[unknown])).status_code == 404


def test_dismiss_needs_login(client):
    course = PublishedCourseFactory()
    response = client.post(reverse("learning:recommendation_dismiss", args=[course.pk]))
    assert response.status_code == 302 and not RecommendationDismissal.objects.exists()


def test_dashboard_panel(client):
    student = StudentFactory()
    client.force_login(student)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "Recommended for you" in html and "after tonight" in html
    recommend(student, PublishedCourseFactory(title="Figma basics"))
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "Figma basics" in html and "Popular with learners in Design" in html


def test_the_course_page_loads_the_fragment_by_htmx(client):
    course = PublishedCourseFactory()
    html = client.get(course.get_absolute_url()).content.decode()
    assert f'hx-get="{reverse("learning:course_recommendations", args=[course.slug])}"' in html


def test_course_fragment_for_visitors_and_learners(client):
    course = PublishedCourseFactory(title="Alpha")
    also, similar, hidden = (PublishedCourseFactory(title=t) for t in ("Bravo", "Charlie", "Hidden"))
    CourseRelation.objects.create(
        course=course, related=also, kind="co_enrolment", score=0.9, shared_learners=4, rank=1
    )
    CourseRelation.objects.create(course=course, related=similar, kind="similar_content", score=0.5, rank=1)
    CourseRelation.objects.create(course=course, related=hidden, kind="co_enrolment", score=0.5, rank=2)
    Course.objects.filter(pk=hidden.pk).update(status=Course.Status.ARCHIVED)
    url = reverse("learning:course_recommendations", args=[course.slug])

    html = client.get(url).content.decode()
    assert "Learners who took this also took" in html and "Bravo" in html and "Charlie" in html
    assert "Hidden" not in html and "Recommended for you" not in html

    student = StudentFactory()
    recommend(student, course, rank=1)  # the course itself is not offered on its own page
    recommend(student, PublishedCourseFactory(title="Delta"), rank=2)
    client.force_login(student)
    html = client.get(url).content.decode()
    assert "Recommended for you" in html and "Delta" in html and html.count("Alpha") == 0


def test_course_fragment_of_an_unpublished_course_shows_nothing(client):
    draft = CourseFactory(status=Course.Status.DRAFT)
    url = reverse("learning:course_recommendations", args=[draft.slug])
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 204
    assert client.get(reverse("learning:course_recommendations", args=["no-such-course"])).status_code == 404


# --- API ---------------------------------------------------------------------------------------------------
def test_api_lists_my_recommendations_with_reason_score_and_course():
    student, other = StudentFactory(), StudentFactory()
    took = PublishedCourseFactory(title="Intro")
    target = PublishedCourseFactory(title="Next", category=CategoryFactory(name="Data"))
    recommend(student, target, reason="co_enrolment", reason_course=took)
    recommend(other, PublishedCourseFactory(title="Not yours"))
    body = api(student).get(reverse("api:learning-recommendations")).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["reason"] == "co_enrolment" and row["reason_text"] == "Because you took Intro"
    assert row["reason_course"]["title"] == "Intro" and row["score"] == 1.0 and row["rank"] == 1
    assert row["course"]["title"] == "Next" and row["course"]["category"] == "Data" and row["course"]["url"]


def test_api_a_user_never_sees_or_dismisses_for_another():
    student, other = StudentFactory(), StudentFactory()
    course = PublishedCourseFactory()
    recommend(other, course)
    assert api(student).get(reverse("api:learning-recommendations")).json()["count"] == 0
    response = api(student).post(reverse("api:learning-recommendation-dismiss", args=[course.pk]))
    assert response.status_code == 201 and response.json()["course"] == str(course.pk)
    assert AIRecommendation.objects.filter(user=other, course=course).exists(), "only the caller's own row goes"
    assert RecommendationDismissal.objects.get().user == student


def test_api_dismiss_unknown_or_draft_course_is_404(client):
    student = StudentFactory()
    for course_id in ("00000000-0000-0000-0000-000000000000", CourseFactory(status=Course.Status.DRAFT).pk):
        response = api(student).post(reverse("api:learning-recommendation-dismiss", args=[course_id]))
        assert response.status_code == 404 and "error" in response.json()
        client.force_login(student)
        assert client.post(reverse("learning:recommendation_dismiss", args=[course_id])).status_code == 404
    assert not RecommendationDismissal.objects.exists()


def test_api_denials_for_visitors():
    course = PublishedCourseFactory()
    for method, url in (
        ("get", reverse("api:learning-recommendations")),
        ("post", reverse("api:learning-recommendation-dismiss", args=[course.pk])),
        ("get", reverse("api:learning-recommendation-training-logs")),
    ):
        assert getattr(api(), method)(url).status_code == 401, url


def test_api_training_logs_are_for_allowed_staff_only():
    compute()
    url = reverse("api:learning-recommendation-training-logs")
    assert api(StudentFactory()).get(url).status_code == 403
    assert api(InstructorFactory()).get(url).status_code == 403
    assert api(StaffFactory()).get(url).status_code == 403
    allowed = StaffFactory()
    allowed.user_permissions.add(Permission.objects.get(codename="view_aimodeltraininglog"))
    for user in (AdminFactory(), type(allowed).objects.get(pk=allowed.pk)):
        body = api(user).get(url).json()
        assert body["count"] == 1 and body["results"][0]["status"] == "succeeded"
        assert "hit_rate_at_10" in body["results"][0] and "catalog_coverage" in body["results"][0]


# --- query counts --------------------------------------------------------------------------------------------
def test_pages_and_api_run_the_same_queries_at_two_sizes(client):
    student = StudentFactory()
    client.force_login(student)
    course = PublishedCourseFactory()
    fragment = reverse("learning:course_recommendations", args=[course.slug])

    def load(n):
        recommend_n(student, n)
        CourseRelation.objects.filter(course=course).delete()
        for rank in range(1, n + 1):
            for kind in ("co_enrolment", "similar_content"):
                CourseRelation.objects.create(
                    course=course, related=PublishedCourseFactory(), kind=kind, score=1, rank=rank
                )
        counts = {}
        response, counts["page"] = count_queries(lambda: client.get(reverse("learning:recommendations")))
        assert len(response.context["recommendations"]) == n
        response, counts["dashboard"] = count_queries(lambda: client.get(reverse("learning:dashboard")))
        assert response.status_code == 200
        response, counts["fragment"] = count_queries(lambda: client.get(fragment))
        assert len(response.context["related"].also_took) == min(n, 4)
        response, counts["api"] = count_queries(lambda: api(student).get(reverse("api:learning-recommendations")))
        assert response.json()["count"] == n
        return counts

    assert_same_queries_at_two_sizes(load)


def test_training_logs_api_and_admin_lists_run_the_same_queries_at_two_sizes(client):
    admin_user = AdminFactory()
    client.force_login(admin_user)

    def load(n):
        AIModelTrainingLog.objects.all().delete()
        for _ in range(n):
            AIModelTrainingLog.objects.create(started_at=timezone.now(), status="succeeded")
        recommend_n(admin_user, n)
        counts = {}
        response, counts["api"] = count_queries(
            lambda: api(admin_user).get(reverse("api:learning-recommendation-training-logs"))
        )
        assert response.json()["count"] == n
        for name in ("aimodeltraininglog", "airecommendation"):
            url = reverse(f"admin:learning_{name}_changelist")
            response, counts[name] = count_queries(lambda url=url: client.get(url))
            assert response.context["cl"].result_count == n
        return counts

    assert_same_queries_at_two_sizes(load)


# --- admin ---------------------------------------------------------------------------------------------------
def test_admin_is_read_only_searches_by_user_and_runs_now(client, django_capture_on_commit_callbacks):
    admin_user = AdminFactory()
    student = StudentFactory(email="findme@example.com")
    recommend(student, PublishedCourseFactory())
    recommend(StudentFactory(), PublishedCourseFactory())
    client.force_login(admin_user)
    response = client.get(reverse("admin:learning_airecommendation_changelist"), {"q": "findme"})
    assert response.context["cl"].result_count == 1
    rec = AIRecommendation.objects.get(user=student)
    assert client.post(reverse("admin:learning_airecommendation_delete", args=[rec.pk])).status_code == 403
    html = client.get(reverse("admin:learning_aimodeltraininglog_changelist")).content.decode()
    assert "Compute recommendations now" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:learning_aimodeltraininglog_run"))
    assert response.status_code == 302
    assert AIModelTrainingLog.objects.get().trigger == "admin"


def test_admin_run_now_is_refused_without_the_permission(client, django_capture_on_commit_callbacks):
    staff = StaffFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_aimodeltraininglog"))
    client.force_login(staff)
    response = client.get(reverse("admin:learning_aimodeltraininglog_changelist"))
    assert response.status_code == 200 and "Compute recommendations now" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:learning_aimodeltraininglog_run")).status_code == 403
    assert not AIModelTrainingLog.objects.exists()
    staff.user_permissions.add(Permission.objects.get(codename="run_recommendations"))
    staff = type(staff).objects.get(pk=staff.pk)
    client.force_login(staff)
    assert client.get(reverse("admin:learning_aimodeltraininglog_run")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:learning_aimodeltraininglog_run")).status_code == 302
    assert AIModelTrainingLog.objects.get().status == "succeeded"


# --- personal data -------------------------------------------------------------------------------------------
def test_personal_data_export_and_deletion():
    student = StudentFactory()
    course = PublishedCourseFactory()
    recommend(student, course)
    RecommendationDismissal.objects.create(user=student, course=PublishedCourseFactory())
    data = collect_learning(student)
    assert len(data["recommendations"]) == 1 and len(data["recommendation_dismissals"]) == 1
    personal_data_anonymise_for_user(user=student)
    assert not AIRecommendation.objects.filter(user=student).exists()
    assert not RecommendationDismissal.objects.filter(user=student).exists()
