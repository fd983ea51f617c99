"""Billing pages: pricing, checkout (htmx price breakdown), the sandbox's hosted payment page, the
webhook endpoint, results, my purchases and receipts, subscriptions, refund requests, referrals,
instructor earnings, Finance payouts and employer seat invitations."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import Course
from courseworx.core import currency as core_currency
from courseworx.core.forms import add_service_errors
from courseworx.core.forms import service_error_text as _error_text
from courseworx.core.utils import parse_uuid
from courseworx.core.views import safe_next_url

from . import conf, permissions, selectors, services
from .forms import CheckoutForm, PayoutForm, RefundRequestForm
from .models import CourseBundle, MarketingCampaign, Payment, Plan, SeatAssignment, Subscription
from .providers import ProviderDisabled, get_provider
from .providers.base import EventType, WebhookVerificationError
from .providers.sandbox import build_event

logger = logging.getLogger(__name__)

SESSION_CAMPAIGN = "billing_campaign"
SESSION_REFERRAL = "billing_referral"


def _remember_attribution(request) -> None:
    """`?campaign=CODE`, `?utm_source=...` and `?ref=CODE` are kept in the session until checkout."""
    code, utm = request.GET.get("campaign", ""), request.GET.get("utm_source", "")
    if code or utm:
        campaign = selectors.campaign_resolve(code=code, utm_source=utm)
        if campaign is not None:
            request.session[SESSION_CAMPAIGN] = str(campaign.pk)
    if request.GET.get("ref"):
        request.session[SESSION_REFERRAL] = request.GET["ref"][:16]


# --- Catalogue -------------------------------------------------------------------------------------


@require_GET
def pricing(request):
    _remember_attribution(request)
    plans = list(selectors.plan_list_active())
    live_plan_ids, trial_used = selectors.subscription_plan_ids(user=request.user)
    return render(
        request,
        "billing/pricing.html",
        {
            "plans": plans,
            "bundles": selectors.bundle_list_active(),
            "live_plan_ids": live_plan_ids,
            "trial_used": trial_used,
        },
    )


def _product(kind: str, key: str):
    if kind == "course":
        return get_object_or_404(Course.objects.select_related("instructor"), slug=key, status=Course.Status.PUBLISHED)
    if kind == "bundle":
        return get_object_or_404(CourseBundle.objects.prefetch_related("courses"), slug=key, is_active=True)
    if kind == "plan":
        return get_object_or_404(Plan.objects.prefetch_related("courses"), slug=key)
    raise Http404(_("Unknown product"))


def _subscription_param(request, plan: Plan) -> Subscription | None:
    sub_id = request.GET.get("subscription") or request.POST.get("subscription")
    if not sub_id:
        return None
    try:
        return Subscription.objects.get(pk=sub_id, user=request.user, plan=plan)
    except (Subscription.DoesNotExist, ValidationError, ValueError):
        raise Http404(_("No such subscription.")) from None


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request, kind: str, key: str):
    _remember_attribution(request)
    product = _product(kind, key)
    subscription = _subscription_param(request, product) if kind == "plan" else None
    problem = ""
    try:
        services.checkout_check(user=request.user, product=product, subscription=subscription)
    except ValidationError as exc:
        problem = _error_text(exc)
    form = CheckoutForm(request.POST or None, initial={"coupon_code": request.GET.get("coupon", "")})
    if request.method == "POST" and not problem and form.is_valid():
        if request.session.get(SESSION_REFERRAL):
            services.referral_attach(user=request.user, code=request.session[SESSION_REFERRAL])
        campaign_id = request.session.get(SESSION_CAMPAIGN)
        campaign = MarketingCampaign.objects.filter(pk=campaign_id).first() if campaign_id else None
        try:
            payment, url = services.checkout_start(
                user=request.user,
                product=product,
                idempotency_key=form.cleaned_data["idempotency_key"],
                coupon_code=form.cleaned_data["coupon_code"],
                use_credit=form.cleaned_data["use_credit"],
                campaign=campaign,
                subscription=subscription,
                currency=core_currency.display_currency(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(url)
    code = form["coupon_code"].value() or ""
    use_credit = bool(form["use_credit"].value())
    breakdown = services.checkout_quote(
        user=request.user,
        product=product,
        coupon_code=code,
        use_credit=use_credit,
        currency=core_currency.display_currency(request),
    )
    return render(
        request,
        "billing/checkout.html",
        {
            "product": product,
            "kind": kind,
            "form": form,
            "breakdown": breakdown,
            "problem": problem,
            "subscription": subscription,
            "breakdown_url": reverse("billing:checkout_breakdown", args=[kind, key]),
        },
    )


@login_required
@require_POST
def checkout_breakdown(request, kind: str, key: str):
    """htmx: the price breakdown for the coupon/credit typed so far (no writes)."""
    product = _product(kind, key)
    breakdown = services.checkout_quote(
        user=request.user,
        product=product,
        coupon_code=request.POST.get("coupon_code", ""),
        use_credit=request.POST.get("use_credit") in ("on", "true", "1"),
        currency=core_currency.display_currency(request),
    )
    return render(request, "billing/partials/breakdown.html", {"breakdown": breakdown})


# --- The sandbox provider's hosted page and the webhook endpoint ------------------------------------


def webhook_handle(provider_name: str, delivery) -> tuple[int, dict]:
    """Verify and process one webhook delivery: the view below and the sandbox page both call this."""
    provider = get_provider(provider_name)
    try:
        event = provider.parse_webhook(delivery)
    except WebhookVerificationError as exc:
        logger.warning("Webhook refused (%s): %s", provider_name, exc.message)
        services.webhook_reject_record(provider=provider_name, body=bytes(delivery.body), error=exc.message)
        return 400, {"error": {"code": exc.code, "message": exc.message, "fields": {}}}
    record, duplicate = services.webhook_process(provider=provider_name, event=event)
    return 200, {"received": True, "duplicate": duplicate, "event": event.id}


@csrf_exempt
@require_POST
def webhook(request, provider: str):
    try:
        status, body = webhook_handle(provider, request)
    except ProviderDisabled:
        raise Http404(_("Unknown payment provider.")) from None
    return JsonResponse(body, status=status)


SANDBOX_OUTCOMES = {
    "succeed": EventType.PAYMENT_SUCCEEDED,
    "decline": EventType.PAYMENT_FAILED,
    "pending": EventType.PAYMENT_PENDING,
}


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_pay(request, payment_id):
    if not conf.sandbox_enabled():
        raise Http404(_("The sandbox payment page is only available in development."))
    payment = selectors.payment_get(user=request.user, payment_id=payment_id)
    if payment.user_id != request.user.pk or payment.provider != "sandbox":
        raise Http404(_("No such payment."))
    if payment.status != Payment.Status.PENDING:
        return redirect("billing:payment_result", payment_id=payment.pk)
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in SANDBOX_OUTCOMES:
            return HttpResponse("Choose an outcome.", status=400)
        if not payment.provider_reference:
            services.payment_next_url(payment=payment)
            payment.refresh_from_db()
        delivery = build_event(
            payment, SANDBOX_OUTCOMES[outcome], failure_reason="Card declined (sandbox)" if outcome == "decline" else ""
        )
        status, body = webhook_handle("sandbox", delivery)
        if status != 200:
            messages.error(request, f"The sandbox webhook was refused: {body['error']['message']}")
        return redirect("billing:payment_result", payment_id=payment.pk)
    return render(request, "billing/sandbox_pay.html", {"payment": payment})


@login_required
@require_GET
def payment_result(request, payment_id):
    payment = selectors.payment_get(user=request.user, payment_id=payment_id)
    template = "billing/partials/result_status.html" if request.htmx else "billing/result.html"
    return render(request, template, {"payment": payment, "next_url": _after_purchase_url(payment)})


def _after_purchase_url(payment: Payment) -> str:
    if payment.kind == Payment.Kind.COURSE and payment.course_id:
        return reverse("learning:course_home", kwargs={"slug": payment.course.slug})
    if payment.kind in (Payment.Kind.PLAN, Payment.Kind.RENEWAL):
        return reverse("billing:subscriptions")
    return reverse("learning:dashboard")


# --- My purchases, receipts, refunds ------------------------------------------------------------------


@login_required
@require_GET
def purchases(request):
    payments = list(selectors.payment_list(user=request.user))
    return render(
        request,
        "billing/purchases.html",
        {
            "payments": payments,
            "credit": selectors.credit_balance_get(user=request.user),
            "refund_requests": list(selectors.refund_request_list(user=request.user)[:10]),
        },
    )


@login_required
@require_GET
def receipt_download(request, payment_id):
    payment = selectors.payment_get(user=request.user, payment_id=payment_id)
    if not payment.receipt_pdf:
        raise Http404(_("The receipt is being prepared; try again in a minute."))
    return FileResponse(
        payment.receipt_pdf.open("rb"),
        as_attachment=True,
        filename=f"receipt-{payment.receipt_number}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def refund_request(request, payment_id):
    payment = selectors.payment_get(user=request.user, payment_id=payment_id)
    if not permissions.can_request_refund(request.user, payment):
        raise Http404(_("No such payment."))
    eligibility = services.refund_eligibility(payment=payment)
    form = RefundRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refund_request_create(
                user=request.user,
                payment=payment,
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your refund request was sent to Finance. We will let you know."))
            return redirect("billing:purchases")
    return render(
        request,
        "billing/refund_request.html",
        {
            "payment": payment,
            "eligibility": eligibility,
            "form": form,
            "window_days": conf.refund_window_days(),
            "max_progress": conf.refund_max_progress_percent(),
        },
    )


# --- Subscriptions --------------------------------------------------------------------------------------


@login_required
@require_GET
def subscriptions(request):
    return render(
        request,
        "billing/subscriptions.html",
        {
            "subscriptions": list(selectors.subscription_list(user=request.user)),
            "grace_days": conf.grace_days(),
        },
    )


@login_required
@require_POST
def subscription_action(request, subscription_id, action: str):
    subscription = get_object_or_404(Subscription, pk=subscription_id, user=request.user)
    try:
        if action == "cancel":
            services.subscription_cancel(subscription=subscription, user=request.user)
            messages.info(request, _("Your subscription will end at the end of the current period."))
        elif action == "resume":
            services.subscription_resume(subscription=subscription, user=request.user)
            messages.success(request, _("Your subscription will renew as usual."))
        else:
            raise Http404(_("Unknown action"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect("billing:subscriptions")


@login_required
@require_POST
def trial_start(request, slug: str):
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
    try:
        services.subscription_start_trial(user=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("billing:pricing")
    messages.success(request, _("Your free %(plan)s trial has started.") % {"plan": plan.name})
    return redirect("billing:subscriptions")


@login_required
@require_POST
def subscription_enrol(request, slug: str):
    course = get_object_or_404(Course, slug=slug, status=Course.Status.PUBLISHED)
    try:
        services.subscription_course_enrol(user=request.user, course=course)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect(course.get_absolute_url())
    messages.success(
        request, _("“%(title)s” is now in your learning, included in your subscription.") % {"title": course.title}
    )
    return redirect("learning:course_home", slug=course.slug)


# --- Referrals --------------------------------------------------------------------------------------------


@login_required
@require_GET
def referrals(request):
    code = services.referral_code_get_or_create(user=request.user)
    link = request.build_absolute_uri(reverse("billing:pricing") + f"?ref={code.code}")
    return render(
        request,
        "billing/referrals.html",
        {
            "code": code,
            "link": link,
            "credit": selectors.credit_balance_get(user=request.user),
            "balances": selectors.credit_balances(user=request.user),
            "entries": list(selectors.credit_entries(user=request.user)[:20]),
            "referrals": list(selectors.referral_list(user=request.user)[:20]),
            "reward": conf.referral_credit_amount(),
            "currency": conf.currency(),
        },
    )


# --- Revenue ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def earnings(request):
    instructor = request.user
    if request.GET.get("instructor"):
        if not permissions.can_view_all_earnings(request.user):
            raise Http404(_("No such instructor."))
        instructor = get_object_or_404(get_user_model(), pk=parse_uuid(request.GET["instructor"]))
    elif not permissions.can_view_own_earnings(request.user):
        raise PermissionDenied(_("Earnings are for instructors."))
    return render(
        request,
        "billing/earnings.html",
        {
            "instructor": instructor,
            "summary": selectors.earnings_summary(instructor=instructor),
            "by_course": list(selectors.earnings_by_course(instructor=instructor)),
            "by_month": list(selectors.earnings_by_month(instructor=instructor)[:12]),
            "recent": list(selectors.earnings_recent(instructor=instructor)),
            "payouts": list(selectors.payout_list(instructor=instructor)[:10]),
            "currency": conf.currency(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def payouts(request):
    if not permissions.can_manage_payouts(request.user):
        raise PermissionDenied(_("Only Finance can see payouts."))
    form = PayoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        instructor = get_object_or_404(get_user_model(), pk=form.cleaned_data["instructor"])
        try:
            services.payout_create(
                instructor=instructor,
                amount=form.cleaned_data["amount"],
                actor=request.user,
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"Payout to {instructor.get_full_name()} recorded.")
        return redirect("billing:payouts")
    return render(
        request,
        "billing/payouts.html",
        {
            "balances": list(selectors.payout_balances()),
            "recent": list(selectors.payout_list()[:15]),
            "currency": conf.currency(),
        },
    )


# --- Employer seats -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def seat_accept(request, token: str):
    seat = get_object_or_404(SeatAssignment.objects.select_related("licence__course", "licence__partner"), token=token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            services.seat_accept(token=token, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
            return redirect(request.path)
        messages.success(request, f"Welcome! You are enrolled in “{seat.licence.course.title}”.")
        return redirect("learning:course_home", slug=seat.licence.course.slug)
    return render(request, "billing/seat_accept.html", {"seat": seat})


@require_http_methods(["GET", "POST"])
def set_currency(request):
    """The navbar's display-currency selector: GET gives its options (htmx, so pages cost no query for it);
    POST remembers the choice in the session and, signed in, on the profile (used again at sign-in); an empty
    choice goes back to each price's own currency; then back to the page (the Referer when it is ours, else
    `next`, else the catalog; the form carries no URL, so every page renders it the same).  Checkout charges an
    explicit price in the chosen currency when the course or plan lists one, else the price's own currency."""
    if request.method == "GET":
        return render(
            request,
            "billing/partials/currency_options.html",
            {
                "currencies": core_currency.active_currencies(),
                "selected": core_currency.display_currency(request) or "",
            },
        )
    code = core_currency.normalise_code(request.POST.get("currency") or "")
    if code and code in dict(core_currency.active_currencies()):
        request.session[core_currency.SESSION_KEY] = code
        if request.user.is_authenticated:
            services.preferred_currency_set(user=request.user, code=code)
        messages.success(
            request,
            _(
                "Prices are now shown in %(code)s: where a course lists a price in %(code)s you pay that price, "
                "elsewhere the amount is approximate and you pay in the price's own currency."
            )
            % {"code": code},
        )
    elif not (request.POST.get("currency") or "").strip():
        request.session.pop(core_currency.SESSION_KEY, None)
        if request.user.is_authenticated:
            services.preferred_currency_set(user=request.user, code="")
        messages.success(request, _("Prices are shown in their own currency."))
    else:
        messages.error(request, _("That currency is not available."))
    back = safe_next_url(request, request.META.get("HTTP_REFERER")) or safe_next_url(request, request.POST.get("next"))
    return redirect(back or reverse("courses:catalog"))
