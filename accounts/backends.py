"""Authentication by email (case-insensitive) and role-based permissions.

An instructor holds the permissions of the "Instructors" group without needing membership:
admins edit that group's permissions in the admin and every instructor follows.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from .identity import normalize_email
from .roles import ROLE_GROUPS


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        # The normal form django-axes counts failures under (accounts.identity); the manager's
        # get_by_natural_key applies it too, for callers that pass `email=` instead.
        if username is not None:
            username = normalize_email(username)
        return super().authenticate(request, username=username, password=password, **kwargs)

    def _get_group_permissions(self, user_obj):
        query = Q(group__user=user_obj)
        role_group = ROLE_GROUPS.get(getattr(user_obj, "role", None))
        if role_group:
            query |= Q(group__name=role_group)
        return Permission.objects.filter(query).distinct()
