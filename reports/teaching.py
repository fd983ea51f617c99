"""The instructors' lesson analytics: per lesson of one course they teach — views, completions,
completion rate and drop-off from the lesson before — as a bar chart and a table.  Reached from the
teaching dashboard (/teach/).  Others' courses (and unknown slugs) are a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from courses.models import Course
from courses.permissions import user_teaches_course

from .lesson_analytics import course_lesson_analytics, course_lesson_chart


@login_required
def course_lesson_analytics_page(request, slug: str):
    course = Course.objects.without_revisions().filter(slug=slug).first()
    if course is None or not (request.user.is_superuser or user_teaches_course(request.user, course)):
        raise Http404(_("No such course."))
    rows = course_lesson_analytics(course=course)
    context = {"course": course, "rows": rows, "charts": [course_lesson_chart(rows)] if rows else []}
    return render(request, "reports/lesson_analytics.html", context)
