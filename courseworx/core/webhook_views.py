"""The owner's webhooks page: my endpoints (add one; the secret is shown once), one endpoint with its recent
deliveries and attempts (redeliver, rotate the secret, disable/enable, delete).  Instructors and platform
staff only; somebody else's endpoint is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import selectors_webhooks as selectors
from . import services_webhooks as services
from .forms import add_service_errors, service_error_text
from .webhooks import EVENT_TYPES

RECENT_DELIVERIES = 50


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("URL"),
        max_length=2000,
        help_text=gettext_lazy("Where CourseWorx POSTs the events: https, a public host."),
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=[(e.name, e.name) for e in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
    )


def _allowed(request) -> str:
    scope = services.endpoint_scope(request.user)
    if scope is None:
        raise PermissionDenied(_("Only instructors and platform staff can receive webhooks."))
    return scope


@login_required
def endpoint_list(request):
    scope = _allowed(request)
    form = EndpointForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.webhook_endpoint_create(
                owner=request.user,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            form = EndpointForm()
    context = {
        "endpoints": selectors.webhook_endpoint_list(user=request.user),
        "form": form,
        "event_types": EVENT_TYPES,
        "scope": scope,
        "created": created,
        "secret": secret,  # shown in this answer only
    }
    return render(request, "core/webhooks/list.html", context)


@login_required
def endpoint_detail(request, endpoint_id, secret: str = ""):
    _allowed(request)
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    deliveries = list(selectors.webhook_delivery_list(endpoint=endpoint)[:RECENT_DELIVERIES])
    context = {
        "endpoint": endpoint,
        "deliveries": deliveries,
        "logs": selectors.webhook_log_list(endpoint=endpoint)[:RECENT_DELIVERIES],
        "secret": secret,
    }
    return render(request, "core/webhooks/detail.html", context)


@login_required
@require_POST
def endpoint_action(request, endpoint_id, action: str):
    _allowed(request)
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    try:
        if action == "rotate":
            endpoint, secret = services.webhook_endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
            return endpoint_detail(request, endpoint_id=endpoint.pk, secret=secret)
        if action == "toggle":
            services.webhook_endpoint_update(
                endpoint=endpoint, actor=request.user, data={"is_active": not endpoint.is_active}
            )
            messages.success(request, _("Endpoint enabled.") if not endpoint.is_active else _("Endpoint disabled."))
        elif action == "delete":
            services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user)
            messages.success(request, _("Endpoint deleted."))
            return redirect("core:webhooks")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, service_error_text(exc))
    return redirect("core:webhook_detail", endpoint_id=endpoint.pk)


@login_required
@require_POST
def delivery_redeliver(request, endpoint_id, delivery_id):
    _allowed(request)
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    delivery = selectors.webhook_delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    services.webhook_delivery_redeliver(delivery=delivery, actor=request.user)
    messages.success(request, _("The event is on its way again."))
    return redirect("core:webhook_detail", endpoint_id=endpoint.pk)
