"""`/api/v1/audit-log/`: the audit trail for staff, read-only, filterable and paginated."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers

from ..filters import IsoDateTimeFilter
from ..models import AuditLog
from ..selectors import audit_log_list

TAGS = ["Audit log"]


class CanViewAuditLog(permissions.BasePermission):
    """Staff who may read the audit trail: the `core.view_auditlog` permission (superusers have it)."""

    message = "Only staff may read the audit log."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.has_perm("core.view_auditlog"))


class AuditLogFilter(django_filters.FilterSet):
    actor = django_filters.UUIDFilter(field_name="actor_id", help_text="The actor's user id.")
    actor_email = django_filters.CharFilter(field_name="actor__email", lookup_expr="iexact")
    action = django_filters.CharFilter(help_text="Exact action, e.g. `course.approve`, `admin.change`.")
    action_prefix = django_filters.CharFilter(field_name="action", lookup_expr="startswith")
    target_type = django_filters.CharFilter(help_text="`app_label.model`, e.g. `courses.course`.")
    target_id = django_filters.CharFilter()
    request_id = django_filters.CharFilter()
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditLog
        fields = [
            "actor", "actor_email", "action", "action_prefix", "target_type", "target_id", "request_id",
            "created_after", "created_before",
        ]  # fmt: skip


class AuditLogOutputSerializer(serializers.ModelSerializer):
    actor = serializers.UUIDField(source="actor_id", allow_null=True, help_text="None: the system.")
    actor_email = serializers.SerializerMethodField()

    class Meta:
        model = AuditLog
        fields = [
            "id", "created_at", "actor", "actor_email", "action", "target_type", "target_id", "target_repr",
            "reason", "changes", "ip_address", "request_id",
        ]  # fmt: skip
        read_only_fields = fields

    def get_actor_email(self, obj) -> str | None:
        return obj.actor.email if obj.actor_id else None


@extend_schema(tags=TAGS)
class AuditLogListApi(generics.ListAPIView):
    """The audit trail, newest first (staff with the audit log permission only)."""

    serializer_class = AuditLogOutputSerializer
    permission_classes = [CanViewAuditLog]
    filterset_class = AuditLogFilter
    search_fields: list[str] = []
    ordering_fields: list[str] = []

    def get_queryset(self):
        return audit_log_list()


@extend_schema(tags=TAGS)
class AuditLogDetailApi(generics.RetrieveAPIView):
    serializer_class = AuditLogOutputSerializer
    permission_classes = [CanViewAuditLog]
    filter_backends: list = []

    def get_queryset(self):
        return audit_log_list()
