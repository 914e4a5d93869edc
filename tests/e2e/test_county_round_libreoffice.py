"""The county round with a real LibreOffice: `anvisning draft` writes the review workbooks, a
county board fills in Västra Götaland's form (a name, "code name", "hela andelen", a decimal
comma), LibreOffice saves it as .ods, .xls or .xlsx, and `anvisning publish` shows the transfer
in the published CSV; a form with three mistakes saved as .ods stops the publication with three
Swedish messages and a validation report.

Skipped without `soffice` on the PATH. Each LibreOffice call has a profile of its own under
tmp_path, so a desktop LibreOffice running at the same time does not get in the way.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli.main import main
from pipeline.redistribution.agreements import FORM_SHEET
from pipeline.redistribution.forms.spreadsheets import read_spreadsheet

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("soffice") is None,
                                 reason="LibreOffice (soffice) is not installed")]

YEAR = 2026
WORKBOOK = "review_2026_14_vastra-gotalands-lan.xlsx"
REPORT = "granskning_2026_14_vastra-gotalands-lan.xlsx"
HJO, TIBRO, FALKOPING, SKOVDE = "1497", "1472", "1499", "1496"
# What LibreOffice is asked to save: the format's filter name.
FILTERS = {"ods": "ods", "xls": "xls:MS Excel 97", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
SOFFICE_SECONDS = 180


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def anvisning(data: Path, out: Path, *args: str) -> Outcome:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([*args, "--year", str(YEAR), "--data-dir", str(data), "--out-dir", str(out)])
    return Outcome(code, stdout.getvalue(), stderr.getvalue())


def fill(workbook: Path, target: Path, rows: list[list]) -> Path:
    """The form filled in as a county board would, below its header row and the example."""
    book = load_workbook(workbook)
    form = book[FORM_SHEET]
    header = next(r for r in range(1, 21) if form.cell(r, 1).value == "Givande kommun (kod)")
    for offset, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            form.cell(header + offset, column).value = value
    book.save(target)
    return target


def libreoffice_save(source: Path, suffix: str, folder: Path, profile: Path) -> Path:
    """`soffice --headless --convert-to <suffix>`: the file as LibreOffice writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", FILTERS[suffix], "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=SOFFICE_SECONDS, check=False)
    saved = folder / f"{source.stem}.{suffix}"
    assert completed.returncode == 0 and saved.is_file(), completed.stderr
    return saved


def published(out: Path) -> dict[str, dict[str, Decimal]]:
    with (out / str(YEAR) / f"shares_{YEAR}.csv").open(encoding="utf-8-sig") as handle:
        return {row["municipality_code"]: {k: Decimal(v) for k, v in row.items()
                                           if k.endswith("_promille") and v}
                for row in csv.DictReader(handle)}


@pytest.fixture
def drafted(data_dir: Path, isolated: Path) -> tuple[Path, Path]:
    outcome = anvisning(data_dir, isolated, "draft")
    assert outcome.code == 0, outcome.stderr
    assert (isolated / str(YEAR) / "review" / WORKBOOK).is_file()
    return data_dir, isolated


@pytest.mark.parametrize("suffix", ["ods", "xls", "xlsx"])
def test_a_form_saved_by_libreoffice_is_published(drafted, tmp_path: Path, suffix: str) -> None:
    data, out = drafted
    filled = fill(out / str(YEAR) / "review" / WORKBOOK, tmp_path / "Svar från Lst O.xlsx", [
        ["Hjo", f"{FALKOPING} Falköping", "hela andelen", date(2025, 12, 3), "Lst O 851-1-2025"],
        [TIBRO, "falköping", "0,5", "3 december 2025", "Lst O 851-2-2025"],
    ])
    returned = libreoffice_save(filled, suffix, data / "redistributions" / str(YEAR),
                                tmp_path / "profile")

    outcome = anvisning(data, out, "publish")

    assert outcome.code == 0, outcome.stderr
    shares = published(out)
    hjo, tibro, falkoping = shares[HJO], shares[TIBRO], shares[FALKOPING]
    assert (hjo["given_promille"], hjo["share_promille"]) == (hjo["calculated_promille"], 0)
    assert tibro["given_promille"] == Decimal("0.50")
    assert tibro["share_promille"] == tibro["calculated_promille"] - Decimal("0.50")
    assert falkoping["received_promille"] == hjo["calculated_promille"] + Decimal("0.50")
    assert shares[SKOVDE]["share_promille"] == shares[SKOVDE]["calculated_promille"]
    assert sum(row["share_promille"] for row in shares.values()) == 1000
    if suffix == "ods":  # LibreOffice computed the name columns; the reader never reads them
        rows = read_spreadsheet(returned, [FORM_SHEET], max_columns=7).rows(FORM_SHEET)
        assert [rows[r][6] for r in (11, 12)] == ["Hjo", "Tibro"]
        assert [rows[r][7] for r in (11, 12)] == ["Falköping", "Falköping"]


def test_a_form_with_three_mistakes_saved_as_ods_is_refused_with_a_report(
        drafted, tmp_path: Path) -> None:
    data, out = drafted
    filled = fill(out / str(YEAR) / "review" / WORKBOOK, tmp_path / "lst_o.xlsx", [
        ["Falkoping", FALKOPING, "0,5", date(2025, 12, 3), "Lst O 851-1-2025"],
        [TIBRO, FALKOPING, "0,125", date(2025, 12, 3), "Lst O 851-2-2025"],
        [HJO, "0114", "0,5", date(2025, 12, 3), "Lst O 851-3-2025"],
    ])
    libreoffice_save(filled, "ods", data / "redistributions" / str(YEAR), tmp_path / "profile")

    outcome = anvisning(data, out, "publish")

    assert outcome.code == 1, outcome.stdout
    messages = [line for line in outcome.stderr.splitlines() if line.startswith("  - ")]
    assert len(messages) == 3, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert all("lst_o.ods" in m and "blad Omfördelning" in m for m in messages), messages
    assert [re.search(r"rad (\d+)", message).group(1) for message in messages] == [
        "11", "12", "13"]
    assert "Falkoping" in messages[0]
    assert "decimaler" in messages[1]
    assert "olika län" in messages[2]
    report = out / str(YEAR) / "review" / REPORT
    assert report.is_file()
    rows = list(load_workbook(report).active.iter_rows(min_row=6, values_only=True))
    assert [row[0] for row in rows] == ["lst_o.ods"] * 3
    assert not (out / str(YEAR) / f"shares_{YEAR}.csv").exists()
