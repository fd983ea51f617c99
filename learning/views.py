"""Learning pages: enrolment, the lesson player, quizzes, assignments, attendance, certificates and
dashboards.  Views parse input, call services/selectors and render; htmx requests get partials."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import Course, CourseContent
from courses.selectors import apply_translations
from courseworx.core.activity import activity_record
from courseworx.core.exceptions import ConflictError
from courseworx.core.forms import add_service_errors
from courseworx.core.forms import service_error_text as _error_text
from courseworx.core.ranges import ranged_file_response
from courseworx.core.views import safe_next_url

from . import permissions, selectors, services
from .credentials_views import verify_page_context
from .dashboard_panels import INSTRUCTOR_PANELS, STUDENT_PANELS, panels_for
from .forms import AttendanceRowForm, CourseNoteForm, NoteForm, SubmissionForm
from .models import AssignmentSubmission, Attendance, Enrollment, QuizAttempt


def _course_page(course: Course) -> str:
    try:
        return course.get_absolute_url()
    except NoReverseMatch:  # the catalog's pages may not be installed
        return reverse("learning:dashboard")


# --- Enrolment ---------------------------------------------------------------------------------


@login_required
@require_POST
def enrol(request, slug: str):
    course = selectors.course_for_learning(slug=slug, user=request.user)
    try:
        services.enrollment_create(user=request.user, course=course, source="free")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_course_page(course))
    messages.success(request, _("You are enrolled in “%(title)s”. Enjoy the course!") % {"title": course.title})
    return redirect("learning:course_home", slug=course.slug)


@login_required
@require_POST
def drop(request, slug: str):
    course = selectors.course_for_learning(slug=slug, user=request.user)
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    if enrollment is None:
        raise Http404(_("You are not enrolled in this course."))
    try:
        services.enrollment_drop(enrollment=enrollment, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.info(
            request, _("You left “%(title)s”. Your progress is kept if you enrol again.") % {"title": course.title}
        )
    return redirect("learning:dashboard")


@login_required
@require_POST
def saved_toggle(request, slug: str):
    course = selectors.course_for_learning(slug=slug, user=request.user)
    if course.pk in selectors.saved_course_ids(user=request.user):
        services.saved_course_remove(user=request.user, course=course)
        saved = False
    else:
        services.saved_course_add(user=request.user, course=course)
        saved = True
    if request.htmx:
        return render(request, "learning/partials/saved_button.html", {"course": course, "saved": saved})
    messages.success(request, "Saved to your wishlist." if saved else "Removed from your wishlist.")
    return redirect(safe_next_url(request, request.POST.get("next")) or "learning:dashboard")


@login_required
def course_home(request, slug: str):
    """Continue where the student left off (or open the first lesson)."""
    course = selectors.course_for_learning(slug=slug, user=request.user)
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    if not (enrollment and enrollment.has_access):
        if permissions.can_preview_course(request.user, course):  # its authors and reviewers: the preview
            return redirect("learning:course_preview", slug=course.slug)
        messages.info(request, _("Enrol in this course to start learning."))
        return redirect(_course_page(course))
    lesson = selectors.first_open_lesson(course=course, enrollment=enrollment)
    if lesson is None:
        messages.info(request, _("This course has no lessons yet."))
        return redirect("learning:dashboard")
    return redirect("learning:lesson", slug=course.slug, content_id=lesson.pk)


def _translate_player(request, player) -> None:
    """The player's course, sections and lessons in the reader's language (the original as fallback;
    one query whatever the course's size; none when the reader reads the course's own language)."""
    language = getattr(request, "LANGUAGE_CODE", "") or ""
    if not language or language.split("-")[0] == player.course.language:
        return
    objs: dict[int, object] = {id(player.course): player.course, id(player.content): player.content}
    for block in player.sections:
        objs[id(block.section)] = block.section
        for item in block.lessons:
            objs[id(item.content)] = item.content
    for lesson in (player.previous, player.next, getattr(player.content, "section", None)):
        if lesson is not None:
            objs[id(lesson)] = lesson
    apply_translations(objs.values(), language)


# --- The lesson player ---------------------------------------------------------------------------


@require_GET
def lesson(request, slug: str, content_id):
    """The player.  Visitors open free-preview lessons only (anything else: log in first, the same answer
    for every slug and id); authors and reviewers who are not enrolled get the preview mode."""
    if not request.user.is_authenticated and selectors.free_preview_lesson(slug=slug, content_id=content_id) is None:
        return redirect_to_login(request.get_full_path())
    player = selectors.lesson_player(user=request.user, slug=slug, content_id=content_id)
    enrollment = player.enrollment
    has_access = enrollment is not None and enrollment.has_access
    if not has_access and permissions.can_preview_course(request.user, player.course):
        return redirect("learning:lesson_preview", slug=player.course.slug, content_id=player.content.pk)
    if not permissions.can_open_lesson(request.user, player.content, enrollment):
        messages.info(request, _("Enrol in this course to open its lessons."))
        return redirect(_course_page(player.course))
    _translate_player(request, player)
    context = {"player": player, "note_form": _note_form(player.note)}
    if player.locked_reason is None and has_access:
        services.enrollment_touch(enrollment=enrollment, content=player.content)
        activity_record(
            user=request.user, event="lesson_view", course_id=player.course.pk, content_id=player.content.pk
        )
    if player.content.kind == CourseContent.Kind.QUIZ and player.locked_reason is None:
        context.update(_quiz_intro(request.user, player.content))
    return render(request, "learning/lesson.html", context)


# --- Preview as a student (authors, reviewers) -----------------------------------------------------
# Read-only: these views write nothing (no enrolment touch, progress, attempt, note or activity), and
# their pages offer no button that would.  Everyone but `can_preview_course` gets the 404 of an unknown
# course, visitors included.  Links: courses.previews.course_preview_url / lesson_preview_url.


@require_GET
def course_preview(request, slug: str):
    """The preview opens at the course's first lesson."""
    course = selectors.course_for_preview(slug=slug, user=request.user)
    first = selectors.published_lessons(course.pk).first()
    if first is None:
        messages.info(
            request, _("This course has no published lessons yet: there is nothing to preview in the player.")
        )
        return redirect(f"{_course_page(course)}?preview=1")
    return redirect("learning:lesson_preview", slug=course.slug, content_id=first.pk)


