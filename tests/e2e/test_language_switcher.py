"""Issue 15 (translations) in Chromium: a visitor switches the site's language in the navbar on a course page
(the select submits itself through the static JS, no inline script); the course is then shown in French
where it is translated and in its original English elsewhere; switching back restores the original.

Screenshots: test-results/language-switcher-*.png (laptop and phone).
"""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Translation
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def course():
    course = PublishedCourseFactory(
        title="Bread basics", slug="bread-basics", language="en", short_description="Bake your own bread at home."
    )
    first = SectionFactory(course=course, title="Getting started", order=0)
    SectionFactory(course=course, title="Going further", order=1)
    lesson = ContentFactory(section=first, title="Your first loaf", order=0, is_published=True)
    ContentFactory(section=first, title="Shaping the dough", order=1, is_published=True)
    for target, target_id, field, text in (
        ("course", course.pk, "title", "Les bases du pain"),
        ("course", course.pk, "short_description", "Faites votre propre pain à la maison."),
        ("section", first.pk, "title", "Premiers pas"),
        ("content", lesson.pk, "title", "Votre premier pain"),
    ):
        Translation.objects.create(
            course=course, language="fr", target=target, target_id=target_id, field=field, text=text
        )
    return course


def switch_to(page, language: str) -> None:
    select = page.locator("#cw-language")
    if not select.is_visible():  # phone: the switcher is in the collapsed menu
        page.locator(".navbar-toggler").click()  # its label is in the page's language
    with page.expect_navigation():
        select.select_option(language)


@pytest.mark.parametrize(("name", "viewport"), [("laptop", LAPTOP), ("phone", PHONE)])
def test_switching_language_on_the_course_page(page, live_server, course, screenshot_dir, browser_problems, name,
                                               viewport):  # fmt: skip
    page.set_viewport_size(viewport)
    url = f"{live_server.url}{course.get_absolute_url()}"
    page.goto(url)
    expect(page.locator("h1")).to_contain_text("Bread basics")

    switch_to(page, "fr")
    assert page.url == url  # back on the same page
    expect(page.locator("h1")).to_contain_text("Les bases du pain")
    body = page.locator("main")
    expect(body).to_contain_text("Premiers pas")
    expect(body).to_contain_text("Votre premier pain")
    expect(body).to_contain_text("Going further")  # untranslated: the original
    expect(body).to_contain_text("Shaping the dough")
    expect(page.locator("#cw-language")).to_have_value("fr")
    page.screenshot(path=str(screenshot_dir / f"language-switcher-{name}-fr.png"), full_page=True)

    if name == "phone":  # the switcher in the opened menu
        page.locator(".navbar-toggler").click()  # its label is in the page's language
        expect(page.locator("#mainNav")).to_have_class(re.compile(r"\bcollapse show\b"))  # opened
        expect(page.locator("#cw-language")).to_be_visible()
        page.screenshot(path=str(screenshot_dir / "language-switcher-phone-menu.png"))
    switch_to(page, "en")
    expect(page.locator("h1")).to_contain_text("Bread basics")
    expect(page.locator("main")).not_to_contain_text("Premiers pas")
    page.screenshot(path=str(screenshot_dir / f"language-switcher-{name}-en.png"))
    assert browser_problems == []


def test_an_instructor_translates_a_course_in_the_admin(page, live_server, screenshot_dir, browser_problems):
    from django.conf import settings  # noqa: PLC0415 - only this test logs in
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from tests.courses.factories import CourseFactory  # noqa: PLC0415

    course = CourseFactory(title="Pottery basics", language="en", short_description="Learn pottery at home.")
    section = SectionFactory(course=course, title="Intro", order=0)
    ContentFactory(section=section, title="Clay", order=0, article_body="# Clay\n\nClay is **wet**.")
    client = Client()
    client.force_login(course.instructor)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}{reverse('admin:courses_course_change', args=[course.pk])}")
    page.get_by_role("link", name="Translations").click()
    page.get_by_role("link", name="Translate").first.click()  # Français is listed first
    expect(page.locator("h1")).to_contain_text("Français translation")
    page.locator(f"#id_course-{course.pk}-title").fill("Les bases de la poterie")
    page.locator(f"#id_section-{section.pk}-title").fill("Introduction")
    page.get_by_role("button", name="Save the Français translation").click()
    expect(page.locator(".messagelist")).to_contain_text("2 field(s) of the Français translation saved")
    page.screenshot(path=str(screenshot_dir / "language-admin-translation.png"), full_page=True)
    assert Translation.objects.filter(course=course, language="fr").count() == 2
    assert browser_problems == []
