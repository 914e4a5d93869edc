"""Swedish presentation has one home, `pipeline/presentation/`: no other module of `pipeline/` or
`assets/` lists month names or writes a number in Swedish form by itself (a decimal comma, a
thousands separator), and the assignment ledger has one Swedish name."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOME = REPO / "pipeline" / "presentation"
MONTH_WORDS = {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december", "jan", "feb", "mar", "apr",
               "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec"}
SEPARATORS = {" ", "\u00a0", "\u202f", "\u2009"}


def sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8")
            for folder in ("pipeline", "assets") for path in sorted((REPO / folder).rglob("*.py"))
            if HOME not in path.parents}


def month_names(tree: ast.AST) -> set[str]:
    """The month names and abbreviations that stand alone as string constants."""
    return {node.value.strip().casefold() for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value.strip().casefold() in MONTH_WORDS}


def swedish_number_formatting(tree: ast.AST) -> list[str]:
    """Places that write a number in Swedish form by hand: `.replace(".", ",")` (a decimal
    comma), `.replace(",", " ")` or a "," format spec (thousands grouping)."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "replace" and len(node.args) == 2
                and all(isinstance(a, ast.Constant) for a in node.args)):
            old, new = (a.value for a in node.args)
            if (old, new) == (".", ",") or (old == "," and new in SEPARATORS):
                found.append(f"line {node.lineno}: replace({old!r}, {new!r})")
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(part.value for part in node.format_spec.values
                           if isinstance(part, ast.Constant))
            if "," in spec:
                found.append(f"line {node.lineno}: format spec {spec!r}")
    return found


def promille_text_functions(tree: ast.AST) -> list[str]:
    """Functions that turn a share into text: "promille" in the name, returning str."""
    return [node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and "promille" in node.name.lower()
            and node.returns is not None and ast.unparse(node.returns) in {"str", "'str'"}]


def test_no_module_outside_presentation_lists_month_names() -> None:
    offenders = {}
    for path, text in sources().items():
        names = month_names(ast.parse(text))
        if len(names) >= 2:  # one word alone ("mars", "dec") may be anything; two are a list
            offenders[path.relative_to(REPO).as_posix()] = sorted(names)
    assert offenders == {}


def test_no_module_outside_presentation_formats_swedish_numbers_itself() -> None:
    offenders = {path.relative_to(REPO).as_posix(): places for path, text in sources().items()
                 if (places := swedish_number_formatting(ast.parse(text)))}
    assert offenders == {}


def test_no_module_outside_presentation_has_its_own_promille_formatter() -> None:
    offenders = {path.relative_to(REPO).as_posix(): names for path, text in sources().items()
                 if (names := promille_text_functions(ast.parse(text)))}
    assert offenders == {}


def test_the_ledger_has_one_swedish_name_everywhere() -> None:
    files = [p for folder in ("pipeline", "assets") for p in (REPO / folder).rglob("*")
             if p.suffix in {".py", ".typ", ".js", ".css", ".html"}]
    assert [p for p in files if "liggare" in p.read_text(encoding="utf-8").lower()] == []


def test_the_checks_find_what_they_look_for() -> None:
    # The checks themselves can fail: a made-up module with a month list and hand-made formats.
    made_up = ast.parse(
        'MONTHS = ("januari", "februari")\n'
        'def promille(x) -> str:\n'
        '    return f"{x:,}".replace(",", "\\u00a0") + str(x / 100).replace(".", ",")\n')
    assert month_names(made_up) == {"januari", "februari"}
    assert len(swedish_number_formatting(made_up)) == 3
    assert promille_text_functions(made_up) == ["promille"]
