"""Learning pages for instructors: the grading queue and grading submissions and quiz attempts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses.models import Course
from courseworx.core.exceptions import ConflictError
from courseworx.core.forms import add_service_errors

from . import permissions, selectors, services
from .forms import GradeForm
from .models import AssignmentSubmission

# --- Instructors: grading and attendance --------------------------------------------------------


def _require_teacher(request):
    if not Course.objects.editable_by(request.user).exists():
        raise PermissionDenied(_("This page is for instructors."))


@login_required
def grading(request):
    _require_teacher(request)
    courses = list(Course.objects.editable_by(request.user).order_by("title"))
    course = None
    if request.GET.get("course"):
        course = next((c for c in courses if str(c.pk) == request.GET["course"]), None)
    status = request.GET.get("status", AssignmentSubmission.Status.SUBMITTED)
    if status not in AssignmentSubmission.Status.values and status != "all":
        status = AssignmentSubmission.Status.SUBMITTED
    submissions = selectors.grading_queue(user=request.user, course=course, status=None if status == "all" else status)
    quiz_attempts = selectors.pending_quiz_attempts(user=request.user, course=course)
    return render(request, "learning/grading.html", {
        "courses": courses, "course": course, "status": status,
        "submissions": submissions[:200], "quiz_attempts": quiz_attempts[:200],
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def submission_grade(request, submission_id):
    submission = selectors.submission_get(user=request.user, submission_id=submission_id)
    if not permissions.can_grade_course(request.user, submission.course):
        raise Http404(_("No such submission."))
    points = submission.assignment.points
    form = GradeForm(initial={"score": submission.score, "feedback": submission.feedback}, points=points)
    if request.method == "POST":
        form = GradeForm(request.POST, points=points)
        if form.is_valid():
            try:
                services.submission_grade(
                    submission=submission, grader=request.user, score=form.cleaned_data["score"],
                    feedback=form.cleaned_data["feedback"],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Submission of %(name)s graded.") % {"name": submission.user.get_full_name()}
                )
                return redirect(f"{reverse('learning:grading')}?course={submission.course_id}")
    return render(request, "learning/submission_grade.html", {"submission": submission, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_attempt_grade(request, attempt_id):
    attempt = selectors.quiz_attempt_get(user=request.user, attempt_id=attempt_id)
    if not permissions.can_grade_course(request.user, attempt.course):
        raise Http404(_("No such attempt."))
    errors = {}
    if request.method == "POST":
        points = {qid: request.POST.get(f"points_{qid}", "") for qid in attempt.results}
        try:
            services.quiz_attempt_grade(attempt=attempt, grader=request.user, points=points)
        except ConflictError as exc:
            messages.warning(request, exc.message)
            return redirect("learning:grading")
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            messages.success(request, _("Quiz graded."))
            return redirect("learning:grading")
    rows = [(qid, attempt.results[qid], errors.get(qid)) for qid in attempt.question_order if qid in attempt.results]
    return render(request, "learning/quiz_attempt_grade.html", {"attempt": attempt, "rows": rows, "errors": errors})
