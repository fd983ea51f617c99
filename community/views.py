"""Community pages: server-rendered, htmx for small updates.

Views only parse input, call a selector or service and render.  Objects are fetched through the
`_access_...` helpers, which apply the permission predicates: what a user may not see is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import NotificationPreferencesForm
from .models import Notification

PAGE_SIZE = 20


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You may not do this."


# =================================================================================================
# Notifications
# =================================================================================================
@login_required
@require_GET
def notifications(request):
    only_unread = request.GET.get("filter") == "unread"
    page = _page(request, selectors.notification_list(user=request.user, unread=only_unread))
    unread_count = services.notification_unread_count(user=request.user)
    context = {"page": page, "only_unread": only_unread, "unread_count": unread_count}
    return render(request, "community/notifications/list.html", context)


@require_GET
def notification_bell(request):
    """The navbar bell (htmx partial, polled every 60 s)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    count = services.notification_unread_count(user=request.user)
    return render(request, "community/partials/bell.html", {"unread_count": count})


@login_required
@require_POST
def notification_read(request, notification_id):
    services.notification_mark_read(user=request.user, notification_ids=[notification_id])
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
    count = services.notification_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("community:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    current = services.notification_preferences_get(user=request.user)
    form = NotificationPreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        for category, channel in form.cleaned_data.items():
            if current.get(category) != channel:
                services.notification_preference_set(user=request.user, category=category, channel=channel)
        messages.success(request, "Your e-mail preferences are saved.")
        return redirect("community:notification_preferences")
    return render(request, "community/notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs come without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a confirmation page with a button.  POST: turn the category's e-mails off (no login)."""
    try:
        user_id, category = services.unsubscribe_token_read(token)
    except ValidationError:
        return render(request, "community/notifications/unsubscribe.html", {"invalid": True}, status=400)
    label = dict(Notification.Category.choices).get(category, category)
    if request.method == "POST":
        try:
            services.notification_unsubscribe(token=token)
        except ValidationError:
            return render(request, "community/notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "community/notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "community/notifications/unsubscribe.html", {"label": label, "token": token})


def _redirect_back(request, fallback: str):
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback)


__all__ = ["reverse"]
