"""Report pages: the reports home, each report (filters, charts, sortable table), CSV/PDF exports with
a progress page, and e-mail subscriptions.  Thin: permissions, selectors and services do the work."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import CourseContent
from courseworx.core.utils import parse_uuid

from . import conf, rollups, selectors, services
from .accessibility import accessibility_report_create
from .exports import csv_response, pdf_response
from .filters import report_params
from .forms import SubscriptionForm
from .models import AccessibilityReport, DataExportRequest, DataPipelineRun, ReportExport, ReportSubscription
from .permissions import (
    can_download_export,
    can_see_accessibility_overview,
    can_use_reports,
    can_view_report,
    report_courses,
)
from .reports import REPORTS, Report


def _report_or_403(request, slug: str) -> Report:
    report = REPORTS.get(slug)
    if report is None:
        raise Http404(_("No such report."))
    if not can_view_report(request.user, slug):
        raise PermissionDenied(_("This report is not part of your duties."))
    return report


@login_required
def home(request):
    if not can_use_reports(request.user):
        raise PermissionDenied(_("Reports are for staff and instructors."))
    cards, as_of = [], rollups.rollups_as_of()  # looked up once for every card
    for report in selectors.report_cards(request.user):
        params, _ignored = report_params(user=request.user, report=report.slug, data=None, rollups_as_of=as_of)
        cards.append({"report": report, "kpis": report.summary(params)[:3]})
    return render(
        request,
        "reports/home.html",
        {
            "cards": cards,
            "range_days": conf.default_range_days(),
            "exports": selectors.export_list(user=request.user, limit=5),
            "subscriptions": selectors.subscription_list(user=request.user),
            "reports": REPORTS,
            "can_accessibility": can_see_accessibility_overview(request.user),
        },
    )


@login_required
def report_detail(request, slug: str):
    report = _report_or_403(request, slug)
    params, filterset = report_params(user=request.user, report=slug, data=request.GET)
    page = selectors.report_page(report=report, params=params, filterset=filterset, query=request.GET)
    subscriptions = list(selectors.subscription_list(user=request.user, report=slug))
    return render(
        request,
        "reports/report.html",
        {
            "rp": page,
            "report": report,
            "csv_sync": page.page.paginator.count <= conf.sync_export_max_rows(),
            "pdf_sync": page.page.paginator.count <= conf.sync_pdf_max_rows(),
            "subscriptions": subscriptions,
            "subscription_form": SubscriptionForm(),
            "reports": REPORTS,
        },
    )


@login_required
def report_csv(request, slug: str):
    """Stream the CSV (small ranges).  A large range is prepared in the background, which only a POST
    starts (report_export_start): a GET never creates work, so a link cannot queue jobs for someone."""

    report = _report_or_403(request, slug)
    params, _ignored = report_params(user=request.user, report=slug, data=request.GET)
    if report.rows(params).count() > conf.sync_export_max_rows():
        messages.info(request, _("This export is large: press Export CSV to prepare it in the background."))
        return redirect(f"{reverse('reports:report', args=[slug])}?{request.GET.urlencode()}")
    return csv_response(report, params)


@login_required
def report_pdf(request, slug: str):
    """Download a small report's PDF at once (through the one safe renderer).  A large one is prepared
    in the background, which only a POST starts (report_export_start), as for the CSV."""

    report = _report_or_403(request, slug)
    params, _ignored = report_params(user=request.user, report=slug, data=request.GET)
    if report.rows(params).count() > conf.sync_pdf_max_rows():
        messages.info(request, _("This report is large: press Export PDF to prepare it in the background."))
        return redirect(f"{reverse('reports:report', args=[slug])}?{request.GET.urlencode()}")
    return pdf_response(report, params, user=request.user)


@login_required
@require_POST
def report_export_start(request, slug: str):
    _report_or_403(request, slug)
    params, _ignored = report_params(user=request.user, report=slug, data=request.POST)
    try:
        export = services.report_export_create(
            user=request.user, report=slug, format=request.POST.get("format", "pdf"), params=params.query_string()
        )
    except ValidationError:
        messages.error(request, _("Choose CSV or PDF."))
        return redirect(reverse("reports:report", args=[slug]))
    return redirect("reports:export_detail", export_id=export.pk)


def _own_export(request, export_id) -> ReportExport:
    export = get_object_or_404(ReportExport, pk=export_id)
    if not can_download_export(request.user, export):
        raise Http404(_("No such export."))
    return export


@login_required
def export_detail(request, export_id):
    export = _own_export(request, export_id)
    template = "reports/partials/export_status.html" if request.htmx else "reports/export_detail.html"
    return render(request, template, {"export": export, "report": REPORTS.get(export.report)})


@login_required
def export_download(request, export_id):
    export = _own_export(request, export_id)
    if export.status != ReportExport.Status.DONE or not export.file:
        raise Http404(_("The file is not ready."))
    content_type = "text/csv" if export.format == "csv" else "application/pdf"
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.download_name,
        content_type=content_type,
    )


@login_required
def export_list(request):
    if not can_use_reports(request.user):
        raise PermissionDenied
    return render(
        request,
        "reports/export_list.html",
        {"exports": selectors.export_list(user=request.user, limit=50), "reports": REPORTS},
    )


@login_required
@require_POST
def subscribe(request, slug: str):
    _report_or_403(request, slug)
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how often and in which format."))
        return redirect("reports:report", slug=slug)
    params, _ignored = report_params(user=request.user, report=slug, data=request.POST)
    services.report_subscription_save(
        user=request.user,
        report=slug,
        frequency=form.cleaned_data["frequency"],
        format=form.cleaned_data["format"],
        filters=params.filters | ({"period": params.period} if params.period != "day" else {}),
    )
    frequency = dict(ReportSubscription.Frequency.choices).get(form.cleaned_data["frequency"], "")
    messages.success(request, _("You will receive this report by e-mail (%(frequency)s).") % {"frequency": frequency})
    return redirect("reports:report", slug=slug)


@login_required
@require_POST
def unsubscribe(request, subscription_id: int):
    subscription = get_object_or_404(ReportSubscription, pk=subscription_id, user=request.user)
    slug = subscription.report
    services.report_subscription_delete(subscription=subscription, user=request.user)
    messages.success(request, _("Subscription removed."))
    target = request.POST.get("next", "")
    if target == "home":
        return redirect("reports:home")
    return redirect("reports:report", slug=slug)


# -- personal data ------------------------------------------------------------------------------
@login_required
def my_data(request):
    if request.method == "POST":
        kind = request.POST.get("kind")
        confirmed = request.POST.get("confirm", "").strip().upper() == "DELETE" and request.user.check_password(
            request.POST.get("password", "")
        )
        if kind == DataExportRequest.Kind.DELETION and not confirmed:
            messages.error(request, _("Type DELETE and your password to confirm the deletion of your account."))
            return redirect("reports:my_data")
        try:
            services.data_request_create(user=request.user, kind=kind)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("reports:my_data")
        if kind == DataExportRequest.Kind.DELETION:
            logout(request)
            messages.success(request, _("Your account is being deleted. Your personal data will be removed."))
            return redirect("home")
        messages.success(request, _("We are preparing your data. The download link appears here when it is ready."))
        return redirect("reports:my_data")
    requests_ = list(DataExportRequest.objects.filter(user=request.user)[:10])
    links = {r.pk: services.data_download_signature(r) for r in requests_ if r.status == "done" and r.file}
    return render(
        request,
        "reports/my_data.html",
        {"data_requests": [(r, links.get(r.pk)) for r in requests_], "link_hours": conf.data_export_link_hours()},
    )


@login_required
def my_data_download(request, request_id, signature: str):
    data_request = get_object_or_404(DataExportRequest, pk=request_id, user=request.user, kind="export")
    if not data_request.file or not services.data_download_check(data_request, signature):
        raise Http404(_("This link has expired."))
    return FileResponse(
        data_request.file.open("rb"), as_attachment=True, filename="courseworx-data.zip", content_type="application/zip"
    )


# -- accessibility ----------------------------------------------------------------------------
@login_required
def accessibility(request):
    if not can_see_accessibility_overview(request.user):
        raise PermissionDenied(_("Accessibility reports are for reviewers, support and instructors."))
    courses = report_courses(request.user, "accessibility")
    status = request.GET.get("status", "open")
    if status not in AccessibilityReport.Status.values:
        status = "open"
    per_course = (
        AccessibilityReport.objects.filter(course__in=courses.values("pk"), status="open")
        .values("course_id", "course__title")
        .annotate(open_issues=Count("id"), manual=Count("id", filter=Q(source="manual")))
        .order_by("-open_issues", "course__title")[:50]
    )
    issues = (
        AccessibilityReport.objects.filter(course__in=courses.values("pk"), status=status)
        .select_related("content", "course", "reported_by")
        .order_by("course__title", "content__title", "issue")
    )
    course_id = parse_uuid(request.GET.get("course"))
    if course_id:
        issues = issues.filter(course_id=course_id)
    page = Paginator(issues, 25).get_page(request.GET.get("page"))
    last_scan = DataPipelineRun.objects.filter(name="accessibility_scan").first()
    return render(
        request,
        "reports/accessibility.html",
        {"per_course": per_course, "page": page, "status": status, "last_scan": last_scan, "course_id": course_id},
    )


@login_required
def accessibility_report(request, content_id):
    content = get_object_or_404(CourseContent.objects.select_related("course"), pk=content_id, is_published=True)
    error = ""
    if request.method == "POST":
        try:
            accessibility_report_create(user=request.user, content=content, description=request.POST.get("description"))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Thank you: the course team will look at it."))
            return redirect(content.course.get_absolute_url())
    return render(request, "reports/accessibility_report.html", {"content": content, "error": error})
