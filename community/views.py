"""Community pages: server-rendered, htmx for small updates.

Views only parse input, call a selector or service and render.  Objects are fetched through the
`_access_...` helpers, which apply the permission predicates: what a user may not see is a 404.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from courses.models import Course
from courses.permissions import can_view_course
from courseworx.core import notifications as notification_services
from courseworx.core.forms import service_error_text as _error_text
from courseworx.core.models import Notification
from courseworx.core.selectors import notification_list
from courseworx.core.views import safe_next_url

from . import permissions, selectors, services
from .forms import (
    FlagForm,
    MessageForm,
    NotificationPreferencesForm,
    ReplyForm,
    ReviewForm,
    ReviewReplyForm,
    ThreadForm,
    TicketForm,
    TicketRateForm,
    TicketReplyForm,
)
from .models import Conversation, DiscussionThread, Review, SupportTicket, Survey, ThreadReply, TicketAttachment

PAGE_SIZE = 20


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# =================================================================================================
# Notifications
# =================================================================================================
@login_required
@require_GET
def notifications(request):
    only_unread = request.GET.get("filter") == "unread"
    page = _page(request, notification_list(user=request.user, unread=only_unread))
    unread_count = notification_services.notification_unread_count(user=request.user)
    context = {"page": page, "only_unread": only_unread, "unread_count": unread_count}
    return render(request, "community/notifications/list.html", context)


@require_GET
def notification_bell(request):
    """The navbar bell (htmx partial, polled every 60 s)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    count = notification_services.notification_unread_count(user=request.user)
    return render(request, "community/partials/bell.html", {"unread_count": count})


