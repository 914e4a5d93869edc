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


def modules(root: Path = REPO) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
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


def top_level_graph(root: Path = REPO) -> dict[str, set[str]]:
    known = modules(root)
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


def import_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """The first circle of imports in the graph, as a path that ends where it starts, or None."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> list[str] | None:
        if name in done:
            return None
        if name in visiting:
            return [*visiting[visiting.index(name):], name]
        visiting.append(name)
        for target in sorted(graph[name]):
            if circle := visit(target):
                return circle
        visiting.pop()
        done.add(name)
        return None

    return next((circle for name in sorted(graph) if (circle := visit(name))), None)


def test_no_module_imports_in_a_circle() -> None:
    circle = import_circle(top_level_graph())
    assert circle is None, " -> ".join(circle)


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
    """The check above, on a made-up project: a circle through three modules is found, by both
    import forms; a function-level import does not close one; without the circle, none."""
    package = tmp_path / "pipeline"
    (package / "sub").mkdir(parents=True)
    for name, text in {
        "__init__.py": "",
        "a.py": "from pipeline.sub import b\n",
        "sub/__init__.py": "",
        "sub/b.py": "import pipeline.c\n",
        "c.py": "import polars\nfrom pipeline.a import something\n",
        "e.py": "import pipeline.f\n",
        "f.py": "def later():\n    import pipeline.e\n",
    }.items():
        (package / name).write_text(text, encoding="utf-8")
    assert import_circle(top_level_graph(tmp_path)) == [
        "pipeline.a", "pipeline.sub.b", "pipeline.c", "pipeline.a"]
    (package / "c.py").write_text("import polars\n", encoding="utf-8")
    assert import_circle(top_level_graph(tmp_path)) is None


def test_no_pipeline_module_mixes_jobs_past_300_lines() -> None:
    long = {path.relative_to(REPO).as_posix(): len(path.read_text().splitlines())
            for path in (REPO / "pipeline").rglob("*.py")}
    assert {p: n for p, n in long.items() if n > 330} == {}


PRODUCT = ("pipeline", "assets", "cli", "scripts")
# What the product must not do to a library or the interpreter to go faster (issue 22).
FORBIDDEN = {
    "dagster._": "a private Dagster module",
    "os._exit": "leaving without the interpreter's teardown",
    "gc.set_threshold": "garbage-collector tuning",
    "gc.freeze": "garbage-collector tuning",
    "gc.disable": "garbage-collector tuning",
    "sys.modules[": "replacing a module",
    "sys.modules.setdefault": "replacing a module",
}


def forbidden_uses(root: Path) -> list[str]:
    found = []
    for package in PRODUCT:
        for path in (root / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names.append(node.module + ".")
                elif isinstance(node, ast.Import):
                    names += [alias.name + "." for alias in node.names]
                elif isinstance(node, ast.Attribute | ast.Subscript):
                    names.append(ast.unparse(node))
                for name in names:
                    for pattern, why in FORBIDDEN.items():
                        if name.startswith(pattern):
                            found.append(f"{path.relative_to(root)}:{node.lineno}: {why}")
                why = _private_use(node)
                if why:
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {why}")
    return sorted(set(found))


def _private_use(node: ast.AST) -> str | None:
    """A library's private module imported (`openpyxl.worksheet._writer`), or a private attribute
    of an object that is not the code's own `self` or `cls` read or set (`workbook._fonts`,
    `cell._style`): what a library may change in any release."""
    modules = []
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        modules.append(node.module)
    elif isinstance(node, ast.Import):
        modules += [alias.name for alias in node.names]
    for module in modules:
        parts = module.split(".")
        if parts[0] not in PRODUCT and any(_private(part) for part in parts):
            return f"a private module of a library ({module})"
    if (isinstance(node, ast.Attribute) and _private(node.attr)
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
        return f"a private attribute of a library's object ({ast.unparse(node)})"
    return None


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_product_uses_public_apis_only() -> None:
    assert forbidden_uses(REPO) == []


def test_the_public_api_check_finds_each_kind_of_shortcut(tmp_path) -> None:
    for package in PRODUCT:
        (tmp_path / package).mkdir()
    (tmp_path / "cli" / "fast.py").write_text(
        "import gc\nimport os\nimport sys\n"
        "from dagster._core.storage import sqlite\n"
        "gc.set_threshold(50_000, 20, 20)\n"
        "sys.modules.setdefault('hypothesis', None)\n"
        "os._exit(0)\n", encoding="utf-8")
    (tmp_path / "pipeline" / "excel.py").write_text(
        "from openpyxl.worksheet._writer import WorksheetWriter\n"
        "def house(workbook, cell, template):\n"
        "    workbook._fonts = []\n"
        "    cell._style = template._style\n", encoding="utf-8")
    (tmp_path / "pipeline" / "fine.py").write_text(
        "from __future__ import annotations\n"
        "from pipeline._child import run\n"
        "class A:\n"
        "    def __init__(self):\n"
        "        self._own = 1\n"
        "        self.__class__.__name__\n", encoding="utf-8")
    assert forbidden_uses(tmp_path) == [
        "cli/fast.py:4: a private Dagster module",
        "cli/fast.py:4: a private module of a library (dagster._core.storage)",
        "cli/fast.py:5: garbage-collector tuning",
        "cli/fast.py:6: replacing a module",
        "cli/fast.py:7: a private attribute of a library's object (os._exit)",
        "cli/fast.py:7: leaving without the interpreter's teardown",
        "pipeline/excel.py:1: a private module of a library (openpyxl.worksheet._writer)",
        "pipeline/excel.py:3: a private attribute of a library's object (workbook._fonts)",
        "pipeline/excel.py:4: a private attribute of a library's object (cell._style)",
        "pipeline/excel.py:4: a private attribute of a library's object (template._style)",
    ]
