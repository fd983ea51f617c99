"""Accessibility checks and pages (transcripts count), scheduled reports."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from courses.models import CourseContent, VoiceTranscript
from reports.accessibility import accessibility_scan
from reports.models import AccessibilityReport, ReportSubscription
from reports.subscriptions import due_subscriptions, period_for, subscription_send
from tests.courses.factories import ContentFactory

pytestmark = pytest.mark.django_db


def _video(course, title, **kw):
    return ContentFactory(course=course, title=title, kind="video", article_body="",
                          video_url="https://www.youtube.com/watch?v=x", **kw)  # fmt: skip


def test_automatic_checks_are_idempotent_and_resolve(world):
    video = _video(world.alpha, "Intro video")
    captioned = _video(world.alpha, "Captioned video")
    VoiceTranscript.objects.create(content=captioned, text="Hello and welcome")
    ContentFactory(course=world.beta, title="Diagram", kind="image", article_body="", file="x.png")
    ContentFactory(course=world.beta, title="Picture article", article_body="![](https://example.com/a.png)")
    run = accessibility_scan()
    issues = set(AccessibilityReport.objects.values_list("content__title", "issue"))
    assert issues == {
        ("Intro video", "video_no_captions"),
        ("Diagram", "image_no_alt"),
        ("Picture article", "article_image_no_alt"),
    }
    assert run.rows == 3
    accessibility_scan()
    assert AccessibilityReport.objects.count() == 3
    VoiceTranscript.objects.create(content=video, text="Now with words")
    CourseContent.objects.filter(title="Diagram").update(alt_text="A flow chart")
    accessibility_scan()
    assert set(AccessibilityReport.objects.filter(status="open").values_list("content__title", flat=True)) == {
        "Picture article"
    }


def test_manual_report_and_staff_page(client, world, make_staff):
    client.force_login(world.s1)
    url = reverse("reports:accessibility_report", args=[world.a1.pk])
    assert client.post(url, {"description": "x"}).status_code == 200  # too short
    client.post(url, {"description": "The text is too light to read"})
    report = AccessibilityReport.objects.get()
    assert report.source == "manual" and report.reported_by == world.s1 and report.course == world.alpha
    assert client.get(reverse("reports:accessibility")).status_code == 403  # a student
    client.force_login(make_staff(roles.REVIEWERS))
    page = client.get(reverse("reports:accessibility")).content.decode()
    assert "too light to read" in page and "Alpha" in page
    client.force_login(world.irene)  # not her course
    assert "too light to read" not in client.get(reverse("reports:accessibility")).content.decode()


def test_subscribe_from_the_page_and_send(client, world, admin_user):
    client.force_login(admin_user)
    client.post(reverse("reports:subscribe", args=["completion"]), {"frequency": "weekly", "format": "csv",
                                                                  "course": world.alpha.pk})  # fmt: skip
    sub = ReportSubscription.objects.get()
    assert (sub.report, sub.frequency, sub.format, sub.filters) == (
        "completion",
        "weekly",
        "csv",
        {"course": str(world.alpha.pk)},
    )
    monday = dt.datetime(2026, 3, 16, 6, tzinfo=dt.UTC)
    assert list(due_subscriptions(monday)) == [sub]
    assert not due_subscriptions(monday + dt.timedelta(days=1)).exists()
    assert period_for("weekly", monday.date()) == (dt.date(2026, 3, 9), dt.date(2026, 3, 15))
    assert period_for("monthly", dt.date(2026, 4, 1)) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert subscription_send(subscription_id=sub.pk, now=monday)
    assert len(mail.outbox) == 1
    attachment = mail.outbox[0].attachments[0]
    assert attachment[0] == "completion_20260309-20260315.csv" and "Alpha" in str(attachment[1])
    assert not due_subscriptions(monday).exists()  # sent today: not twice
    client.post(reverse("reports:unsubscribe", args=[sub.pk]))
    assert not ReportSubscription.objects.exists()


def test_subscription_is_switched_off_without_the_duty(world, make_staff):
    finance = make_staff(roles.FINANCE)
    sub = ReportSubscription.objects.create(user=finance, report="completion", frequency="weekly")
    assert not subscription_send(subscription_id=sub.pk)
    sub.refresh_from_db()
    assert not sub.is_active