@login_required
@require_POST
def notification_read(request, notification_id):
    notification_services.notification_mark_read(user=request.user, notification_ids=[notification_id])
    notification = Notification.objects.filter(user=request.user, pk=notification_id).first()
    if request.htmx and notification is not None:
        response = render(request, "community/partials/notification_item.html", {"n": notification})
        response["HX-Trigger"] = "notifications-changed"
        return response
    if notification is not None and notification.url and request.POST.get("follow"):
        return redirect(notification.url)
    return redirect("community:notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = notification_services.notification_mark_read(user=request.user)
    messages.success(
        request,
        ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.", count) % {"n": count},
    )
    return redirect("community:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    current = notification_services.notification_preferences_get(user=request.user)
    form = NotificationPreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        for category, channel in form.cleaned_data.items():
            if current.get(category) != channel:
                notification_services.notification_preference_set(user=request.user, category=category, channel=channel)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("community:notification_preferences")
    return render(request, "community/notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs come without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a confirmation page with a button.  POST: turn the category's e-mails off (no login)."""
    try:
        user_id, category = notification_services.unsubscribe_token_read(token)
    except ValidationError:
        return render(request, "community/notifications/unsubscribe.html", {"invalid": True}, status=400)
    label = dict(Notification.Category.choices).get(category, category)
    if request.method == "POST":
        try:
            notification_services.notification_unsubscribe(token=token)
        except ValidationError:
            return render(request, "community/notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "community/notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "community/notifications/unsubscribe.html", {"label": label, "token": token})


def _redirect_back(request, fallback: str):
    return redirect(safe_next_url(request, request.POST.get("next")) or fallback)


# =================================================================================================
# Access helpers: what a user may not see is a 404
# =================================================================================================
def _access_course(request, slug: str):
    course = get_object_or_404(Course.objects.select_related("instructor"), slug=slug)
    if not can_view_course(request.user, course):
        raise Http404(_("No such course."))
    return course


def _access_discussions(request, slug: str):
    course = _access_course(request, slug)
    if not permissions.can_read_discussions(request.user, course):
        raise Http404(_("No such course discussion."))
    return course


def _access_thread(request, thread_id):
    thread = get_object_or_404(
        DiscussionThread.objects.select_related("course__instructor", "author", "lesson", "accepted_reply__author"),
        pk=thread_id,
    )
    if not permissions.can_read_discussions(request.user, thread.course):
        raise Http404(_("No such thread."))
    if thread.is_hidden and not permissions.can_see_hidden(request.user, thread.course):
        raise Http404(_("No such thread."))
    return thread


# =================================================================================================
# Reviews
# =================================================================================================
def course_reviews(request, slug: str):
    course = _access_course(request, slug)
    teacher = permissions.is_course_staff(request.user, course)
    page = _page(request, selectors.review_list(course=course, include_hidden=permissions.can_see_hidden(
        request.user, course)), size=10)  # fmt: skip
    own = None
    can_review = permissions.can_review_course(request.user, course)
    if can_review:
        own = Review.objects.filter(course=course, author=request.user).first()
    form = ReviewForm(initial={"rating": own.rating, "body": own.body} if own else None)
    context = {
        "course": course,
        "page": page,
        "distribution": selectors.review_distribution(course=course),
        "can_review": can_review,
        "own": own,
        "form": form,
        "is_teacher": teacher,
    }
    return render(request, "community/reviews/list.html", context)


@login_required
@require_POST
def review_save(request, slug: str):
    course = _access_course(request, slug)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_save(user=request.user, course=course, **form.cleaned_data)
            messages.success(request, _("Thank you: your review is saved."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Choose a rating from 1 to 5 stars."))
    return redirect("community:course_reviews", slug=course.slug)


@login_required
@require_POST
def review_reply(request, review_id):
    review = get_object_or_404(Review.objects.select_related("course", "author"), pk=review_id)
    if not permissions.can_reply_to_review(request.user, review):
        raise Http404(_("No such review."))
    form = ReviewReplyForm(request.POST)
    if form.is_valid():
        try:
            services.review_reply(user=request.user, review=review, reply=form.cleaned_data["reply"])
            messages.success(request, _("Your reply is published."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
    return redirect(reverse("community:course_reviews", kwargs={"slug": review.course.slug}) + f"#review-{review.pk}")


# =================================================================================================
# Discussions
# =================================================================================================
@login_required
@require_GET
def course_discussions(request, slug: str):
    course = _access_discussions(request, slug)
    lesson = None
    if request.GET.get("lesson"):
        lesson = course.contents.filter(pk=_uuid_or_none(request.GET["lesson"])).first()
    query = request.GET.get("q", "").strip()[:100]
    threads = selectors.thread_list(
        course=course,
        user=request.user,
        lesson=lesson,
        query=query,
        include_hidden=permissions.can_see_hidden(request.user, course),
    )
    context = {
        "course": course,
        "lesson": lesson,
        "query": query,
        "page": _page(request, threads),
        "is_teacher": permissions.is_course_staff(request.user, course),
    }
    return render(request, "community/discussions/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request, slug: str):
    course = _access_discussions(request, slug)
    initial = {}
    if request.GET.get("lesson"):
        initial["lesson"] = course.contents.filter(pk=_uuid_or_none(request.GET["lesson"])).first()
    form = ThreadForm(request.POST or None, course=course, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(user=request.user, course=course, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Your discussion is started. You will be notified of replies."))
            return redirect("community:thread", thread_id=thread.pk)
    return render(request, "community/discussions/new.html", {"course": course, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request, thread_id):
    thread = _access_thread(request, thread_id)
    course = thread.course
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.reply_create(user=request.user, thread=thread, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Your reply is posted."))
            replies = selectors.reply_list(thread=thread)
            last_page = max(1, -(-replies.count() // PAGE_SIZE))
            url = reverse("community:thread", kwargs={"thread_id": thread.pk})
            return redirect(f"{url}?page={last_page}#reply-{reply.pk}")
    see_hidden = permissions.can_see_hidden(request.user, course)
    context = {
        "thread": thread,
        "course": course,
        "page": _page(request, selectors.reply_list(thread=thread, include_hidden=see_hidden)),
        "form": form,
        "can_manage": permissions.can_manage_thread(request.user, thread),
        "can_accept": permissions.can_accept_answer(request.user, thread),
        "can_reply": permissions.can_reply_to_thread(request.user, thread),
        "is_subscribed": thread.subscriptions.filter(user=request.user).exists(),
    }
    return render(request, "community/discussions/thread.html", context)


THREAD_ACTIONS = {
    "pin": {"pinned": True},
    "unpin": {"pinned": False},
    "lock": {"locked": True},
    "unlock": {"locked": False},
}
THREAD_ACTION_DONE = {
    "pin": gettext_lazy("Thread pinned."),
    "unpin": gettext_lazy("Thread unpinned."),
    "lock": gettext_lazy("Thread locked."),
    "unlock": gettext_lazy("Thread unlocked."),
}


@login_required
@require_POST
def thread_action(request, thread_id, action: str):
    thread = _access_thread(request, thread_id)
    try:
        if action in THREAD_ACTIONS:
            services.thread_set_flags(user=request.user, thread=thread, **THREAD_ACTIONS[action])
            messages.success(request, THREAD_ACTION_DONE[action])
        elif action in ("subscribe", "unsubscribe"):
            services.thread_subscribe(user=request.user, thread=thread, subscribed=action == "subscribe")
            messages.success(
                request,
                _("You will be notified of replies.")
                if action == "subscribe"
                else _("You will no longer be notified."),
            )
        else:
            raise Http404(_("Unknown action."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect("community:thread", thread_id=thread.pk)


@login_required
@require_POST
def thread_accept(request, thread_id):
    thread = _access_thread(request, thread_id)
    reply = None
    if request.POST.get("reply"):
        reply = get_object_or_404(ThreadReply, pk=_uuid_or_none(request.POST["reply"]), thread=thread)
    try:
        services.thread_accept_answer(user=request.user, thread=thread, reply=reply)
        messages.success(request, "Answer accepted." if reply else "Accepted answer cleared.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return _redirect_back(request, reverse("community:thread", kwargs={"thread_id": thread.pk}))


# =================================================================================================
# Flags
# =================================================================================================
@login_required
@require_http_methods(["GET", "POST"])
def flag_content(request, kind: str, object_id):
    target = selectors.flag_target_get(kind=kind, object_id=object_id)
    if not permissions.can_see_flag_target(request.user, target):
        raise Http404(_("No such content."))
    form = FlagForm(request.POST or None)
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_create(user=request.user, target=target, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Thank you. A moderator will review this content."))
            return redirect(next_url or "/")
    context = {"form": form, "kind": kind, "target": target, "next": next_url,
               "course": selectors.flag_target_course(target)}  # fmt: skip
    return render(request, "community/flag.html", context)


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# =================================================================================================
# Support tickets
# =================================================================================================
def _access_ticket(request, number: int) -> SupportTicket:
    ticket = get_object_or_404(
        SupportTicket.objects.select_related("requester", "assignee", "course", "lesson"), number=number
    )
    if not permissions.can_view_ticket(request.user, ticket):
        raise Http404(_("No such ticket."))
    return ticket


@login_required
@require_GET
def tickets(request):
    is_support = permissions.can_handle_tickets(request.user)
    queue = is_support and request.GET.get("view") in ("queue", "mine")
    status = request.GET.get("status", "")
    if status not in SupportTicket.Status.values:
        status = ""
    qs = selectors.ticket_list(user=request.user, queue=queue, status=status, mine=request.GET.get("view") == "mine")
    context = {"page": _page(request, qs), "is_support": is_support, "view": request.GET.get("view", ""),
               "status": status, "statuses": SupportTicket.Status.choices}  # fmt: skip
    return render(request, "community/tickets/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    form = TicketForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request,
                _("Ticket #%(number)s is open. We usually answer within a working day.") % {"number": ticket.number},
            )
            return redirect("community:ticket", number=ticket.number)
    return render(request, "community/tickets/new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request, number: int):
    ticket = _access_ticket(request, number)
    form = TicketReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_reply(user=request.user, ticket=ticket, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Your message is sent."))
            return redirect("community:ticket", number=ticket.number)
    is_support = permissions.can_handle_tickets(request.user)
    context = {
        "ticket": ticket,
        "messages_list": selectors.ticket_messages(ticket=ticket),
        "form": form,
        "rate_form": TicketRateForm() if permissions.can_rate_ticket(request.user, ticket) else None,
        "is_support": is_support,
        "next_statuses": _status_choices(request.user, ticket),
        "support_staff": _support_staff() if is_support else [],
    }
    return render(request, "community/tickets/detail.html", context)


def _status_choices(user, ticket) -> list[tuple[str, str]]:
    """The status changes this user may make now (the service checks again)."""
    choices = []
    for value in SupportTicket.Status.values:
        try:
            services.ticket_check_status(user=user, ticket=ticket, status=value)
        except (ValidationError, PermissionDenied, Http404):
            continue
        choices.append((value, SupportTicket.Status(value).label))
    return choices


def _support_staff():
    perm = Permission.objects.filter(codename="handle_ticket", content_type__app_label="community")
    return (
        User.objects.filter(
            Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm), is_active=True
        )
        .distinct()
        .order_by("first_name")
    )


@login_required
@require_POST
def ticket_status(request, number: int):
    ticket = _access_ticket(request, number)
    try:
        services.ticket_set_status(user=request.user, ticket=ticket, status=request.POST.get("status", ""),
                                   note=request.POST.get("note", ""))  # fmt: skip
        messages.success(request, _("The ticket's status is updated."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect("community:ticket", number=ticket.number)


@login_required
@require_POST
def ticket_assign(request, number: int):
    ticket = _access_ticket(request, number)
    if not permissions.can_handle_tickets(request.user):
        raise Http404(_("No such page."))
    assignee = None
    if request.POST.get("assignee"):
        assignee = _support_staff().filter(pk=_uuid_or_none(request.POST["assignee"])).first()
    try:
        services.ticket_assign(user=request.user, ticket=ticket, assignee=assignee)
        messages.success(request, _("Assignment saved."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect("community:ticket", number=ticket.number)


@login_required
@require_POST
def ticket_rate(request, number: int):
    ticket = _access_ticket(request, number)
    form = TicketRateForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_rate(user=request.user, ticket=ticket, **form.cleaned_data)
            messages.success(request, _("Thank you for your feedback."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Choose a rating from 1 to 5."))
    return redirect("community:ticket", number=ticket.number)


@login_required
@require_GET
def ticket_attachment(request, attachment_id):
    """Attachments are served only to who may see the ticket (never a public media URL)."""

    attachment = get_object_or_404(TicketAttachment.objects.select_related("message__ticket"), pk=attachment_id)
    if not permissions.can_view_ticket(request.user, attachment.message.ticket):
        raise Http404(_("No such file."))
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# =================================================================================================
# Messages
# =================================================================================================
@login_required
@require_GET
def inbox(request):
    conversations = list(selectors.conversation_list(user=request.user)[:100])
    for c in conversations:
        c.other_person = c.other(request.user)
    context = {
        "conversations": conversations,
        "contacts": selectors.message_contacts(user=request.user),
        "unread_total": sum(c.unread for c in conversations),
    }
    return render(request, "community/messages/inbox.html", context)


@login_required
@require_POST
def conversation_start(request):
    other = get_object_or_404(User, pk=_uuid_or_none(request.POST.get("user")), is_active=True)
    try:
        conversation = services.conversation_start(user=request.user, other=other)
    except PermissionDenied as exc:
        messages.error(request, _error_text(exc))
        return redirect("community:inbox")
    return redirect("community:conversation", conversation_id=conversation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request, conversation_id):
    conversation = get_object_or_404(
        Conversation.objects.select_related("student", "instructor", "course"), pk=conversation_id
    )
    if not permissions.is_conversation_participant(request.user, conversation):
        raise Http404(_("No such conversation."))
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(user=request.user, conversation=conversation, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
        else:
            if request.htmx:
                form = MessageForm()
            else:
                return redirect("community:conversation", conversation_id=conversation.pk)
    services.conversation_mark_read(user=request.user, conversation=conversation)
    recent = list(selectors.message_list(conversation=conversation).reverse()[:50])[::-1]  # the latest 50
    context = {"conversation": conversation, "messages_list": recent, "form": form,
               "other": conversation.other(request.user)}  # fmt: skip
    template = "community/messages/_thread.html" if request.htmx else "community/messages/conversation.html"
    return render(request, template, context)


# =================================================================================================
# Surveys
# =================================================================================================
@login_required
@require_GET
def surveys(request):
    editable = []
    if permissions.can_build_surveys(request.user):
        editable = list(
            permissions.surveys_editable_by(request.user).select_related("course").order_by("-created_at")[:50]
        )
    context = {"surveys": selectors.survey_list_for(user=request.user), "editable": editable,
               "audience": Survey.Audience}  # fmt: skip
    return render(request, "community/surveys/list.html", context)


def _access_survey(request, survey_id):
    survey = get_object_or_404(Survey.objects.select_related("course"), pk=survey_id)
    return survey


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, survey_id):
    survey = _access_survey(request, survey_id)
    if not permissions.can_answer_survey(request.user, survey):
        raise Http404(_("No such survey."))
    questions = list(survey.questions.order_by("order"))
    errors: dict = {}
    values = {}
    answered = survey.responses.filter(user=request.user).exists()
    if request.method == "POST" and not answered:
        values = {str(q.pk): request.POST.get(str(q.pk), "") for q in questions}
        try:
            services.survey_answer(user=request.user, survey=survey, answers=values)
        except ValidationError as exc:
            errors = getattr(exc, "message_dict", {"__all__": exc.messages})
        else:
            messages.success(request, _("Thank you for your answers!"))
            return redirect("community:surveys")
    rows = [{"q": q, "value": values.get(str(q.pk), ""), "error": " ".join(errors.get(str(q.pk), []))}
            for q in questions]  # fmt: skip
    context = {"survey": survey, "rows": rows, "answered": answered, "form_errors": errors.get("__all__", [])}
    return render(request, "community/surveys/answer.html", context)


@login_required
@require_GET
def survey_results(request, survey_id):
    survey = _access_survey(request, survey_id)
    if not permissions.can_view_survey_results(request.user, survey):
        raise Http404(_("No such survey."))
    context = {"survey": survey, "results": selectors.survey_results(survey=survey)}
    return render(request, "community/surveys/results.html", context)
