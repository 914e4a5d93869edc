"""Every bad input: a non-zero exit, one message naming file, line, column, value and rule, no
traceback, and the warehouse exactly as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from cli.main import main
from tests.conftest import REPO, environment

STATS = Path("statistics") / "2024"
TABLES = ["municipality_register", "population", "newcomers_settled", "minors_received",
          "asylum_housing_days", "minor_arrival_housing_days", "input_files"]


def _snapshot(database: Path) -> dict[str, list]:
    with duckdb.connect(str(database), read_only=True) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def _replace_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _missing_municipality(d: Path) -> None:
    path = d / STATS / "minors_received.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(x for x in lines if not x.startswith("0115,")) + "\n",
                    encoding="utf-8")


def _unknown_code(d: Path) -> None:
    _replace_line(d / STATS / "minors_received.csv", "0115,Vallentuna,", "0199,Vallentuna,")


def _duplicated_code(d: Path) -> None:
    _replace_line(d / STATS / "minors_received.csv", "0115,Vallentuna,", "0114,Upplands Väsby,")


def _arrival_after_assignment(d: Path) -> None:
    """The register B of 2024 is computed from: its tenth line's child arrives the day after."""
    path = d / "ledger" / "assignments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[9].split(",")
    fields[1] = (date.fromisoformat(fields[3]) + timedelta(days=1)).isoformat()
    lines[9] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _negative(d: Path) -> None:
    path = d / STATS / "minors_received.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    code, name, _ = lines[2].split(",")
    lines[2] = f"{code},{name},-3"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _non_numeric(d: Path) -> None:
    path = d / STATS / "minors_received.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    code, name, _ = lines[4].split(",")
    lines[4] = f"{code},{name},12a"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _unreadable_encoding(d: Path) -> None:
    path = d / STATS / "minors_received.csv"
    path.write_bytes(path.read_bytes()[:200] + bytes(range(0x80, 0xA0)) + b"\n")


def _empty_file(d: Path) -> None:
    (d / STATS / "minors_received.csv").write_bytes(b"")


def _missing_file(d: Path) -> None:
    (d / STATS / "minors_received.csv").unlink()


def _wrong_header(d: Path) -> None:
    _replace_line(d / STATS / "minors_received.csv", "Kommunkod,Kommun,2024",
                  "Kommunkod,Kommun,2023")


CASES = {
    # case: (mutation, expected fragments of the one message: file, line, column, value, rule)
    "missing municipality": (_missing_municipality,
                             ["minors_received.csv", "'Kommunkod'", "0115 Vallentuna",
                              "missing"]),
    "unknown code": (_unknown_code, ["minors_received.csv", "line 3", "'Kommunkod'", "'0199'",
                                     "not a municipality in the register"]),
    "duplicated code": (_duplicated_code, ["minors_received.csv", "line 3", "'Kommunkod'",
                                           "'0114'", "once", "first seen on line 2"]),
    "negative figure": (_negative, ["minors_received.csv", "line 3", "'2024'", "'-3'",
                                    "non-negative"]),
    "register: an arrival after its assignment": (
        _arrival_after_assignment, ["assignments.csv", "line 10", "'arrival_date'",
                                    "on or before its assignment date"]),
    "non-numeric figure": (_non_numeric, ["minors_received.csv", "line 5", "'2024'", "'12a'",
                                          "whole number"]),
    "unreadable encoding": (_unreadable_encoding, ["minors_received.csv", "line",
                                                   "control character U+", "unreadable encoding"]),
    "empty file": (_empty_file, ["minors_received.csv", "empty"]),
    "missing file": (_missing_file, ["minors_received.csv", "missing"]),
    "wrong header": (_wrong_header, ["minors_received.csv", "line 1", "'3'", "'2023'",
                                     "reference year 2024"]),
}


@pytest.fixture(scope="module")
def loaded_warehouse(tmp_path_factory) -> Path:
    """A warehouse after one good ingestion of share year 2026 (made once, copied per test)."""
    root = tmp_path_factory.mktemp("good")
    home = root / "home"
    home.mkdir()
    with environment(DAGSTER_HOME=str(home), ANVISNING_WAREHOUSE=str(root / "good.duckdb")):
        assert main(["run", "--year", "2026", "--data-dir", str(REPO / "data"),
                     "--out-dir", str(root / "out")]) == 0
    return root / "good.duckdb"


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_clearly_and_leaves_the_warehouse_as_it_was(
        case, data_dir, isolated, loaded_warehouse, capsys):
    database = Path(os.environ["ANVISNING_WAREHOUSE"])
    database.parent.mkdir(parents=True)
    shutil.copy(loaded_warehouse, database)
    before = _snapshot(database)
    mutate, fragments = CASES[case]
    mutate(data_dir)

    code = main(["run", "--year", "2026", "--data-dir", str(data_dir),
                 "--out-dir", str(isolated)])

    err = capsys.readouterr().err
    assert code != 0
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    assert "Traceback" not in err
    assert _snapshot(database) == before


def test_console_script_prints_no_traceback(data_dir, isolated):
    _negative(data_dir)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "anvisning"), "run", "--year", "2026",
         "--data-dir", str(data_dir), "--out-dir", str(isolated)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.strip().startswith("error: ") and "'-3'" in done.stderr
