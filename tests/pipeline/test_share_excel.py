"""The Excel edition holds the published values as numbers, never formulas, grouped by county."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from pipeline.publication.editions.excel import (
    ABOUT_SHEET,
    ANNEX_SHEET,
    HEADER_ROW,
    TABLE_SHEET,
    write_share_workbook,
)
from pipeline.publication.table import ILLUSTRATIVE_MARK, InputFile, PublicationInfo, render_csv
from tests.publication_data import final_shares

# LibreOffice CSV filter: comma, double quote, UTF-8, from line 1, en-US, cells as shown.
CSV_AS_SHOWN = "44,34,76,1,,1033,false,true,true"


def publication_info(*, illustrative: bool = False) -> PublicationInfo:
    return PublicationInfo(
        share_year=2026,
        decision_date=date(2025, 12, 10),
        decimals=2,
        parameter_set="default",
        parameters={"name": "default", "floor_promille": 1.0, "reception_adjustment": 0.5},
        inputs=[
            InputFile("population", "data/statistics/population_2024.csv", "a" * 64, illustrative),
            InputFile("=cmd|' /C calc'!A0", "=evil.csv", "b" * 64, False),
        ],
        run_id="=1+1",
        redistributions=["0117 Österåker ger 0,50 ‰ till 0120 Värmdö (Lst AB 851-1-2025)"],
    )


@pytest.fixture(scope="module")
def final() -> pl.DataFrame:
    return final_shares()


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory, final) -> Path:
    path = tmp_path_factory.mktemp("excel") / "shares_2026.xlsx"
    write_share_workbook(path, final, publication_info())
    return path


@pytest.fixture(scope="module")
def workbook(workbook_path):
    return load_workbook(workbook_path)


def table_rows(workbook) -> list[tuple]:
    sheet = workbook[TABLE_SHEET]
    return list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def csv_rows(final: pl.DataFrame) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(final, 2).decode("utf-8"))))


def test_every_municipality_row_equals_the_csv(workbook, final):
    rows = [row for row in table_rows(workbook) if str(row[0]).isdigit() and len(row[0]) == 4]
    expected = csv_rows(final)
    assert len(rows) == 290
    by_code = {row[0]: row for row in rows}
    for line in expected:
        row = by_code[line["municipality_code"]]
        assert row[1] == line["municipality_name"]
        assert [f"{value:.2f}" for value in row[2:6]] == [
            line["calculated_promille"], line["given_promille"],
            line["received_promille"], line["share_promille"],
        ]


def test_counties_have_a_heading_and_a_subtotal_equal_to_their_sum(workbook, final):
    rows = table_rows(workbook)
    register = final.unique("county_code").sort("county_code")
    headings = [row[0] for row in rows if row[0] and " " in str(row[0]) and row[2] is None]
    assert headings == [f"{c} {n}" for c, n in register.select("county_code", "county_name").rows()]
    current: list[tuple] = []
    subtotals = 0
    for row in rows:
        if str(row[0]).startswith("Summa "):
            for column in range(2, 6):
                assert row[column] == pytest.approx(sum(r[column] for r in current), abs=1e-9)
            current, subtotals = [], subtotals + 1
        elif str(row[0]).isdigit():
            current.append(row)
    assert subtotals == 21
    national = rows[-1]
    assert national[0] == "Riket"
    assert national[5] == pytest.approx(1000.0)
    assert national[3] == national[4] == pytest.approx(0.5)


def test_title_validity_and_swedish_headers(workbook):
    sheet = workbook[TABLE_SHEET]
    assert sheet["A1"].value == "Andelstal 2026 för anvisning av ensamkommande barn"
    assert sheet["A2"].value == "Gäller från 1 januari 2026"
    assert sheet["A3"].value.startswith("Version 1, publicerad ")
    assert sheet["A5"].value == "Beslutsdatum 10 december 2025"
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header[:6] == ["Kommunkod", "Kommun", "Beräknat andelstal ‰", "Lämnat ‰",
                          "Mottaget ‰", "Andelstal 2026 ‰"]


def test_no_cell_is_a_formula_even_when_text_starts_with_equals(tmp_path, final):
    hostile = final.with_columns(
        municipality_name=pl.when(pl.col("municipality_code") == "0114")
        .then(pl.lit("=SUM(A1:A9)"))
        .otherwise(pl.col("municipality_name"))
    )
    path = tmp_path / "hostile.xlsx"
    write_share_workbook(path, hostile, publication_info())
    book = load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert {"=SUM(A1:A9)", "=cmd|' /C calc'!A0", "=1+1"} <= texts


def test_numbers_are_numbers_with_two_decimals(workbook):
    sheet = workbook[TABLE_SHEET]
    numeric = [
        cell for row in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=3, max_col=6)
        for cell in row if cell.value is not None
    ]
    assert len(numeric) == 4 * (290 + 21 + 1)
    assert all(cell.data_type == "n" for cell in numeric)
    # two decimals, with the Swedish locale tag so the reader sees a decimal comma
    assert {cell.number_format for cell in numeric} == {"[$-41D]#,##0.00"}


def test_header_is_frozen_and_printing_is_a4_portrait_fit_to_width(workbook):
    sheet = workbook[TABLE_SHEET]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.column_dimensions["B"].width >= 20


def test_about_sheet_states_decision_model_and_parameters_in_swedish(workbook):
    rows = list(workbook[ABOUT_SHEET].iter_rows(values_only=True))
    pairs = {row[0]: row[1] for row in rows if row[0]}
    assert pairs["Beslutsdatum"] == "10 december 2025"
    assert pairs["Gäller från"] == "1 januari 2026"
    assert pairs["Version"].startswith("Version 1, publicerad ")
    assert pairs["Diarienummer"] == "[diarienummer saknas]"
    assert pairs["Parameteruppsättning"] == "default"
    assert pairs["Lägsta andel, ‰"] == "1,00"
    assert pairs["Mottagandejustering α"] == "0,5"
    assert pairs["Omfördelningar"].startswith("0117 Österåker ger 0,50 ‰")
    assert "α = 0,5" in " ".join(str(row[1]) for row in rows if row[1])
    texts = " ".join(str(value) for row in rows for value in row if value is not None)
    assert "a" * 64 not in texts and "=1+1" not in texts  # hashes and run id: the annex


def test_the_annex_sheet_holds_run_id_and_hashes_in_swedish_without_paths(workbook):
    rows = list(workbook[ANNEX_SHEET].iter_rows(values_only=True))
    assert ("Körnings-id", "=1+1") in [row[:2] for row in rows]
    assert ("Folkmängd", "a" * 64, "officiella uppgifter") in [row[:3] for row in rows]
    texts = {str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(
        values_only=True) for cell in row if cell is not None}
    assert not [text for text in texts if "data/" in text or text.endswith(".csv")]


def test_illustrative_data_carries_a_red_banner(tmp_path, final, workbook):
    path = tmp_path / "illustrative.xlsx"
    write_share_workbook(path, final, publication_info(illustrative=True))
    sheet = load_workbook(path)[TABLE_SHEET]
    banner = [cell for row in sheet.iter_rows(max_row=HEADER_ROW) for cell in row
              if cell.value == ILLUSTRATIVE_MARK]
    assert banner and banner[0].fill.fgColor.rgb.endswith("C00000")
    assert sheet.oddHeader.right.text == ILLUSTRATIVE_MARK
    official = [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows()
                for cell in row if cell.value == ILLUSTRATIVE_MARK]
    assert official == []


def test_the_same_input_gives_the_same_bytes(tmp_path, final, workbook_path):
    again = tmp_path / "again.xlsx"
    write_share_workbook(again, final, publication_info())
    assert again.read_bytes() == workbook_path.read_bytes()
    properties = load_workbook(again).properties
    assert properties.created.date() == properties.modified.date() == date(2025, 12, 10)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_reads_the_same_values(tmp_path, workbook_path, final):
    profile = tmp_path / "profile"
    command = [
        "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
        "--convert-to", f"csv:Text - txt - csv (StarCalc):{CSV_AS_SHOWN}",
        "--outdir", str(tmp_path), str(workbook_path),
    ]
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(command, check=True, capture_output=True, timeout=180, env=env)
    text = (tmp_path / "shares_2026.csv").read_text(encoding="utf-8")
    converted = {row[0]: row for row in csv.reader(io.StringIO(text)) if row and len(row[0]) == 4
                 and row[0].isdigit()}
    assert len(converted) == 290
    for line in csv_rows(final):
        row = converted[line["municipality_code"]]
        assert row[1] == line["municipality_name"]
        # shown as a Swedish reader sees it: the same values with a decimal comma
        assert row[2:6] == [line[c].replace(".", ",") for c in (
            "calculated_promille", "given_promille", "received_promille", "share_promille")]


def test_the_parameter_table_starts_a_printed_page_of_the_about_sheet(workbook):
    sheet = workbook[ABOUT_SHEET]
    header = next(row for row in range(1, sheet.max_row + 1)
                  if sheet.cell(row, 1).value == "Parameter")
    assert [brk.id for brk in sheet.row_breaks.brk] == [header - 1]