@require_GET
def lesson_preview(request, slug: str, content_id):
    player = selectors.lesson_player(user=request.user, slug=slug, content_id=content_id, preview=True)
    _translate_player(request, player)
    context = {"player": player, "note_form": None}
    if player.content.kind == CourseContent.Kind.QUIZ:
        context.update(_quiz_preview(player.content))
    return render(request, "learning/lesson.html", context)


# Lesson files the browser shows in the page (the player's <img>, <video>, PDF viewer); others download.
_INLINE_TYPES = ("image/", "video/", "audio/", "application/pdf")


def _private_headers(response: FileResponse) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def lesson_file(request, slug: str, content_id):
    """A lesson's uploaded file, to exactly who may open the lesson (files have no public URL): its learners,
    the previewers of its course, and anyone for a free-preview lesson."""
    if not request.user.is_authenticated:
        content = selectors.free_preview_lesson(slug=slug, content_id=content_id)
        if content is None:
            return redirect_to_login(request.get_full_path())
    else:
        content = selectors.lesson_for_learning(user=request.user, slug=slug, content_id=content_id, preview=True)
    course = content.course
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    previewer = permissions.can_preview_course(request.user, course)
    if not content.file or not (previewer or permissions.can_open_lesson(request.user, content, enrollment)):
        raise Http404(_("No such file."))
    if not (previewer or permissions.is_course_staff(request.user, course)):
        locked = selectors.lesson_locked_reason(
            content, course=course, enrollment=enrollment, is_staff=False, today=timezone.localdate()
        )
        if locked is not None or not content.section.is_published:
            raise Http404(_("No such file."))
    content_type = content.file_type or "application/octet-stream"
    inline = content_type.startswith(_INLINE_TYPES) and content_type != "image/svg+xml"
    response = ranged_file_response(  # byte ranges: the player can seek in a video or audio lesson
        request, content.file, as_attachment=not inline, filename=content.file_download_name, content_type=content_type
    )
    return _private_headers(response)


