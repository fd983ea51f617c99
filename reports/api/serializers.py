"""Reports API serializers: one output serializer per report (rows), plus inputs for exports,
personal-data requests and mobile logs."""

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import conf
from ..models import DataExportRequest, MobileAppLog, ReportExport
from ..services import data_download_signature


class KpiSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.SerializerMethodField()
    kind = serializers.CharField()

    def get_value(self, kpi) -> str | None:
        return kpi.display if kpi.value is not None else None


class ChartSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    type = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())
    datasets = serializers.ListField(child=serializers.DictField())


class ReportInfoSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    url = serializers.CharField()


# -- rows, one serializer per report -----------------------------------------------------------
class CourseRowMixin(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    instructor_name = serializers.CharField()


class CompletionRowSerializer(CourseRowMixin):
    enrolments = serializers.IntegerField()
    dropped = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    certificates = serializers.IntegerField()
    avg_days = serializers.DurationField(allow_null=True)


class EngagementRowSerializer(CourseRowMixin):
    students = serializers.IntegerField()
    active_students = serializers.IntegerField()
    active_rate = serializers.FloatField(allow_null=True)
    time_spent = serializers.IntegerField(help_text="seconds")
    avg_progress = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    not_started = serializers.IntegerField()
    under_half = serializers.IntegerField()
    over_half = serializers.IntegerField()
    finished = serializers.IntegerField()


class TopStudentRowSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    lessons_completed = serializers.IntegerField()
    courses_completed = serializers.IntegerField()
    quizzes = serializers.IntegerField()
    avg_quiz = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    certificates_earned = serializers.IntegerField()
    current_streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()


class ActivityRowSerializer(serializers.Serializer):
    day = serializers.SerializerMethodField()
    active_users = serializers.IntegerField()
    sessions = serializers.IntegerField()
    lesson_views = serializers.IntegerField()
    lesson_completions = serializers.IntegerField()
    quiz_submits = serializers.IntegerField()
    purchases = serializers.IntegerField()

    def get_day(self, row) -> str:
        day = row["day"]
        return (day.date() if hasattr(day, "date") else day).isoformat()


class AttendanceRowSerializer(CourseRowMixin):
    sessions = serializers.IntegerField()
    students = serializers.IntegerField()
    records = serializers.IntegerField()
    present = serializers.IntegerField()
    late = serializers.IntegerField()
    absent = serializers.IntegerField()
    excused = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class AttendanceTraineeRowSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The enrolment.")
    user_id = serializers.UUIDField()
    course_id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.CharField()
    title = serializers.CharField()
    records = serializers.IntegerField()
    present = serializers.IntegerField()
    late = serializers.IntegerField()
    left_early = serializers.IntegerField()
    absent = serializers.IntegerField()
    excused = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class SupportRowSerializer(serializers.Serializer):
    category = serializers.CharField()
    tickets = serializers.IntegerField()
    open = serializers.IntegerField()
    pending = serializers.IntegerField()
    resolved = serializers.IntegerField()
    closed = serializers.IntegerField()
    first_response = serializers.DurationField(allow_null=True)
    resolution = serializers.DurationField(allow_null=True)
    rated = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)


class RevenueRowSerializer(serializers.Serializer):
    instructor_id = serializers.UUIDField()
    instructor_name = serializers.CharField()
    currency = serializers.CharField()
    sales = serializers.IntegerField()
    gross_sales = serializers.DecimalField(max_digits=14, decimal_places=2)
    refunds = serializers.IntegerField()
    refunded = serializers.DecimalField(max_digits=14, decimal_places=2)
    net_revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    instructor_share = serializers.DecimalField(max_digits=14, decimal_places=2)
    platform_share = serializers.DecimalField(max_digits=14, decimal_places=2)
    licences = serializers.IntegerField()
    licence_fees = serializers.DecimalField(max_digits=14, decimal_places=2)


ROW_SERIALIZERS = {
    "completion": CompletionRowSerializer,
    "engagement": EngagementRowSerializer,
    "top-students": TopStudentRowSerializer,
    "activity": ActivityRowSerializer,
    "attendance": AttendanceRowSerializer,
    "attendance-trainees": AttendanceTraineeRowSerializer,
    "support": SupportRowSerializer,
    "revenue": RevenueRowSerializer,
}


# -- exports -----------------------------------------------------------------------------------
class ReportExportInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ReportExport.Format.choices)


class ReportExportOutputSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportExport
        fields = ["id", "report", "format", "params", "status", "progress", "row_count", "error", "created_at",
                  "finished_at", "download_url"]  # fmt: skip

    def get_download_url(self, export) -> str | None:
        if export.status != ReportExport.Status.DONE:
            return None
        return self.context["request"].build_absolute_uri(reverse("reports:export_download", args=[export.pk]))


# -- personal data -----------------------------------------------------------------------------
class DataRequestInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DataExportRequest.Kind.choices)
    password = serializers.CharField(required=False, write_only=True, help_text="Required to delete the account.")


class DataRequestOutputSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DataExportRequest
        fields = ["id", "kind", "status", "created_at", "finished_at", "expires_at", "download_url"]

    def get_download_url(self, obj) -> str | None:
        if obj.status != DataExportRequest.Status.DONE or not obj.file:
            return None
        url = reverse("reports:my_data_download", args=[obj.pk, data_download_signature(obj)])
        return self.context["request"].build_absolute_uri(url)


# -- mobile logs -------------------------------------------------------------------------------
class MobileEventSerializer(serializers.Serializer):
    device_id = serializers.CharField(max_length=64)
    platform = serializers.ChoiceField(choices=MobileAppLog.Platform.choices)
    app_version = serializers.RegexField(r"^[0-9A-Za-z.\-+]{1,20}$")
    event = serializers.RegexField(r"^[a-z0-9_.:\-]{1,64}$")
    level = serializers.ChoiceField(choices=MobileAppLog.Level.choices, default="info")
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    data = serializers.DictField(required=False, default=dict)
    occurred_at = serializers.DateTimeField()

    def validate_data(self, value):
        if len(json.dumps(value)) > 4096:
            raise serializers.ValidationError(_("Keep data under 4 KB per event."))
        return value


class MobileLogBatchSerializer(serializers.Serializer):
    events = MobileEventSerializer(many=True, allow_empty=False)

    def validate_events(self, value):
        if len(value) > conf.mobile_log_max_events():
            raise serializers.ValidationError(f"Send at most {conf.mobile_log_max_events()} events per request.")
        return value
