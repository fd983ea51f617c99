"""The public catalog: home, /courses/ (filters, search, sorting, pagination) and course pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courses import selectors
from courses.models import Course, CourseContent, CourseLanguage, Translation
from tests.courses.factories import (
    CategoryFactory,
    CollaboratorFactory,
    ContentFactory,
    CourseFactory,
    PublishedCourseFactory,
    SectionFactory,
    TagFactory,
)
from tests.courses.utils import queries_of
from tests.factories import InstructorFactory, ReviewerFactory, StudentFactory

pytestmark = pytest.mark.django_db

CATALOG = reverse("courses:catalog")
# Anonymous visitors, English: the same number at any size.  A new query here must be justified: it runs on
# every page view.
CATALOG_QUERIES = 4  # count, page of courses, categories (sidebar), tags (sidebar)
# course (+instructor, category), tags, categories, prerequisites, sections, lessons; reviews: rating summary,
# latest reviews; learning: the upcoming classroom sessions
DETAIL_QUERIES = 9
HOME_QUERIES = 4  # featured, newest, popular, categories


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search only")


def _slugs(response) -> list[str]:
    return [c.slug for c in response.context["courses"]]


def _course_with_syllabus(n_lessons: int, **kwargs) -> Course:
    course = PublishedCourseFactory(**kwargs)
    sections = [SectionFactory(course=course, order=i) for i in range(3)]
    for i in range(n_lessons):
        ContentFactory(section=sections[i % 3], order=i, duration_seconds=60 * (i + 1), is_preview=i == 0)
    return course


# --- home -----------------------------------------------------------------------------------------
def test_home_shows_featured_newest_and_popular(client):
    featured = PublishedCourseFactory(title="Featured Thing", is_featured=True)
    popular = PublishedCourseFactory(title="Crowd Pleaser", enrollment_count=999)
    CourseFactory(title="Secret Draft")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    home = response.context["home"]
    assert featured in home.featured
    assert home.popular[0] == popular
    html = response.content.decode()
    assert "Featured Thing" in html and "Crowd Pleaser" in html
    assert "Secret Draft" not in html


@pytest.mark.parametrize("n", [5, 40])
def test_home_runs_a_constant_number_of_queries(client, n):
    def load(total: int) -> int:
        for i in range(Course.objects.count(), total):
            PublishedCourseFactory(is_featured=i % 2 == 0, enrollment_count=i)
        count, response = queries_of(client, reverse("home"))
        home = response.context["home"]
        # every section holds its 4 cards (featured: 3 of 5 at first); each course has its own category
        assert (len(home.featured), len(home.newest), len(home.popular)) == (min((total + 1) // 2, 4), 4, 4)
        assert len(response.context["categories"]) == total
        return count

    assert load(n) == load(2 * n) == HOME_QUERIES


# --- list -----------------------------------------------------------------------------------------
def test_catalog_lists_only_published_courses(client):
    published = PublishedCourseFactory()
    for status in (Course.Status.DRAFT, Course.Status.IN_REVIEW, Course.Status.ARCHIVED):
        CourseFactory(status=status)
    response = client.get(CATALOG)
    assert response.status_code == 200
    assert _slugs(response) == [published.slug]
    assert "1</strong> course" in response.content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_catalog_runs_a_constant_number_of_queries(client, n):
    tags = [TagFactory() for _ in range(3)]

    def load(total: int) -> int:
        for _ in range(Course.objects.count(), total):
            ContentFactory(course=PublishedCourseFactory(tags=tags))
        count, response = queries_of(client, CATALOG, {"sort": "popular"})
        assert (response.context["paginator"].count, len(response.context["courses"])) == (total, min(total, 12))
        return count

    assert load(n) == load(n + 8) == CATALOG_QUERIES


def test_catalog_query_count_with_search_and_filters_and_a_logged_in_user(client):
    category = CategoryFactory()
    client.force_login(StudentFactory())
    query = {"q": "pottery", "category": category.slug, "level": "beginner"}

    def load(total: int) -> int:
        for _ in range(Course.objects.count(), total):
            PublishedCourseFactory(category=category, description="Learn about pottery")
        count, response = queries_of(client, CATALOG, query)
        assert response.context["paginator"].count == total
        return count

    assert load(3) == load(30)


def test_filter_by_category_includes_subcategories(client):
    parent = CategoryFactory(slug="development")
    child = CategoryFactory(slug="web", parent=parent)
    grandchild = CategoryFactory(slug="frontend", parent=child)
    a = PublishedCourseFactory(category=parent)
    b = PublishedCourseFactory(category=grandchild)
    PublishedCourseFactory(category=CategoryFactory())
    assert sorted(_slugs(client.get(CATALOG, {"category": "development"}))) == sorted([a.slug, b.slug])
    assert _slugs(client.get(CATALOG, {"category": "frontend"})) == [b.slug]
    assert _slugs(client.get(CATALOG, {"category": "no-such-category"})) == []


def test_filter_by_level(client):
    beginner = PublishedCourseFactory(level=Course.Level.BEGINNER)
    advanced = PublishedCourseFactory(level=Course.Level.ADVANCED)
    PublishedCourseFactory(level=Course.Level.INTERMEDIATE)
    assert _slugs(client.get(CATALOG, {"level": "advanced"})) == [advanced.slug]
    both = client.get(CATALOG, {"level": ["advanced", "beginner"]})
    assert sorted(_slugs(both)) == sorted([beginner.slug, advanced.slug])


def test_filter_by_price(client):
    free = PublishedCourseFactory(price=Decimal("0"))
    paid = PublishedCourseFactory(price=Decimal("19.99"))
    assert _slugs(client.get(CATALOG, {"price": "free"})) == [free.slug]
    assert _slugs(client.get(CATALOG, {"price": "paid"})) == [paid.slug]


def test_filter_by_language_includes_offered_languages(client):
    french = PublishedCourseFactory(language="fr")
    offered = PublishedCourseFactory(language="en")
    CourseLanguage.objects.create(course=offered, language="fr")
    PublishedCourseFactory(language="en")
    assert sorted(_slugs(client.get(CATALOG, {"language": "fr"}))) == sorted([french.slug, offered.slug])


def test_filter_by_minimum_rating(client):
    great = PublishedCourseFactory(rating=Decimal("4.7"))
    PublishedCourseFactory(rating=Decimal("3.9"))
    assert _slugs(client.get(CATALOG, {"rating": "4.5"})) == [great.slug]


def test_filter_by_tag(client):
    python = TagFactory(name="Python", slug="python")
    tagged = PublishedCourseFactory(tags=[python, TagFactory()])
    PublishedCourseFactory(tags=[TagFactory()])
    assert _slugs(client.get(CATALOG, {"tag": "python"})) == [tagged.slug]


def test_invalid_filter_values_are_ignored(client):
    course = PublishedCourseFactory(level=Course.Level.BEGINNER)
    response = client.get(CATALOG, {"price": "cheap", "sort": "random", "rating": "9"})
    assert response.status_code == 200
    assert _slugs(response) == [course.slug]
    PublishedCourseFactory(level=Course.Level.ADVANCED)
    response = client.get(CATALOG, {"price": "cheap", "level": ["beginner", "intermediate"]})
    assert _slugs(response) == [course.slug]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["b", "c", "a"]),
        ("-price", ["a", "c", "b"]),
        ("rating", ["c", "a", "b"]),
        ("popular", ["b", "a", "c"]),
        ("title", ["a", "b", "c"]),
        ("newest", ["c", "b", "a"]),
    ],
)
def test_sorting(client, sort, expected):
    now = timezone.now()
    PublishedCourseFactory(slug="a", title="Alpha", price=30, rating=4, enrollment_count=50,
                           published_at=now - timedelta(days=3))  # fmt: skip
    PublishedCourseFactory(slug="b", title="Bravo", price=0, rating=3, enrollment_count=90,
                           published_at=now - timedelta(days=2))  # fmt: skip
    PublishedCourseFactory(slug="c", title="Charlie", price=10, rating=5, enrollment_count=10,
                           published_at=now - timedelta(days=1))  # fmt: skip
    assert _slugs(client.get(CATALOG, {"sort": sort})) == expected


def test_pagination_keeps_filters_and_sort(client):
    for i in range(15):
        PublishedCourseFactory(level=Course.Level.BEGINNER, price=i)
    PublishedCourseFactory(level=Course.Level.ADVANCED)
    response = client.get(CATALOG, {"level": "beginner", "sort": "price"})
    assert response.context["paginator"].count == 15
    assert len(response.context["courses"]) == 12
    html = response.content.decode()
    assert 'href="?level=beginner&amp;sort=price&amp;page=2"' in html
    page2 = client.get(CATALOG, {"level": "beginner", "sort": "price", "page": 2})
    assert len(page2.context["courses"]) == 3
    assert [c.price for c in page2.context["courses"]] == [12, 13, 14]
    assert 'href="?level=beginner&amp;sort=price&amp;page=1"' in page2.content.decode()


def test_empty_state(client):
    response = client.get(CATALOG, {"q": "nothing-matches-this"})
    assert response.status_code == 200
    assert "No courses match" in response.content.decode()


# --- search ---------------------------------------------------------------------------------------
def test_search_finds_a_word_only_in_the_description(client):
    target = PublishedCourseFactory(title="Cooking basics", description="We also cover fermentation at home.")
    PublishedCourseFactory(title="Baking", description="Bread and cakes.")
    response = client.get(CATALOG, {"q": "fermentation"})
    assert _slugs(response) == [target.slug]


def test_search_matches_tag_names(client):
    tagged = PublishedCourseFactory(title="Course one", tags=[TagFactory(name="Kubernetes", slug="kubernetes")])
    PublishedCourseFactory(title="Course two")
    assert _slugs(client.get(CATALOG, {"q": "kubernetes"})) == [tagged.slug]


def test_search_never_shows_drafts(client):
    CourseFactory(title="Fermentation secrets")
    assert _slugs(client.get(CATALOG, {"q": "fermentation"})) == []


def test_search_ranks_title_matches_first(client):
    description_only = PublishedCourseFactory(
        title="Kitchen science", description="A short part about sourdough among many other topics.",
        enrollment_count=1000,
    )  # fmt: skip
    in_title = PublishedCourseFactory(title="Sourdough", description="Bread from scratch.", enrollment_count=1)
    response = client.get(CATALOG, {"q": "sourdough"})
    assert response.context["sort"] == "relevance"
    assert _slugs(response) == [in_title.slug, description_only.slug]


def test_search_ranks_title_matches_first_on_postgresql(postgres_only):
    description_only = PublishedCourseFactory(
        title="Kitchen science", description="Sourdough bread, and sourdough starters, among other things."
    )
    in_title = PublishedCourseFactory(title="Sourdough masterclass", description="Bread from scratch.")
    ranked = list(selectors.course_list_published(filters={"search": "sourdough"}))
    assert ranked == [in_title, description_only]
    assert ranked[0].search_rank > ranked[1].search_rank


def test_search_uses_websearch_syntax_on_postgresql(postgres_only):
    python = PublishedCourseFactory(title="Python for data", description="Pandas and numpy.")
    PublishedCourseFactory(title="Python for the web", description="Django.")
    found = list(selectors.course_list_published(filters={"search": "python -django"}))
    assert found == [python]


# --- course page ----------------------------------------------------------------------------------
def test_course_page_shows_the_details_and_the_syllabus(client):
    prerequisite = PublishedCourseFactory(title="Foundations")
    course = PublishedCourseFactory(
        title="Pottery for beginners", price=Decimal("49.00"), requirements="Clay\nA wheel",
        learning_outcomes="Throw a bowl\nGlaze a pot", prerequisites=[prerequisite], enrollment_count=1234,
    )  # fmt: skip
    section = SectionFactory(course=course, title="Wheel basics", order=0)
    ContentFactory(section=section, title="Centering clay", duration_seconds=600, is_preview=True)
    ContentFactory(section=section, title="Hidden lesson", is_published=False)
    SectionFactory(course=course, title="Unpublished section", is_published=False, order=1)
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Pottery for beginners", "Wheel basics", "Centering clay", "Free preview", "10 min",
                 "Throw a bowl", "A wheel", "Foundations", "Buy for $49.00", "1,234 learners"):  # fmt: skip
        assert text in html, text
    assert "Hidden lesson" not in html and "Unpublished section" not in html
    assert "courses/includes/enrol_button.html" in [t.name for t in response.templates]


def test_regression_the_course_page_counts_one_lesson_in_the_singular(client):
    """Issue 19 §6 (browser journeys): "1 lessons in 1 section" — the plural followed the sections only."""
    course = PublishedCourseFactory(title="Tiny course")
    ContentFactory(section=SectionFactory(course=course, order=0), title="Only lesson")
    html = client.get(course.get_absolute_url()).content.decode()
    assert "1 section · 1 lesson<" in html and "1 lessons" not in html
    ContentFactory(section=SectionFactory(course=course, order=1), title="Second lesson")
    assert "2 sections · 2 lessons<" in client.get(course.get_absolute_url()).content.decode()


def test_free_course_says_enrol_for_free(client):
    course = PublishedCourseFactory(price=0)
    assert "enrol for free" in client.get(course.get_absolute_url()).content.decode().lower()


@pytest.mark.parametrize("n_lessons", [3, 45])
def test_course_page_runs_a_constant_number_of_queries(client, n_lessons):
    def load(lessons: int) -> int:
        course = _course_with_syllabus(lessons, tags=[TagFactory(), TagFactory()])
        course.prerequisites.add(PublishedCourseFactory(), PublishedCourseFactory())
        count, response = queries_of(client, course.get_absolute_url())
        assert response.context["course"].lesson_count == lessons
        return count

    assert load(n_lessons) == load(n_lessons + 6) == DETAIL_QUERIES


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.IN_REVIEW, Course.Status.ARCHIVED])
def test_unpublished_courses_are_404_for_the_public(client, status):
    course = CourseFactory(status=status)
    assert client.get(course.get_absolute_url()).status_code == 404
    assert client.get(course.get_absolute_url(), {"preview": "1"}).status_code == 404
    client.force_login(StudentFactory())
    assert client.get(course.get_absolute_url(), {"preview": "1"}).status_code == 404


def test_preview_works_for_the_owner_and_co_authors_only(client):
    course = CourseFactory(title="Work in progress")
    url = course.get_absolute_url()
    client.force_login(course.instructor)
    assert client.get(url).status_code == 404  # no ?preview=1: the public URL stays a 404
    response = client.get(url, {"preview": "1"})
    assert response.status_code == 200
    assert "Preview" in response.content.decode() and "not visible to the public" in response.content.decode()

    client.force_login(CollaboratorFactory(course=course).user)
    assert client.get(url, {"preview": "1"}).status_code == 200
    client.force_login(InstructorFactory())
    assert client.get(url, {"preview": "1"}).status_code == 404


def test_reviewers_may_preview_a_course_in_review(client):
    course = CourseFactory(status=Course.Status.IN_REVIEW)
    client.force_login(ReviewerFactory())
    assert client.get(course.get_absolute_url(), {"preview": "1"}).status_code == 200


# --- translations ---------------------------------------------------------------------------------
@pytest.fixture
def translated_course():
    course = PublishedCourseFactory(title="Bread basics", language="en")
    section = SectionFactory(course=course, title="Getting started", order=0)
    lesson = ContentFactory(section=section, title="Your first loaf")
    rows = [
        (Translation.Target.COURSE, course.pk, "title", "Les bases du pain"),
        (Translation.Target.SECTION, section.pk, "title", "Premiers pas"),
        (Translation.Target.CONTENT, lesson.pk, "title", "Votre premier pain"),
    ]
    for target, target_id, field, text in rows:
        Translation.objects.create(course=course, language="fr", target=target, target_id=target_id, field=field,
                                   text=text)  # fmt: skip
    return course


def test_translations_follow_accept_language(client, translated_course):
    html = client.get(translated_course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Les bases du pain" in html and "Premiers pas" in html and "Votre premier pain" in html
    english = client.get(translated_course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bread basics" in english and "Les bases du pain" not in english


def test_translations_follow_the_language_cookie(client, translated_course):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Les bases du pain" in client.get(CATALOG).content.decode()
    assert "Les bases du pain" in client.get(reverse("home")).content.decode()


def test_apply_translations_uses_one_query(django_assert_num_queries, translated_course):
    course = selectors.course_detail(slug=translated_course.slug)
    with django_assert_num_queries(1):
        selectors.apply_translations([course], "fr")
    assert course.title == "Les bases du pain"
    assert course.syllabus[0].lessons[0].title == "Votre premier pain"
    assert Course.objects.get(pk=course.pk).title == "Bread basics"  # nothing is saved


def test_lessons_of_every_kind_have_an_icon(client):
    course = PublishedCourseFactory()
    section = SectionFactory(course=course)
    ContentFactory(section=section, kind=CourseContent.Kind.QUIZ, article_body="", title="Check yourself")
    html = client.get(course.get_absolute_url()).content.decode()
    assert "bi-patch-question" in html
