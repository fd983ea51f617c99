"""Every list is measured: a pytest plugin that enforces tests/querycount.py's rule over the whole product.

After a run of the whole suite (`make test`: no file, `-k` or `-m` selection), the run FAILS when a list
route was never measured by `assert_same_queries_at_two_sizes`.  The list routes are
  * every list operation of the API, read from the OpenAPI schema (a 200 answer that is an array or a
    paginated object), and
  * every site page that rendered a paginated list (a `django.core.paginator.Page` in its template
    context) anywhere in the run;
a route counts as measured when a request to it was made inside a passing `assert_same_queries_at_two_sizes`
(recorded by tests/querycount.py).  The admin's changelists are Django's own and are held to the rule by
the tests of each admin that adds columns; they are not listed here.

Under pytest-xdist each worker writes what it saw to a file; the controller reads them all at the end.
A list whose size does not depend on the database (a fixed table from code) is exempt, with its reason,
in EXEMPT below.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from pathlib import Path

import pytest
from django.core.paginator import Page
from django.test.signals import template_rendered
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator

from tests import querycount

ENV_DIR = "CW_QUERYCOUNT_DIR"

# view name -> why its query count cannot grow with a list of rows.
EXEMPT: dict[str, str] = {
    "api:core-webhook-event-types": "the event types are a fixed list in code (no rows)",
    "api:report-list": "the reports are a fixed registry in code (no rows)",
    "api:community-notification-prefs": "one row per notification category, a fixed list in code",
}

LIST_PAGES_SEEN: set[str] = set()


def _on_template_rendered(sender, template=None, context=None, **kwargs) -> None:
    """Note the view of any page whose template context holds a paginated list."""
    if context is None:
        return
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "view_name", None)
    if not name or name in LIST_PAGES_SEEN or name.startswith("admin:"):
        return
    for layer in getattr(context, "dicts", ()):
        if any(isinstance(value, Page) for value in layer.values()):
            LIST_PAGES_SEEN.add(name)
            return


def list_api_view_names() -> dict[str, str]:
    """{view name: schema path} of every list operation in the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found: dict[str, str] = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        body = get.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
        shape = body.get("schema", {})
        if shape.get("type") != "array" and "Paginated" not in shape.get("$ref", ""):
            continue
        for sample in (str(uuid.uuid4()), "1"):
            concrete = path
            while "{" in concrete:
                start = concrete.index("{")
                concrete = concrete[:start] + sample + concrete[concrete.index("}", start) + 1 :]
            try:
                found[resolve(concrete).view_name] = path
                break
            except Resolver404:
                continue
        else:
            found[f"unresolved {path}"] = path
    return found


def _whole_suite(config) -> bool:
    """Only a run of the whole suite can judge (QUERYCOUNT_COVERAGE=force judges any run; =0 never)."""
    if os.environ.get("QUERYCOUNT_COVERAGE") == "force":
        return True
    option = config.option
    return (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not option.keyword
        and not option.markexpr
        and not getattr(option, "deselect", None)
        and not getattr(option, "lf", False)
        and os.environ.get("QUERYCOUNT_COVERAGE", "1") != "0"
    )


def pytest_configure(config) -> None:
    template_rendered.connect(_on_template_rendered, dispatch_uid="tests.querycount_coverage")
    if not hasattr(config, "workerinput") and _whole_suite(config):
        os.environ[ENV_DIR] = tempfile.mkdtemp(prefix="courseworx-querycount-")


def _write_own(directory: str, name: str) -> None:
    data = {"measured": sorted(querycount.MEASURED), "pages": sorted(LIST_PAGES_SEEN)}
    Path(directory, f"{name}.json").write_text(json.dumps(data))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus) -> None:
    directory = os.environ.get(ENV_DIR)
    if not directory:
        return
    config = session.config
    if hasattr(config, "workerinput"):
        _write_own(directory, config.workerinput["workerid"])
        return
    _write_own(directory, "controller")
    measured: set[str] = set()
    pages: set[str] = set()
    for file in Path(directory).glob("*.json"):
        data = json.loads(file.read_text())
        measured.update(data["measured"])
        pages.update(data["pages"])
    apis = list_api_view_names()
    missing = sorted((set(apis) | pages) - measured - set(EXEMPT))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter else print
    write(
        f"query-count rule: {len(apis)} list API routes and {len(pages)} paginated pages; "
        f"{len((set(apis) | pages) & measured)} measured at two sizes, {len(EXEMPT)} exempt, {len(missing)} missing."
    )
    if missing:
        for name in missing:
            write(f"  not measured at two sizes: {name} {apis.get(name, '(page)')}")
        write("Measure each with tests/querycount.py's assert_same_queries_at_two_sizes (see its docstring).")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
