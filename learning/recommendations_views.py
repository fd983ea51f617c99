"""Recommendation pages: "Recommended for you", "not interested", and the course page's fragment (the course
page lives in `courses`, which may not import learning: it loads this fragment by htmx from its URL)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.models import Course
from courses.selectors import apply_translations, explicit_prices_attach
from courseworx.core.currency import display_currency
from courseworx.core.views import safe_next_url

from . import permissions, services
from . import recommendations_selectors as selectors
from .models import AIModelTrainingLog


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or "en"


@login_required
@require_GET
def recommended(request):
    """Recommended for you: every current recommendation with its reason, and "not interested"."""
    recs = selectors.recommendations_for(user=request.user)
    courses = [rec.course for rec in recs]
    apply_translations(courses, _language(request))
    explicit_prices_attach(courses, display_currency(request))
    last_run = AIModelTrainingLog.objects.filter(status=AIModelTrainingLog.Status.SUCCEEDED).first()
    return render(request, "learning/recommendations/list.html", {"recommendations": recs, "last_run": last_run})


@login_required
@require_POST
def dismiss(request, course_id):
    course = Course.objects.filter(pk=course_id).first()
    if course is None or not permissions.can_see_course(request.user, course):  # a draft: as unknown as a wrong id
        raise Http404(_("No such course."))
    services.recommendation_dismiss(user=request.user, course=course)
    if request.htmx:
        return render(request, "learning/recommendations/dismissed.html", {"course": course})
    messages.success(request, _("We will not recommend “%(course)s” again.") % {"course": course.title})
    return redirect(safe_next_url(request, request.POST.get("next")) or "learning:recommendations")


@require_GET
def course_fragment(request, slug: str):
    """The course page's "Learners who took this also took…", similar courses and (logged in) the visitor's own
    picks.  An unknown or unpublished course is an empty 404, or to htmx a 204 (nothing to show, no error)."""
    course = Course.objects.published().filter(slug=slug).only("id", "slug", "title").first()
    if course is None:
        return HttpResponse(status=204 if request.htmx else 404)
    related = selectors.related_courses(course=course)
    picks = []
    if request.user.is_authenticated:
        picks = selectors.recommendations_for(
            user=request.user, limit=selectors.COURSE_PAGE_PERSONAL, exclude_course=course, cards=False
        )
    apply_translations([*related.also_took, *related.similar, *(r.course for r in picks)], _language(request))
    return render(
        request,
        "learning/recommendations/course_fragment.html",
        {"course": course, "related": related, "picks": picks},
    )
