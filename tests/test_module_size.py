"""No Python module over ~700 lines outside migrations (issue 13: modules a newcomer can hold in mind).

A module that grows past the limit is split into a package along its sections (as billing/services.py and
deploy/smoke.py were).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 700
SOURCE_DIRS = ("accounts", "courses", "learning", "community", "billing", "reports", "courseworx", "deploy", "bench")


def module_lengths() -> dict[str, int]:
    return {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for folder in SOURCE_DIRS
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    }


def test_no_module_is_over_the_limit():
    too_long = {name: n for name, n in module_lengths().items() if n > LIMIT}
    assert too_long == {}, f"split these modules into packages (limit {LIMIT} lines)"
