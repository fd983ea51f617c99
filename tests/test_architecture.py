"""The structure rules of docs/ARCHITECTURE.md ("Layers") that a test can check.

`make check` runs import-linter's contracts (pyproject.toml: apps import only downward, and no app
imports another app's tasks, admin, pages, API, signals, commands or demo data); they run here too so
the suite alone catches a violation.  Import-linter checks packages, not modules, so this file also
checks that no modules import each other in a cycle (function-local imports included: grimp reads
them too) and that no app imports a private name (`_helper`) of another app.
"""

import ast
import os
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("courseworx", "accounts", "courses", "learning", "community", "billing", "reports")


def _app(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "courseworx" else parts[0]


def _import_cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(m for m in graph.modules if ".migrations" not in m)
    edges = {
        m: sorted(n for n in graph.find_modules_directly_imported_by(m) if ".migrations" not in n) for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles = []
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return cycles


def test_import_contracts_are_kept():
    os.chdir(ROOT)
    assert lint_imports(no_cache=True, no_logo=True) == 0  # details: run `lint-imports`


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert _import_cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    assert _import_cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_no_app_imports_another_apps_private_names():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                if node.module.split(".")[0] not in PACKAGES or _app(node.module) == _app(module):
                    continue
                private = [a.name for a in node.names if a.name.startswith("_")]
                private += [part for part in node.module.split(".") if part.startswith("_") and part != "__init__"]
                if private:
                    offenders.append(f"{module}:{node.lineno} imports {node.module}: {private}")
    assert offenders == []
