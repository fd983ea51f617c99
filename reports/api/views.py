"""Reports API: the reports as JSON (same filters and scoping as the pages), export jobs, personal-data
requests and the mobile-log ingest endpoint.  Thin views: selectors/services do the work."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from courseworx.core.api.pagination import PageNumberPagination
from courseworx.core.api.schema import ErrorSerializer

from .. import conf, services
from ..filters import report_params
from ..models import DataExportRequest, ReportExport
from ..pagination import ReportPaginator
from ..permissions import CanUseReports, can_download_export, can_view_report, visible_report_slugs
from ..reports import REPORTS
from . import serializers as s

TAGS = ["reports"]
FILTER_PARAMS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="First day (default: the range ending today)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day, inclusive (default: today)."),
    OpenApiParameter("course", OpenApiTypes.UUID, description="One course (within your scope)."),
    OpenApiParameter("instructor", OpenApiTypes.UUID, description="Courses owned or co-authored by this instructor."),
    OpenApiParameter("period", OpenApiTypes.STR, enum=["day", "week"], description="Activity report only."),
    OpenApiParameter("sort", OpenApiTypes.STR, description="A column key, '-' for descending."),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


def _report(request, slug: str):
    report = REPORTS.get(slug)
    if report is None:
        raise Http404
    if not can_view_report(request.user, slug):
        raise PermissionDenied(_("This report is not part of your duties."))
    return report


def _params(request, slug, data):
    params, filterset = report_params(user=request.user, report=slug, data=data)
    if filterset.is_bound and not filterset.is_valid():  # no parameters at all: the default range, not a 400
        raise ValidationError(filterset.errors)
    return params


class ReportListApi(APIView):
    permission_classes = [IsAuthenticated, CanUseReports]

    @extend_schema(tags=TAGS, responses=s.ReportInfoSerializer(many=True), summary="The reports you may see")
    def get(self, request):
        data = [
            {
                "slug": slug,
                "title": REPORTS[slug].title,
                "description": REPORTS[slug].description,
                "url": request.build_absolute_uri(f"{request.path}{slug}/"),
            }
            for slug in visible_report_slugs(request.user)
            if slug in REPORTS
        ]
        return Response(s.ReportInfoSerializer(data, many=True).data)


class ReportDetailApi(APIView):
    """One report: summary figures, chart data and a page of rows."""

    permission_classes = [IsAuthenticated, CanUseReports]

    @extend_schema(
        tags=TAGS,
        parameters=FILTER_PARAMS,
        summary="A report's figures (rows differ per report: see the *RowSerializer schemas)",
        responses=inline_serializer(
            "ReportDetail",
            {
                "report": serializers.CharField(),
                "title": serializers.CharField(),
                "date_from": serializers.DateField(),
                "date_to": serializers.DateField(),
                "summary": s.KpiSerializer(many=True),
                "charts": s.ChartSerializer(many=True),
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request, slug: str):
        report = _report(request, slug)
        params = _params(request, slug, request.query_params)
        paginator = PageNumberPagination()
        if report.count_with_page(params):
            paginator.django_paginator_class = ReportPaginator
        page = paginator.paginate_queryset(report.rows(params), request, view=self)
        if paginator.page.number == 1:
            params.cache.update(first_rows=list(page), count=paginator.page.paginator.count)
        rows = s.ROW_SERIALIZERS[slug](page, many=True).data
        return Response(
            {
                "report": slug,
                "title": report.title,
                "date_from": params.date_from,
                "date_to": params.date_to,
                "summary": s.KpiSerializer(report.summary(params), many=True).data,
                "charts": [c.as_dict() for c in report.charts(params)],
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": rows,
            }
        )


class ReportExportCreateApi(APIView):
    permission_classes = [IsAuthenticated, CanUseReports]

    @extend_schema(
        tags=TAGS,
        parameters=FILTER_PARAMS[:6],
        request=s.ReportExportInputSerializer,
        responses={202: s.ReportExportOutputSerializer},
        summary="Start a CSV/PDF export job (filters in the query string)",
    )
    def post(self, request, slug: str):
        _report(request, slug)
        data = s.ReportExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = _params(request, slug, request.query_params)
        export = services.report_export_create(
            user=request.user, report=slug, format=data.validated_data["format"], params=params.query_string()
        )
        return Response(
            s.ReportExportOutputSerializer(export, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )


class ReportExportDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses=s.ReportExportOutputSerializer, summary="An export job's progress")
    def get(self, request, export_id):
        export = get_object_or_404(ReportExport, pk=export_id)
        if not can_download_export(request.user, export):
            raise Http404
        return Response(s.ReportExportOutputSerializer(export, context={"request": request}).data)


class DataRequestListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["me: data"], responses=s.DataRequestOutputSerializer(many=True), summary="My data requests")
    def get(self, request):
        rows = DataExportRequest.objects.filter(user=request.user)[:20]
        return Response(s.DataRequestOutputSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        tags=["me: data"],
        request=s.DataRequestInputSerializer,
        responses={202: s.DataRequestOutputSerializer},
        summary="Ask for a copy of my data, or for the deletion of my account (password required)",
    )
    def post(self, request):
        data = s.DataRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = data.validated_data["kind"]
        if kind == DataExportRequest.Kind.DELETION and not request.user.check_password(
            data.validated_data.get("password", "")
        ):
            raise ValidationError({"password": ["Give your password to delete your account."]})
        created = services.data_request_create(user=request.user, kind=kind)
        return Response(
            s.DataRequestOutputSerializer(created, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )


class MobileLogThrottle(UserRateThrottle):
    scope = "reports_mobile_logs"

    def get_rate(self):
        return conf.mobile_log_rate()


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class MobileLogIngestApi(APIView):
    """Batch ingest of mobile-app client events (token authentication only)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [MobileLogThrottle]

    @extend_schema(
        tags=["mobile"],
        request=s.MobileLogBatchSerializer,
        responses={
            201: inline_serializer("MobileLogAccepted", {"accepted": serializers.IntegerField()}),
            400: ErrorSerializer,
            413: ErrorSerializer,
        },
        summary="Send a batch of client events (limits: REPORTS_MOBILE_LOG_MAX_EVENTS, _MAX_BYTES)",
    )
    def post(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > conf.mobile_log_max_bytes():
            raise PayloadTooLarge(
                {"non_field_errors": [f"The body is larger than {conf.mobile_log_max_bytes()} bytes."]}
            )
        events = request.data.get("events") if isinstance(request.data, dict) else None
        if isinstance(events, list) and len(events) > conf.mobile_log_max_events():
            raise ValidationError({"events": [f"Send at most {conf.mobile_log_max_events()} events per request."]})
        batch = s.MobileLogBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        accepted = services.mobile_log_ingest(user=request.user, events=batch.validated_data["events"])
        return Response({"accepted": accepted}, status=status.HTTP_201_CREATED)