def _note_form(note) -> NoteForm:
    return NoteForm(
        initial={
            "body": note.body if note else "",
            "is_private": note.is_private if note else True,
            "tags": ", ".join(t.name for t in note.tags.all()) if note else "",
        }
    )


def _quiz_preview(content: CourseContent) -> dict:
    """A quiz in preview: its figures and its questions as students see them (no answers), no attempt."""
    questions = list(content.questions.filter(is_active=True).order_by("order"))
    return {
        "attempts": [],
        "open_attempt": None,
        "attempts_left": content.max_attempts,
        "question_count": len(questions),
        "preview_questions": questions,
        "best_percent": None,
    }


def _quiz_intro(user, content: CourseContent) -> dict:
    if not user.is_authenticated:  # a visitor on a free-preview quiz: its figures, nothing of theirs
        return _quiz_preview(content) | {"preview_questions": []}
    attempts = list(selectors.quiz_attempt_list(user=user, content=content))
    open_attempt = next((a for a in attempts if a.is_open), None)
    return {
        "attempts": attempts,
        "open_attempt": open_attempt,
        "attempts_left": selectors.quiz_attempts_left(content=content, used=len(attempts)),
        "question_count": content.questions.filter(is_active=True).count(),
        "best_percent": max((a.percent for a in attempts if a.percent is not None), default=None),
    }


@login_required
@require_POST
def lesson_complete(request, slug: str, content_id):
    content = selectors.lesson_for_learning(user=request.user, slug=slug, content_id=content_id)
    try:
        services.lesson_mark_complete(user=request.user, content=content)
    except (ValidationError, PermissionDenied) as exc:
        if request.htmx:
            return HttpResponse(_error_text(exc), status=400)
        messages.error(request, _error_text(exc))
        return redirect("learning:lesson", slug=slug, content_id=content_id)
    enrollment = selectors.enrollment_for(user=request.user, course=content.course)
    if request.htmx:
        return render(
            request, "learning/partials/completion_result.html", {"content": content, "enrollment": enrollment}
        )
    messages.success(request, _("Lesson completed."))
    return redirect("learning:lesson", slug=slug, content_id=content_id)


