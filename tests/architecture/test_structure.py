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
                if not any(name.startswith(tuple(FORBIDDEN)) for name in names):
                    why = _private_use(node)
                    if why:
                        found.append(f"{path.relative_to(root)}:{node.lineno}: {why}")
    return sorted(set(found))


# Private-looking names that are public API: the namedtuple methods and attributes (underscored
# so as not to clash with field names).
PUBLIC_UNDERSCORED = {"_replace", "_asdict", "_fields", "_field_defaults", "_make"}


def _private_use(node: ast.AST) -> str | None:
    """A private module of a library, or a private name imported from one
    (`openpyxl.worksheet._writer`, `from dagster import _check`); a private attribute of another
    object read or set, directly or by name (`workbook._fonts`, `getattr(cell, "_style")`,
    `wb.__dict__["_fonts"]`); `self`/`cls`/`super()` only inside the product's own classes."""
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module.split(".")[0] not in PRODUCT:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if any(_private(part) for part in name.split(".")):
                    return f"a private name of a library ({name})"
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if any(_private(part) for part in alias.name.split(".")):
                return f"a private module of a library ({alias.name})"
    elif isinstance(node, ast.Attribute) and _private(node.attr):
        if node.attr in PUBLIC_UNDERSCORED or _own(node.value):
            return None
        return f"a private attribute of another object ({ast.unparse(node)})"
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        named = node.args[1] if node.func.id in ("getattr", "setattr", "hasattr", "delattr") \
            and len(node.args) > 1 else None
        if (isinstance(named, ast.Constant) and isinstance(named.value, str)
                and _private(named.value) and not _own(node.args[0])):
            return f"a private attribute of another object ({ast.unparse(node)})"
    elif (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
          and isinstance(node.slice.value, str) and _private(node.slice.value)
          and (isinstance(node.value, ast.Attribute) and node.value.attr == "__dict__"
               or isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
               and node.value.func.id == "vars")):
        return f"a private attribute of another object ({ast.unparse(node)})"
    return None


def _own(value: ast.AST) -> bool:
    """`self`, `cls` or `super()`: the product's own object (every class of the product is its
    own; a subclass of a library's class reaching into the library's private state through
    `self` is not told apart here)."""
    return (isinstance(value, ast.Name) and value.id in ("self", "cls")
            or isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id == "super")


def _private(name: str) -> bool:
    """`_name` or a name-mangled `__name`, not a dunder."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


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
        "from openpyxl.worksheet import _reader\n"
        "def house(workbook, cell, template):\n"
        "    workbook._fonts = []\n"
        "    cell._style = template._style\n"
        "    getattr(cell, '_style')\n"
        "    workbook.__dict__['_named_styles']\n"
        "    vars(cell)['_style']\n"
        "    template.__secret\n", encoding="utf-8")
    (tmp_path / "pipeline" / "fine.py").write_text(
        "from __future__ import annotations\n"
        "from pipeline._child import run\n"
        "from collections import namedtuple\n"
        "P = namedtuple('P', 'a')\n"
        "class A:\n"
        "    def __init__(self):\n"
        "        self._own = P(1)._replace(a=2)._asdict()\n"
        "        self.__class__.__name__\n"
        "        super()._helper()\n"
        "        getattr(self, '_own')\n", encoding="utf-8")
    assert forbidden_uses(tmp_path) == [
        "cli/fast.py:4: a private Dagster module",
        "cli/fast.py:5: garbage-collector tuning",
        "cli/fast.py:6: replacing a module",
        "cli/fast.py:7: leaving without the interpreter's teardown",
        "pipeline/excel.py:1: a private name of a library (openpyxl.worksheet._writer)",
        "pipeline/excel.py:2: a private name of a library (openpyxl.worksheet._reader)",
        "pipeline/excel.py:4: a private attribute of another object (workbook._fonts)",
        "pipeline/excel.py:5: a private attribute of another object (cell._style)",
        "pipeline/excel.py:5: a private attribute of another object (template._style)",
        "pipeline/excel.py:6: a private attribute of another object (getattr(cell, '_style'))",
        "pipeline/excel.py:7: a private attribute of another object "
        "(workbook.__dict__['_named_styles'])",
        "pipeline/excel.py:8: a private attribute of another object (vars(cell)['_style'])",
        "pipeline/excel.py:9: a private attribute of another object (template.__secret)",
    ]
