"""Two views on one address: the first in the URL configuration wins and the other is unreachable (the
feature flags API once took community's `POST /api/v1/flags/`).  Every address leads to one view."""

from collections import defaultdict

from django.urls import URLPattern, URLResolver, get_resolver


def _routes(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def test_no_two_views_share_an_address():
    views = defaultdict(set)
    for route, view in _routes(get_resolver()):
        views[route].add(view)  # one view under two names (an alias) is fine
    assert len(views) > 200  # the walk reached every app's routes
    assert {route: len(found) for route, found in views.items() if len(found) > 1} == {}
