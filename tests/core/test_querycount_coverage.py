"""The plugin that holds every list to the query-count rule (tests/querycount_coverage.py) sees what it must."""

import pytest
from django.urls import reverse

from tests import querycount, querycount_coverage
from tests.courses.factories import TagFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


def test_a_route_requested_inside_a_passing_measurement_counts_as_measured(client):
    querycount.MEASURED.discard("api:tag-list")

    def load(n):
        while TagFactory._meta.model.objects.count() < n:
            TagFactory()
        _, queries = count_queries(lambda: client.get(reverse("api:tag-list")))
        return queries

    assert_same_queries_at_two_sizes(load)
    assert "api:tag-list" in querycount.MEASURED


def test_a_failing_measurement_does_not_count(client):
    querycount.MEASURED.discard("api:category-list")
    sizes = iter([1, 1, 2])  # a "query per row": more queries at the larger size

    def load(n):
        client.get(reverse("api:category-list"))
        return next(sizes)

    with pytest.raises(AssertionError, match="a query per row"):
        assert_same_queries_at_two_sizes(load)
    assert "api:category-list" not in querycount.MEASURED


def test_the_list_routes_come_from_the_schema():
    routes = querycount_coverage.list_api_view_names()
    assert {"api:course-list", "api:learning-enrollments", "api:learning-notes"} <= set(routes)
    assert "api:course-detail" not in routes  # one object, not a list
    assert not [name for name in routes if name.startswith("unresolved")]


def test_a_page_rendering_a_paginated_list_is_seen(client, student):
    querycount_coverage.LIST_PAGES_SEEN.discard("learning:points")
    client.force_login(student)
    assert client.get(reverse("learning:points")).status_code == 200
    assert "learning:points" in querycount_coverage.LIST_PAGES_SEEN
