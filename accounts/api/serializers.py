from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from accounts.identity import normalize_email
from accounts.models import User


class MeOutputSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    groups = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "first_name",
            "last_name",
            "full_name",
            "role",
            "phone",
            "avatar",
            "is_staff",
            "requires_password_change",
            "groups",
            "last_login",
            "date_joined",
        )
        read_only_fields = fields

    def get_groups(self, obj) -> list[str]:
        return sorted(g.name for g in obj.groups.all())


class MeUpdateInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("first_name", "last_name", "phone")
        extra_kwargs = {"first_name": {"min_length": 2}, "last_name": {"min_length": 2}}


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenInputSerializer(AuthTokenSerializer):
    """Email (as `username`) and password; the email is normalised like the web login's.  `otp`: the second
    factor of accounts that use one (staff)."""

    otp = serializers.CharField(required=False, max_length=32, write_only=True)

    def validate_username(self, value: str) -> str:
        # authenticate() and django-axes then see the stored form of the address (accounts.identity).
        return normalize_email(value)
