"""Reading the form from every spreadsheet format, classifying the files of a form folder, and
the safety limits (size, rows, a stray far-away cell)."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from pipeline.core.errors import InputError
from pipeline.redistribution.agreements import FORM_SHEET, INFO_SHEET
from pipeline.redistribution.forms.spreadsheets import (
    classify_folder,
    read_county_form,
    read_county_forms,
    read_spreadsheet,
)
from pipeline.redistribution.forms.validation import validate_county_forms
from pipeline.redistribution.forms.values import shown
from pipeline.redistribution.review_form import FIRST_FORM_ROW, FORM_HEADER_ROW
from tests.redistribution_forms.form_data import DECIMALS, FILLED_ROWS, YEAR, filled_review_workbook

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")


def test_reads_the_filled_form_with_values_as_typed(tmp_path, draft) -> None:
    form = read_county_form(filled_review_workbook(tmp_path, draft, FILLED_ROWS))
    assert (form.share_year, form.county_code, form.county_name) == (
        YEAR, "14", "Västra Götalands län")
    assert form.header_row == FORM_HEADER_ROW == 9
    assert [row.row for row in form.rows] == [11, 12, 13, 14]  # row 10 is the example
    first = form.rows[0]
    assert first.values == ("1499", "1496", 0.5, date(2025, 12, 5), "Lst 851-1-2025")
    assert form.rows[1].values[0] == 1401
    assert first.cell(2).column_letter == "C" and first.cell(2).row == 11


def test_blank_rows_and_rows_of_spaces_are_not_agreements(tmp_path, draft) -> None:
    rows = [FILLED_ROWS[0], [None] * 5, ["  ", "", None, " ", None], FILLED_ROWS[1]]
    form = read_county_form(filled_review_workbook(tmp_path, draft, rows))
    assert [row.row for row in form.rows] == [11, 14]


# --- the same form in four formats, made by a real LibreOffice ---------------------------------

def convert(source: Path, target: str, out_dir: Path) -> Path:
    """`soffice --headless --convert-to <target>`, with a private profile."""
    profile = out_dir / "profile"
    command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", target, "--outdir", str(out_dir), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(out_dir)})
    path = out_dir / f"{source.stem}.{target.split(':')[0]}"
    assert path.is_file()
    return path


@pytest.fixture(scope="module")
def four_formats(tmp_path_factory, draft) -> dict[str, Path]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) not installed")
    folder = tmp_path_factory.mktemp("formats")
    xlsx = filled_review_workbook(folder, draft, FILLED_ROWS)
    out = folder / "converted"
    return {"xlsx": xlsx, "ods": convert(xlsx, "ods", out), "xls": convert(xlsx, "xls", out),
            "xlsm": convert(xlsx, "xlsm:Calc MS Excel 2007 VBA XML", out)}


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("suffix", ["ods", "xls", "xlsm"])
def test_the_same_form_reads_the_same_in_every_format(four_formats, suffix, register,
                                                      calculated) -> None:
    original = read_county_form(four_formats["xlsx"])
    converted = read_county_form(four_formats[suffix])
    assert (converted.share_year, converted.county_code, converted.county_name) == (
        original.share_year, original.county_code, original.county_name)
    assert [(r.row, [shown(v) for v in r.values]) for r in converted.rows] == [
        (r.row, [shown(v) for v in r.values]) for r in original.rows]
    assert isinstance(converted.rows[0].values[3], date)  # a date cell stays a date

    def agreements(form):
        result = validate_county_forms([form], share_year=YEAR, register=register,
                                       calculated_units=calculated, decimals=DECIMALS)
        assert result.problems == []
        return [(a.giver_code, a.receiver_code, a.amount_units, a.approved_on, a.reference)
                for a in result.agreements]

    assert agreements(converted) == agreements(original) == [
        ("1499", "1496", 50, date(2025, 12, 5), "Lst 851-1-2025"),
        ("1401", "1402", 25, date(2025, 12, 5), "Lst 851-2-2025"),
        ("1497", "1496", None, date(2025, 12, 5), "Lst 851-3-2025"),
        ("1472", "1496", 150, date(2025, 12, 5), "8512025"),
    ]


def test_an_xlsm_with_macros_is_read_and_its_macros_never_run(tmp_path, draft) -> None:
    """calamine reads values only; a vbaProject.bin in the file is not even opened."""
    xlsx = filled_review_workbook(tmp_path, draft, FILLED_ROWS)
    xlsm = tmp_path / "form.xlsm"
    shutil.copy(xlsx, xlsm)
    with zipfile.ZipFile(xlsm, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real macro project")
    assert len(read_county_form(xlsm).rows) == 4


# --- the files of a folder ----------------------------------------------------------------------

def test_every_file_in_the_folder_is_read_or_named_in_a_notice(tmp_path, draft) -> None:
    folder = tmp_path / "2026"
    filled_review_workbook(folder, draft, FILLED_ROWS, name="vastra_gotaland.xlsx")
    for name in ["b.xlsm", "c.ods", "d.xls", "E.XLSX"]:
        (folder / name).write_bytes(b"")
    for name in ["beslut.pdf", "brev.docx", "~$vastra_gotaland.xlsx", ".hidden.xlsx",
                 "2026.csv", ".~lock.c.ods#", "anteckning.txt", "utan_filändelse"]:
        (folder / name).write_bytes(b"x")
    (folder / "gamla").mkdir()
    contents = classify_folder(folder)
    assert [p.name for p in contents.spreadsheets] == [
        "E.XLSX", "b.xlsm", "c.ods", "d.xls", "vastra_gotaland.xlsx"]
    noticed = {n.file: n.message for n in contents.notices}
    assert set(noticed) == {"beslut.pdf", "brev.docx", "~$vastra_gotaland.xlsx", ".hidden.xlsx",
                            "2026.csv", ".~lock.c.ods#", "anteckning.txt", "utan_filändelse",
                            "gamla"}
    for name, message in noticed.items():
        assert message.startswith(name)
    assert "låsfil" in noticed["~$vastra_gotaland.xlsx"]
    assert "dold fil" in noticed[".hidden.xlsx"]
    assert "inte ett kalkylark" in noticed["beslut.pdf"]
    assert "not a spreadsheet" in noticed["beslut.pdf"]


def test_unreadable_spreadsheets_are_errors_naming_the_file(tmp_path, draft) -> None:
    folder = tmp_path / "2026"
    filled_review_workbook(folder, draft, FILLED_ROWS, name="good.xlsx")
    (folder / "text.xlsx").write_text("not a workbook", encoding="utf-8")
    (folder / "html.xls").write_text("<html><table></table></html>", encoding="utf-8")
    (folder / "broken.ods").write_bytes(b"PK\x03\x04 broken")
    (folder / "locked.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512)
    plain = Workbook()
    plain.active.title = "Blad1"
    plain.save(folder / "no_form.xlsx")
    read = read_county_forms(folder)
    assert [form.path.name for form in read.forms] == ["good.xlsx"]
    problems = {p.file: p.message for p in read.problems}
    assert set(problems) == {"text.xlsx", "html.xls", "broken.ods", "no_form.xlsx",
                             "locked.xlsx"}
    assert "lösenordsskyddat" in problems["locked.xlsx"]
    assert "inte ett läsbart .xlsx" in problems["text.xlsx"]
    assert "Excel 97" in problems["html.xls"]
    assert "Info" in problems["no_form.xlsx"]


def test_a_stray_cell_far_away_is_an_error_not_a_crash(tmp_path) -> None:
    workbook = Workbook()
    workbook.active.title = FORM_SHEET
    workbook.active["A1"] = "x"
    workbook.active["XFD1048576"] = "y"
    path = tmp_path / "far.xlsx"
    workbook.save(path)
    with pytest.raises(InputError, match="för många celler"):
        read_spreadsheet(path, [FORM_SHEET])


def test_too_many_rows_is_an_error(tmp_path) -> None:
    workbook = Workbook()
    workbook.active.title = FORM_SHEET
    workbook.active["A51"] = "x"
    path = tmp_path / "rows.xlsx"
    workbook.save(path)
    assert read_spreadsheet(path, [FORM_SHEET], max_rows=51).cells[FORM_SHEET][0].row == 51
    with pytest.raises(InputError, match="fler än 50 rader") as caught:
        read_spreadsheet(path, [FORM_SHEET], max_rows=50)
    assert caught.value.sheet == FORM_SHEET


def test_a_file_above_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch) -> None:
    import pipeline.redistribution.forms.spreadsheets as spreadsheets

    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK" + b"\0" * 2000)
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputError, match="större än"):
        read_spreadsheet(path, [FORM_SHEET])


def test_the_info_sheet_names_the_county_board(tmp_path, draft) -> None:
    path = filled_review_workbook(tmp_path, draft, FILLED_ROWS)
    workbook = load_workbook(path)
    del workbook[INFO_SHEET]
    workbook.save(path)
    with pytest.raises(InputError, match="Info"):
        read_county_form(path)


def test_a_serial_number_is_a_date_only_in_a_date_formatted_cell(tmp_path, draft) -> None:
    """The form's date column is date-formatted: 45996 typed there is 5 December 2025. The same
    number in a cell formatted as General stays a number, which parse_date refuses."""
    from pipeline.redistribution.forms.values import Refused, parse_date

    path = filled_review_workbook(tmp_path, draft, [row[:3] + [45996] + row[4:]
                                                    for row in FILLED_ROWS[:2]])
    workbook = load_workbook(path)
    workbook[FORM_SHEET][f"D{FIRST_FORM_ROW + 1}"].number_format = "General"
    workbook.save(path)
    form = read_county_form(path)
    assert form.rows[0].values[3] == date(2025, 12, 5)
    assert form.rows[1].values[3] == 45996
    assert parse_date(form.rows[0].values[3]) == date(2025, 12, 5)
    assert isinstance(parse_date(form.rows[1].values[3]), Refused)
