"""Types for annotations: `AuthUser` is the configured user model (`settings.AUTH_USER_MODEL`,
accounts.User) without importing accounts, which sits above core; `AnyUser` adds the anonymous
visitor.

For mypy, `AuthUser` is django-stubs' placeholder `_User`, which the django-stubs plugin replaces by
AUTH_USER_MODEL wherever it is used as a type (as it does for `request.user`).  At run time both
names are `Any`: this module is imported while apps load (before Django's auth models exist), and
annotations are not evaluated (modules using them start with `from __future__ import annotations`).
"""

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.auth.models import _User as AuthUser

    AnyUser: TypeAlias = AuthUser | AnonymousUser
else:
    AuthUser = Any
    AnyUser = Any

__all__ = ["AnyUser", "AuthUser"]
