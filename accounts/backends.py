"""Authentication by email (case-insensitive) and role-based permissions.

An instructor holds the permissions of the "Instructors" group without needing membership:
admins edit that group's permissions in the admin and every instructor follows.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from .roles import ROLE_GROUPS


class EmailBackend(ModelBackend):
    def _get_group_permissions(self, user_obj):
        query = Q(group__user=user_obj)
        role_group = ROLE_GROUPS.get(getattr(user_obj, "role", None))
        if role_group:
            query |= Q(group__name=role_group)
        return Permission.objects.filter(query).distinct()
