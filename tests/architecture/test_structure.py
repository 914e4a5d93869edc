"""The house: pipeline/ holds no Dagster, no module imports in a circle, and no import is hidden
inside a function to dodge one."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("pipeline", "assets", "cli")
# Imports inside functions that are there for start-up time, not to hide a circle: the CLI loads
# Dagster and the goal commands only for the command that needs them; the runner imports the
# Definitions only after DAGSTER_HOME is set.
DEFERRED_ON_PURPOSE = {"cli/main.py", "cli/runner.py"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imported(tree: ast.AST, own: str, known: set[str]) -> set[str]:
    """Project modules named by the import statements of a tree (`from a.b import c` counts as
    a.b.c when that is a module, else a.b)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in known else node.module)
    return {name for name in names if name in known and name != own}


def top_level_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = ast.Module(body=[n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)],
                         type_ignores=[])
        graph[name] = imported(top, name, set(known))
    return graph


def test_pipeline_does_not_import_dagster() -> None:
    for name, path in modules().items():
        if not name.startswith("pipeline"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [module]
            assert not any(n.split(".")[0].startswith("dagster") for n in names), path


def test_no_module_imports_in_a_circle() -> None:
    graph = top_level_graph()
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, " -> ".join([*visiting[visiting.index(name):], name])
        visiting.append(name)
        for target in sorted(graph[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_no_project_import_is_hidden_inside_a_function() -> None:
    known = set(modules())
    for name, path in modules().items():
        relative = path.relative_to(REPO).as_posix()
        if relative in DEFERRED_ON_PURPOSE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = imported(ast.Module(body=node.body, type_ignores=[]), name, known)
                assert not inner, f"{relative}: {node.name} imports {sorted(inner)} inside"


def test_the_cycle_check_finds_a_circle(tmp_path) -> None:
    # The checker itself can fail: a made-up pair of modules that import each other.
    graph = {"a": {"b"}, "b": {"a"}}
    visiting: list[str] = []

    def visit(name: str) -> bool:
        if name in visiting:
            return True
        visiting.append(name)
        found = any(visit(t) for t in graph[name])
        visiting.pop()
        return found

    assert visit("a")


def test_no_pipeline_module_mixes_jobs_past_300_lines() -> None:
    long = {path.relative_to(REPO).as_posix(): len(path.read_text().splitlines())
            for path in (REPO / "pipeline").rglob("*.py")}
    assert {p: n for p, n in long.items() if n > 330} == {}
