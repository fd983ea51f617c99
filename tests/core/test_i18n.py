"""Internationalisation (issue 16 §9): the interface in English, French and Arabic (right-to-left).

The catalogs in locale/ are complete (no untranslated or fuzzy entry) and their committed .mo files say
what the .po files say; pages follow the visitor's language (the switcher's cookie), Arabic pages are
right-to-left with Bootstrap's RTL stylesheet; dates, numbers and money are formatted per locale.
"""

import datetime
import gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from courseworx.core import currency
from tests.courses.factories import PublishedCourseFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
UI_LANGUAGES = [code for code in settings.UI_LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(lang):
    with open(LOCALE / lang / "LC_MESSAGES" / "django.po", "rb") as fh:
        return read_po(fh, locale=lang)


def test_the_interface_languages_are_english_french_and_arabic():
    assert settings.UI_LANGUAGES == ("en", "fr", "ar")
    codes = [code for code, _name in settings.LANGUAGES]
    assert set(settings.UI_LANGUAGES) <= set(codes)
    assert settings.LOCALE_PATHS == [LOCALE]


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    catalog = _catalog(lang)
    assert len(catalog) > 1000
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == [], f"{lang}: untranslated or fuzzy: {missing[:10]}"


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    catalog = _catalog(lang)
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue  # plural forms may leave the number out ("one lesson")
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(message.id)), message.id


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_the_committed_mo_file_matches_the_po_file(lang):
    """`manage.py compilemessages` was run after the last change of the .po (the .mo is committed so that a
    machine without gettext serves translations)."""
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    catalog = _catalog(lang)
    stale = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for form, expected in enumerate(message.string):
                n = next(i for i in range(200) if compiled.plural(i) == form)  # a number that selects this form
                if message.context:
                    got = compiled.npgettext(message.context, *message.id, n)
                else:
                    got = compiled.ngettext(*message.id, n)
                if got != expected:
                    stale.append(message.id)
        else:
            got = compiled.pgettext(message.context, message.id) if message.context else compiled.gettext(message.id)
            if got != message.string:
                stale.append(message.id)
    assert stale == [], f"{lang}: run `manage.py compilemessages`; stale: {stale[:5]}"


# --- pages ----------------------------------------------------------------------------------------
def _get(client, lang, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.get(url)


@pytest.mark.django_db
def test_english_is_the_default_and_left_to_right(client):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en" dir="ltr"' in html
    assert "vendor/bootstrap/bootstrap.min.css" in html and "bootstrap.rtl" not in html
    assert "Learn new skills. Teach what you know." in html


@pytest.mark.django_db
def test_an_arabic_page_is_right_to_left_with_the_rtl_stylesheet(client):
    PublishedCourseFactory(title="Python", is_featured=True)
    for url in (reverse("home"), reverse("courses:catalog")):
        html = _get(client, "ar", url).content.decode()
        assert '<html lang="ar" dir="rtl"' in html
        assert "vendor/bootstrap/bootstrap.rtl.min.css" in html
        assert "vendor/bootstrap/bootstrap.min.css" not in html
        assert "الدورات" in html  # "Courses" in the navbar
        assert "Log in" not in html and "تسجيل الدخول" in html


@pytest.mark.django_db
def test_a_french_page_shows_french_strings(client):
    response = _get(client, "fr", reverse("home"))
    html = response.content.decode()
    assert '<html lang="fr" dir="ltr"' in html
    assert "Apprenez de nouvelles compétences. Enseignez ce que vous savez." in html
    assert "Se connecter" in html and "Parcourir tous les cours" in html
    assert "Learn new skills" not in html
    login = _get(client, "fr", reverse("accounts:login")).content.decode()
    assert "Mot de passe oublié ?" in login


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["es", "de"])
def test_content_only_languages_fall_back_to_an_english_interface(client, lang):
    """Spanish and German exist for course content; the interface has no catalog of ours for them."""
    html = _get(client, lang, reverse("home")).content.decode()
    assert f'<html lang="{lang}" dir="ltr"' in html
    assert "Learn new skills. Teach what you know." in html


@pytest.mark.django_db
def test_the_language_switcher_posts_to_set_language_and_the_next_page_follows(client):
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html and 'name="language"' in html
    assert '<option value="ar" lang="ar">العربية</option>' in html
    response = client.post(reverse("set_language"), {"language": "ar"}, HTTP_REFERER="http://testserver/")
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert 'dir="rtl"' in client.get(reverse("home")).content.decode()


# --- dates, numbers and money ---------------------------------------------------------------------
DATE = Template('{{ day|date:"DATE_FORMAT" }}|{{ n }}|{{ day|date:"j F Y" }}')


@pytest.mark.parametrize(
    ("lang", "expected_date", "expected_month"),
    [("en", "Dec. 1, 2026", "1 December 2026"), ("fr", "1 décembre 2026", "1 décembre 2026"), ("ar", None, "ديسمبر")],
)
def test_dates_and_numbers_follow_the_language(lang, expected_date, expected_month):
    with translation.override(lang):
        out = DATE.render(Context({"day": datetime.date(2026, 12, 1), "n": 1234.5}))
    date, number, long_date = out.split("|")
    if expected_date:
        assert date == expected_date
    assert expected_month in long_date
    assert number == {"en": "1234.5", "fr": "1234,5", "ar": "1234,5"}[lang]  # Django's ar formats use a comma too


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "€1,234.50"), ("fr", "1\u202f234,50\xa0€"), ("ar", "\u200f1,234.50\xa0€")],
)
def test_money_is_formatted_for_the_active_language(lang, expected):
    with translation.override(lang):
        assert currency.format_amount(Decimal("1234.5"), "EUR") == expected


@pytest.mark.django_db
def test_a_price_on_the_course_page_is_formatted_per_locale(client):
    course = PublishedCourseFactory(price=Decimal("1234.50"), currency="EUR")
    url = reverse("courses:detail", args=[course.slug])
    assert "€1,234.50" in _get(client, "en", url).content.decode()
    assert "1\u202f234,50\xa0€" in _get(client, "fr", url).content.decode()
