"""Workbooks that print: every sheet of the share and fulfilment workbooks on A4, fit to width,
header rows repeated and wrapped, one named sans-serif font; LibreOffice renders them to a
bounded number of pages."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pipeline.core.excel_formats import FONT_NAME
from pipeline.goals.fulfilment import fulfilment_table
from pipeline.goals.report import MEANING, write_fulfilment_workbook
from pipeline.publication.editions.excel import write_share_workbook
from pipeline.publication.table import InputFile, PublicationInfo
from tests.publication_data import final_shares

PARAMETERS = {"name": "standard", "weight_newcomers": 1.0, "weight_minors": 1.0,
              "weight_asylum_days": 1.0, "weight_arrival_days": 1.0,
              "reception_adjustment": 0.5, "floor_promille": 1.0, "decimals": 2,
              "reference_year_offset": 2}


def info() -> PublicationInfo:
    return PublicationInfo(
        share_year=2026, decision_date=date(2025, 12, 10), decimals=2, parameter_set="standard",
        parameters=PARAMETERS,
        inputs=[InputFile(name, f"data/statistics/2024/{name}.csv", "c" * 64, name != "population",
                          f"Illustrativa uppgifter: {name}")
                for name in ("population", "newcomers_settled", "minors_received",
                             "asylum_housing_days", "minor_arrival_housing_days")],
        run_id="3f1c2d9e-0000-4000-8000-000000000000",
        redistributions=[f"0117 Österåker ger 0,{n}0 ‰ till 0120 Värmdö (Lst AB 851-{n}-2025)"
                         for n in range(1, 6)],
        planning_children=500, ledger_as_of=date(2025, 12, 31), published_on=date(2025, 12, 12),
    )


@pytest.fixture(scope="module")
def share_workbook(tmp_path_factory) -> Path:
    final = final_shares().with_columns(
        previous_units=pl.col("share_units"), change_units=pl.lit(0, pl.Int64),
        expected_children=pl.lit(2, pl.Int64))
    path = tmp_path_factory.mktemp("print") / "shares_2026.xlsx"
    write_share_workbook(path, final, info())
    return path


@pytest.fixture(scope="module")
def fulfilment_workbook(tmp_path_factory) -> Path:
    final = final_shares()
    ledger = pl.DataFrame(
        {"assignment_id": ["A0000001", "A0000002"], "date": [date(2016, 1, 1)] * 2,
         "municipality_code": ["0114", "2584"], "kind": ["equalising"] * 2})
    table = fulfilment_table(ledger, final, date(2026, 6, 30))
    counties = dict(zip(final["county_code"], final["county_name"], strict=False))
    path = tmp_path_factory.mktemp("print") / "fulfilment_2026-06-30.xlsx"
    write_fulfilment_workbook(path, table, date(2026, 6, 30), 2, True, counties)
    return path


@pytest.mark.parametrize("workbook", ["share_workbook", "fulfilment_workbook"])
def test_every_sheet_prints_on_a4_fit_to_width_in_the_house_font(request, workbook):
    book = load_workbook(request.getfixturevalue(workbook))
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert "Sida &P av &N" in sheet.oddFooter.right.text
        fonts = {(cell.font.name, cell.font.sz is not None) for row in sheet.iter_rows()
                 for cell in row if cell.value is not None}
        assert fonts == {(FONT_NAME, True)}, (sheet.title, fonts)
    table = book.worksheets[0]
    assert table.print_title_rows
    header_row = int(table.print_title_rows.split(":")[0].strip("$"))
    assert all(cell.alignment.wrap_text for cell in table[header_row] if cell.value)


def test_the_fulfilment_workbook_names_counties_totals_and_explains_its_terms(
        fulfilment_workbook):
    rows = list(load_workbook(fulfilment_workbook).active.iter_rows(values_only=True))
    first_column = [row[0] for row in rows]
    assert "01 Stockholms län" in first_column and "25 Norrbottens län" in first_column
    assert all(line in first_column for line in MEANING)
    national = rows[-1]
    assert national[0] == "Riket"
    assert national[3] == pytest.approx(1000.0) and national[4] == 2


def rendered_pages(tmp_path: Path, workbook: Path) -> int:
    profile = tmp_path / "profile"
    command = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook)]
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(command, check=True, capture_output=True, timeout=240, env=env)
    return len(PdfReader(tmp_path / workbook.with_suffix(".pdf").name).pages)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_prints_the_share_workbook_on_a_bounded_number_of_pages(tmp_path,
                                                                            share_workbook):
    # Andelstal: ~7 A4 pages for 290 municipalities; Om tabellen 1-2; Teknisk bilaga 1.
    assert 8 <= rendered_pages(tmp_path, share_workbook) <= 12


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_prints_the_fulfilment_workbook_on_at_most_8_pages(tmp_path,
                                                                       fulfilment_workbook):
    assert rendered_pages(tmp_path, fulfilment_workbook) <= 8
