"""Small helpers shared by test modules and conftests."""

import os

import pytest


def in_ci() -> bool:
    """CI exports CI=true (see .ci/run); there, a missing service is a failure, not a skip."""
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip locally when a service or tool is missing, but fail in CI, which must run every test."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this test must run in CI)", pytrace=False)
    pytest.skip(reason)