@login_required
@require_POST
def lesson_heartbeat(request, slug: str, content_id):
    content = selectors.lesson_for_learning(user=request.user, slug=slug, content_id=content_id)
    try:
        seconds = int(request.POST.get("seconds", 0))
    except (TypeError, ValueError):
        seconds = 0
    try:
        services.lesson_time_record(user=request.user, content=content, seconds=seconds)
    except PermissionDenied:
        return HttpResponse(status=204)  # staff previewing: nothing to record
    return HttpResponse(status=204)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_note(request, slug: str, content_id):
    content = selectors.lesson_for_learning(user=request.user, slug=slug, content_id=content_id)
    note = selectors.note_list(user=request.user).filter(content=content).first()
    saved = False
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                note = services.note_save(
                    user=request.user, content=content, body=form.cleaned_data["body"],
                    is_private=form.cleaned_data["is_private"], tags=form.cleaned_data["tags"],
                )  # fmt: skip
                saved = True
                form = _note_form(note)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
        if not request.htmx and saved:
            messages.success(request, _("Note saved."))
            return redirect("learning:lesson", slug=slug, content_id=content_id)
    else:
        form = _note_form(note)
    context = {"content": content, "course": content.course, "note": note, "note_form": form, "saved": saved}
    return render(request, "learning/partials/note_panel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def course_notes(request, slug: str):
    """My notes in a course (lesson notes and notes on the course as a whole), filtered by ?tag=;
    POST adds a course-level note."""
    course = selectors.course_for_learning(slug=slug, user=request.user)
    form = CourseNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_course_create(
                user=request.user, course=course, body=form.cleaned_data["body"],
                is_private=form.cleaned_data["is_private"], tags=form.cleaned_data["tags"],
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Note added to the course."))
            return redirect("learning:course_notes", slug=slug)
    tag = (request.GET.get("tag") or "").strip()[:40]
    context = {
        "course": course,
        "notes": selectors.note_list(user=request.user, course=course, tag=tag or None),
        "tags": selectors.note_tag_counts(user=request.user, course=course),
        "tag": tag,
        "form": form,
    }
    return render(request, "learning/notes.html", context)


@login_required
@require_POST
def course_note_edit(request, slug: str, note_id):
    """Change a course note (body, tags, private) from the notes page; another's note is a 404."""
    note = selectors.note_get(user=request.user, note_id=note_id)
    if note.course.slug != slug or note.content_id is not None:
        raise Http404("No such note.")
    form = CourseNoteForm(request.POST)
    back = reverse("learning:course_notes", kwargs={"slug": slug})
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect(back)
    try:
        services.note_update(
            note=note, user=request.user, body=form.cleaned_data["body"], is_private=form.cleaned_data["is_private"],
            tags=form.cleaned_data["tags"],
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, gettext("Note saved."))
    return redirect(back)


@login_required
@require_POST
def course_note_delete(request, slug: str, note_id):
    note = selectors.note_get(user=request.user, note_id=note_id)  # another's note: 404
    if note.course.slug != slug:
        raise Http404(_("No such note."))
    services.note_delete(note=note, user=request.user)
    messages.success(request, _("Note deleted."))
    return redirect("learning:course_notes", slug=slug)


# --- Quizzes -----------------------------------------------------------------------------------


@login_required
@require_POST
def quiz_start(request, slug: str, content_id):
    content = selectors.lesson_for_learning(user=request.user, slug=slug, content_id=content_id)
    try:
        attempt = services.quiz_attempt_start(user=request.user, content=content)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect("learning:lesson", slug=slug, content_id=content_id)
    return redirect("learning:quiz_attempt", attempt_id=attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def quiz_attempt(request, attempt_id):
    attempt = selectors.quiz_attempt_get(user=request.user, attempt_id=attempt_id)
    if attempt.user_id != request.user.pk:
        return redirect("learning:quiz_result", attempt_id=attempt.pk)
    if not attempt.is_open:
        return redirect("learning:quiz_result", attempt_id=attempt.pk)
    questions = selectors.quiz_questions_for(attempt)
    if request.method == "POST":
        answers = {}
        for question in questions:
            key = f"q_{question.pk}"
            if question.question_type == "multiple_choice":
                answers[str(question.pk)] = request.POST.getlist(key)
            else:
                answers[str(question.pk)] = request.POST.get(key, "")
        try:
            services.quiz_attempt_submit(attempt=attempt, user=request.user, answers=answers)
        except ConflictError as exc:
            messages.warning(request, exc.message)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            if attempt.status == QuizAttempt.Status.EXPIRED:
                return redirect("learning:quiz_result", attempt_id=attempt.pk)
            return redirect("learning:lesson", slug=attempt.course.slug, content_id=attempt.content_id)
        return redirect("learning:quiz_result", attempt_id=attempt.pk)
    seconds_left = None
    if attempt.deadline_at:
        seconds_left = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    return render(request, "learning/quiz_attempt.html",
                  {"attempt": attempt, "questions": questions, "seconds_left": seconds_left})  # fmt: skip


@login_required
def quiz_result(request, attempt_id):
    attempt = selectors.quiz_attempt_get(user=request.user, attempt_id=attempt_id)
    if attempt.is_open:
        return redirect("learning:quiz_attempt", attempt_id=attempt.pk)
    rows = [(qid, attempt.results[qid]) for qid in attempt.question_order if qid in attempt.results]
    completed = attempt.user_id == request.user.pk and selectors.quiz_attempt_completed_course(attempt)
    return render(
        request, "learning/quiz_result.html", {"attempt": attempt, "rows": rows, "course_completed": completed}
    )


# --- Assignments -------------------------------------------------------------------------------


@login_required
def course_assignments(request, slug: str):
    course = selectors.course_for_learning(slug=slug, user=request.user)
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    if not (enrollment and enrollment.has_access):
        raise Http404(_("Enrol in this course to see its assignments."))
    assignments = selectors.assignment_list_for_student(user=request.user, course=course)
    return render(
        request, "learning/assignments.html", {"course": course, "assignments": assignments, "now": timezone.now()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment(request, assignment_id):
    assignment, enrollment = selectors.assignment_get(user=request.user, assignment_id=assignment_id)
    submission = AssignmentSubmission.objects.filter(assignment=assignment, user=request.user).first()
    form = SubmissionForm(initial={"text": submission.text if submission else ""})
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.assignment_submit(
                    user=request.user, assignment=assignment, text=form.cleaned_data["text"],
                    file=form.cleaned_data.get("file"),
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your work was submitted."))
                return redirect("learning:assignment", assignment_id=assignment.pk)
    now = timezone.now()
    closed = assignment.due_at is not None and now > assignment.due_at
    can_submit = bool(
        enrollment and enrollment.has_access
        and not (submission and submission.status == AssignmentSubmission.Status.GRADED)
        and not (closed and (submission or not assignment.allow_late))
    )  # fmt: skip
    return render(request, "learning/assignment.html", {
        "assignment": assignment, "submission": submission, "form": form, "can_submit": can_submit,
        "closed": closed, "is_staff": permissions.is_course_staff(request.user, assignment.course),
    })  # fmt: skip


@login_required
def submission_file(request, submission_id):
    submission = selectors.submission_get(user=request.user, submission_id=submission_id)
    if not submission.file:
        raise Http404(_("No file."))
    response = FileResponse(submission.file.open("rb"), as_attachment=True, filename=submission.file_download_name)
    return _private_headers(response)


# --- Instructors: attendance (grading: grading_views.py) ---------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance_sheet(request, slug: str):
    course = selectors.course_for_learning(slug=slug, user=request.user)
    if not permissions.can_record_attendance(request.user, course):
        raise Http404(_("No such course."))
    try:
        date = dt.date.fromisoformat(request.GET.get("date") or request.POST.get("date") or "")
    except ValueError:
        date = timezone.localdate()
    sheet = selectors.attendance_sheet(course=course, date=date)
    rows = []
    has_errors = False
    for enrollment, record in sheet:
        prefix = f"u{enrollment.user_id.hex}"
        initial = {}
        if record:
            initial = {"status": record.status, "sign_in_at": record.sign_in_at, "sign_out_at": record.sign_out_at,
                       "note": record.note}  # fmt: skip
        form = AttendanceRowForm(request.POST if request.method == "POST" else None, prefix=prefix, initial=initial)
        rows.append((enrollment, record, form))
    if request.method == "POST":
        entries = []
        for enrollment, _record, form in rows:
            if not form.is_valid():
                has_errors = True
            elif form.cleaned_data["status"]:
                entries.append({"user": enrollment.user, **form.cleaned_data})
        if not has_errors:
            try:
                saved = services.attendance_sheet_save(course=course, date=date, recorded_by=request.user, rows=entries)
            except ValidationError as exc:
                has_errors = True
                forms_by_user = {str(enrollment.user_id): form for enrollment, _record, form in rows}
                for user_id, errors in exc.message_dict.items():
                    forms_by_user[user_id].add_error(None, errors)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance saved for %(n)s student on %(date)s.",
                        "Attendance saved for %(n)s students on %(date)s.",
                        saved,
                    )
                    % {"n": saved, "date": date_format(date, "j F Y")},
                )
                return redirect(f"{reverse('learning:attendance_sheet', kwargs={'slug': course.slug})}?date={date}")
        messages.error(request, _("Nothing was saved: correct the rows below, then save the sheet again."))
    return render(request, "learning/attendance_sheet.html", {
        "course": course, "date": date, "rows": rows, "statuses": Attendance.Status.choices,
        "previous_day": date - dt.timedelta(days=1), "next_day": date + dt.timedelta(days=1),
    })  # fmt: skip


@login_required
def my_attendance(request, slug: str):
    course = selectors.course_for_learning(slug=slug, user=request.user)
    records = list(selectors.attendance_for_student(user=request.user, course=course))
    summary = {status: 0 for status, _ in Attendance.Status.choices}
    for record in records:
        summary[record.status] += 1
    return render(request, "learning/my_attendance.html", {
        "course": course, "records": records, "summary": summary,
        "total_minutes": sum(r.duration_minutes or 0 for r in records),
    })  # fmt: skip


# --- Certificates ------------------------------------------------------------------------------


@login_required
def certificate_detail(request, certificate_id):
    certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_id)
    return render(request, "learning/certificate_detail.html", {
        "certificate": certificate, "verification_url": selectors.certificate_verification_url(certificate),
    })  # fmt: skip


@login_required
def certificate_download(request, certificate_id):
    certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_id)
    if not certificate.pdf:
        messages.info(request, _("Your certificate is being prepared; try again in a minute."))
        return redirect("learning:certificate_detail", certificate_id=certificate.pk)
    filename = (
        f"certificate-{certificate.course.slug if certificate.course else certificate.kind}-{certificate.code}.pdf"
    )
    return FileResponse(certificate.pdf.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/pdf")  # fmt: skip


@require_GET
def certificate_verify(request, code: str):
    """Public: anyone holding the code (printed on the PDF) can check the certificate."""
    try:
        certificate = selectors.certificate_by_code(code=code)
    except Http404:
        return render(request, "learning/certificate_verify.html", {"certificate": None, "code": code}, status=404)
    context = {"certificate": certificate, "code": code, **verify_page_context(certificate)}
    return render(request, "learning/certificate_verify.html", context)


# --- Dashboards --------------------------------------------------------------------------------


@login_required
def dashboard(request):
    data = selectors.student_dashboard(user=request.user)
    panels = panels_for(STUDENT_PANELS, user=request.user)
    return render(request, "learning/dashboard.html", {"data": data, "panels": panels})


@login_required
def instructor_dashboard(request):
    courses = list(selectors.instructor_courses(user=request.user))
    if not courses and request.user.role != "instructor" and not request.user.is_superuser:
        raise PermissionDenied(_("This page is for instructors."))
    totals = {
        "students": sum(c.enrolled_now for c in courses),
        "completed": sum(c.completed_now for c in courses),
        "pending": sum(c.pending_grading for c in courses),
    }
    panels = panels_for(INSTRUCTOR_PANELS, user=request.user)
    return render(
        request, "learning/instructor_dashboard.html", {"courses": courses, "totals": totals, "panels": panels}
    )


@login_required
def course_students(request, slug: str):
    course = selectors.course_for_learning(slug=slug, user=request.user)
    if not permissions.is_course_staff(request.user, course):
        raise Http404(_("No such course."))
    enrollments = selectors.students_of_course(course=course)
    return render(request, "learning/course_students.html", {
        "course": course, "enrollments": enrollments,
        "time_spent": selectors.time_spent_by_student(course=course),
        "statuses": Enrollment.Status.choices,
    })  # fmt: skip
