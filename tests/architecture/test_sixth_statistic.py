"""Adding a sixth input statistic is one registry entry plus its data: proved on a copy of the
project, by running the draft with it end to end on a warehouse the five statistics filled."""

from __future__ import annotations

import csv
import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_IGNORED_NAMES = shutil.ignore_patterns(".venv", ".git", "out", ".warehouse", ".dagster_home",
                                       "tests", "__pycache__", "*.egg-info", ".hypothesis",
                                       ".ruff_cache", "node_modules", "benchmarks")


def ignored(folder: str, names: list[str]) -> set[str]:
    # The publishers' original files (data/sources) are large and no run reads them.
    skipped = set(_IGNORED_NAMES(folder, names))
    return skipped | ({"sources"} if Path(folder) == REPO / "data" else set())
NEW = ('    Statistic("integration_days", "Integrationsdygn", "days",\n'
       '              "Days in the introduction programme (a made-up sixth statistic).",\n'
       '              weight="weight_integration_days"),\n')
HUB = "0180"  # Stockholm gets most of the new statistic


def code_files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")
            if p.suffix in {".py", ".sql"} and "tests" not in p.parts and p.is_file()}


def run_draft(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", "draft", "--year", "2026"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_sixth_statistic_needs_one_code_file_and_its_data(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=ignored)
    env = {**os.environ, "PYTHONPATH": str(project), "DAGSTER_HOME": str(tmp_path / "home"),
           "ANVISNING_WAREHOUSE": str(tmp_path / "w.duckdb")}
    (tmp_path / "home").mkdir()
    # The warehouse exists before the statistic does: its tables must follow the registry.
    before = run_draft(project, env)
    assert before.returncode == 0, before.stderr
    registry = project / "pipeline" / "ingestion" / "registry.py"
    text = registry.read_text(encoding="utf-8")
    anchor = text.index("\n)\n", text.index("STATISTICS: tuple"))
    registry.write_text(text[:anchor + 1] + NEW + text[anchor + 1:], encoding="utf-8")

    folder = project / "data" / "statistics" / "2024"
    with open(project / "data" / "reference" / "municipalities.csv", encoding="utf-8") as f:
        register = list(csv.DictReader(f))
    rows = ["Kommunkod,Kommun,2024"] + [
        f"{r['municipality_code']},{r['municipality_name']},"
        f"{365_000 if r['municipality_code'] == HUB else 365}" for r in register]
    (folder / "integration_days.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with open(folder / "sources.toml", "a", encoding="utf-8") as f:
        f.write('\n["integration_days.csv"]\nsource = "made up by a test"\nillustrative = true\n')
    parameters = project / "data" / "parameters.toml"
    parameters.write_text(parameters.read_text(encoding="utf-8").replace(
        "reception_adjustment = ", "weight_integration_days = 1.0\nreception_adjustment = ", 1),
        encoding="utf-8")

    changed = {p for p in code_files(project) if not (REPO / p).exists()
               or not filecmp.cmp(project / p, REPO / p, shallow=False)}
    assert changed == {Path("pipeline/ingestion/registry.py")}  # at most three allowed

    done = run_draft(project, env)
    assert done.returncode == 0, done.stderr

    with open(project / "out" / "2026" / "draft_shares_2026.csv", encoding="utf-8") as f:
        draft = list(csv.DictReader(f))
    header = list(draft[0])
    assert header.index("integration_days") == header.index("minor_arrival_housing_days") + 1
    # The reception share recomputed from the CSV's own inputs, with the new term (days / 366
    # in leap year 2024) and without it: the draft followed the one with it.
    def reception(row: dict, with_new: bool) -> float:
        days = int(row["asylum_housing_days"]) + int(row["minor_arrival_housing_days"])
        days += int(row["integration_days"]) if with_new else 0
        return int(row["newcomers_settled"]) + int(row["minors_received"]) + days / 366

    for with_new in (True, False):
        total = sum(reception(row, with_new) for row in draft)
        hub = next(row for row in draft if row["municipality_code"] == HUB)
        matches = abs(reception(hub, with_new) / total * 1000 - float(hub["reception_share"]))
        assert (matches < 1e-5) is with_new

    from openpyxl import load_workbook

    book = load_workbook(next((project / "out" / "2026" / "review").glob("*.xlsx")))
    headings = {cell.value for row in book["Utkast"].iter_rows(max_row=12) for cell in row}
    assert "Integrationsdygn" in headings
