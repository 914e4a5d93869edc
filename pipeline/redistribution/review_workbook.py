"""The county board's review workbook (granskningsunderlag): one .xlsx per county (län).

Sheet "Utkast" shows the county's draft shares with the inputs that explain them; sheet
"Omfördelning" is the form the county board fills in with the agreed redistributions, read back by
`forms.spreadsheets.read_county_form`. A workbook holds only its own county's data.

Numbers are written as numbers with Swedish-locale formats (`pipeline.core.excel_formats`), so Excel
on a Swedish system and LibreOffice anywhere show a decimal comma. Totals are written as values,
not formulas.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import number_format
from pipeline.core.files import write_atomically_with
from pipeline.core.layout import Layout
from pipeline.ingestion.registry import STATISTICS
from pipeline.redistribution.agreements import FORM_HEADERS, FORM_SHEET, INFO_SHEET

DRAFT_SHEET = "Utkast"
CODES_SHEET = "Kommuner"
ILLUSTRATIVE_NOTE = "ILLUSTRATIVA UPPGIFTER – påhittade indata, inte verklig statistik"
HEADER_ROW = 5
FORM_HEADER_ROW = 4
FORM_ROWS = 50

COUNT = number_format(0, grouped=True)
UNROUNDED = number_format(4)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WARNING = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")

# (heading, draft column) of the explanation columns, in sheet order: the registry's statistics.
COUNT_COLUMNS = [(statistic.swedish, statistic.name) for statistic in STATISTICS]
SHARE_COLUMNS = [
    ("Befolkningsandel ‰", "population_share"),
    ("Mottagandeandel ‰", "reception_share"),
    ("Justerad andel ‰", "adjusted_share"),
]


def write_review_workbooks(
    layout: Layout,
    share_year: int,
    draft: pl.DataFrame,
    previous: pl.DataFrame | None,
    decimals: int,
    illustrative: bool,
    parameter_set: str,
) -> list[Path]:
    """Write every county's review workbook (named by the layout); return the paths."""
    paths = []
    for county_code in sorted(draft["county_code"].unique()):
        path = layout.review_workbook(share_year, county_code)
        write_review_workbook(path, share_year, county_code, draft, previous, decimals,
                              illustrative, parameter_set)
        paths.append(path)
    return paths


def write_review_workbook(
    path: Path,
    share_year: int,
    county_code: str,
    draft: pl.DataFrame,
    previous: pl.DataFrame | None,
    decimals: int,
    illustrative: bool,
    parameter_set: str,
) -> None:
    """Write one county's review workbook; the file appears whole or not at all."""
    county = _county_rows(draft, previous, county_code)
    county_name = county["county_name"][0]
    workbook = Workbook()
    _draft_sheet(workbook.active, county, share_year, _compared_year(previous, share_year),
                 county_name, decimals, illustrative, parameter_set)
    _codes_sheet(workbook.create_sheet(CODES_SHEET), county)
    _form_sheet(workbook.create_sheet(FORM_SHEET), county, share_year, county_name, decimals,
                illustrative)
    _info_sheet(workbook.create_sheet(INFO_SHEET), share_year, county_code, county_name,
                decimals, illustrative, parameter_set)
    write_atomically_with(path, workbook.save)


def _county_rows(draft: pl.DataFrame, previous: pl.DataFrame | None,
                 county_code: str) -> pl.DataFrame:
    county = draft.filter(pl.col("county_code") == county_code).sort("municipality_code")
    if county.is_empty():
        raise ValueError(f"the draft has no municipality in county {county_code!r}")
    if previous is None:
        return county.with_columns(previous_units=pl.lit(None, dtype=pl.Int64))
    last_year = previous.select("municipality_code",
                                pl.col("share_units").cast(pl.Int64).alias("previous_units"))
    return county.join(last_year, on="municipality_code", how="left")


def _compared_year(previous: pl.DataFrame | None, share_year: int) -> int:
    """The share year the draft is compared with: the previous table's own year when it has one
    (the latest earlier year in the warehouse need not be the year before)."""
    if previous is not None and "share_year" in previous.columns and previous.height:
        return int(previous["share_year"][0])
    return share_year - 1


def _draft_sheet(sheet: Worksheet, county: pl.DataFrame, share_year: int, compared_year: int,
                 county_name: str, decimals: int, illustrative: bool,
                 parameter_set: str) -> None:
    sheet.title = DRAFT_SHEET
    share = number_format(decimals)
    change = number_format(decimals, signed=True)
    headings = (
        ["Kommunkod", "Kommun"] + [h for h, _ in COUNT_COLUMNS] + [h for h, _ in SHARE_COLUMNS]
        + ["Golv", "Utkast andel ‰", f"Andel {compared_year} ‰", "Förändring ‰"]
    )
    _text(sheet.cell(1, 1), f"Utkast till andelstal {share_year} för anvisning av "
                            f"ensamkommande barn – {county_name}").font = TITLE
    _text(sheet.cell(2, 1), f"Andelar i promille (‰) med {decimals} decimaler. "
                            f"Parameteruppsättning: {parameter_set}. "
                            f"Förändring = utkast {share_year} − andel {compared_year}.")
    if illustrative:
        _text(sheet.cell(3, 1), ILLUSTRATIVE_NOTE).font = WARNING
    _header(sheet, HEADER_ROW, headings)

    row = HEADER_ROW
    for row, record in enumerate(county.iter_rows(named=True), start=HEADER_ROW + 1):
        previous = record["previous_units"]
        cells = (
            [record["municipality_code"], record["municipality_name"]]
            + [(record[c], COUNT) for _, c in COUNT_COLUMNS]
            + [(record[c], UNROUNDED) for _, c in SHARE_COLUMNS]
            + ["Ja" if record["at_floor"] else "Nej",
               (_promille(record["share_units"], decimals), share),
               (_promille(previous, decimals), share),
               (_promille(_change(record["share_units"], previous), decimals),
                change)]
        )
        _write_row(sheet, row, cells)

    # Last year's total and the change cover only municipalities that had a share last year.
    compared = county.filter(pl.col("previous_units").is_not_null())
    previous_total = compared["previous_units"].sum() if len(compared) else None
    total = (
        ["Summa", county_name]
        + [(county[c].sum(), COUNT) for _, c in COUNT_COLUMNS]
        + [(county[c].sum(), UNROUNDED) for _, c in SHARE_COLUMNS]
        + [None,
           (_promille(county["share_units"].sum(), decimals), share),
           (_promille(previous_total, decimals), share),
           (_promille(_change(compared["share_units"].sum(), previous_total), decimals),
            change)]
    )
    _write_row(sheet, row + 1, total)
    for cell in sheet[row + 1]:
        cell.font = BOLD
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    _widths(sheet, [11, 22] + [14] * (len(headings) - 2))
    _landscape(sheet)


def _codes_sheet(sheet: Worksheet, county: pl.DataFrame) -> None:
    """The drop-down source: this county's municipalities only, hidden and protected."""
    _header(sheet, 1, ["Kommunkod", "Kommun"])
    for row, (code, name) in enumerate(
            county.select("municipality_code", "municipality_name").iter_rows(), start=2):
        _write_row(sheet, row, [code, name])
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _form_sheet(sheet: Worksheet, county: pl.DataFrame, share_year: int, county_name: str,
                decimals: int, illustrative: bool) -> None:
    first, last = FORM_HEADER_ROW + 1, FORM_HEADER_ROW + FORM_ROWS
    _text(sheet.cell(1, 1), f"Omfördelning av andelstal {share_year} – {county_name}").font = TITLE
    _text(sheet.cell(2, 1), (
        f"En rad per överenskommelse. Andel i promille med högst {decimals} decimaler, eller "
        f"\"all\" för hela den beräknade andelen. Beslutsdatum under {share_year - 1}. "
        f"Båda kommunerna ska ligga i {county_name}; en kommun kan inte både ge och ta emot."))
    if illustrative:
        _text(sheet.cell(3, 1), ILLUSTRATIVE_NOTE).font = WARNING
    _header(sheet, FORM_HEADER_ROW, FORM_HEADERS)
    formats = ["@", "@", "@", "yyyy-mm-dd", "@"]
    for row in range(first, last + 1):
        for column, text_format in enumerate(formats, start=1):
            sheet.cell(row, column).number_format = text_format

    codes = DataValidation(
        type="list", formula1=f"{CODES_SHEET}!$A$2:$A${len(county) + 1}", allow_blank=True,
        showErrorMessage=True, errorTitle="Okänd kommunkod",
        error=f"Välj en kommunkod i {county_name} ur listan.")
    codes.add(f"A{first}:B{last}")
    year_before = share_year - 1
    approved = DataValidation(
        type="date", operator="between", allow_blank=True, showErrorMessage=True,
        formula1=f"DATE({year_before},1,1)", formula2=f"DATE({year_before},12,31)",
        errorTitle="Fel beslutsdatum", error=f"Beslutsdatum ska ligga under {year_before}.")
    approved.add(f"D{first}:D{last}")
    sheet.add_data_validation(codes)
    sheet.add_data_validation(approved)
    sheet.freeze_panes = sheet.cell(first, 1)
    _widths(sheet, [22, 24, 22, 26, 28])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(FORM_HEADERS))
    sheet.cell(2, 1).alignment = HEADER_ALIGNMENT
    sheet.row_dimensions[2].height = 45
    _landscape(sheet)


def _info_sheet(sheet: Worksheet, share_year: int, county_code: str, county_name: str,
                decimals: int, illustrative: bool, parameter_set: str) -> None:
    """What the reader needs to interpret the form; hidden and protected."""
    facts = [("share_year", share_year), ("county_code", county_code),
             ("county_name", county_name), ("decimals", decimals),
             ("illustrative", illustrative), ("parameter_set", parameter_set)]
    for row, fact in enumerate(facts, start=1):
        _write_row(sheet, row, list(fact))
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _header(sheet: Worksheet, row: int, headings: list[str]) -> None:
    _write_row(sheet, row, headings)
    for cell in sheet[row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
    sheet.row_dimensions[row].height = 45


def _write_row(sheet: Worksheet, row: int, cells: list) -> None:
    """Write values left to right; a (value, number_format) pair formats a number."""
    for column, item in enumerate(cells, start=1):
        value, number_format = item if isinstance(item, tuple) else (item, None)
        cell = sheet.cell(row, column)
        if isinstance(value, str):
            _text(cell, value)
        else:
            cell.value = value
            if number_format is not None:
                cell.number_format = number_format


def _text(cell: Cell, value: str) -> Cell:
    """Text stays text: openpyxl would store a string beginning with '=' as a formula."""
    cell.value = value
    if cell.data_type != "s":
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _promille(units: int | None, decimals: int) -> float | None:
    """The nearest float to the exact decimal; its shortest repr, which the file holds, is it."""
    return None if units is None else int(units) / 10**decimals


def _change(units: int, previous: int | None) -> int | None:
    return None if previous is None else units - previous


def _landscape(sheet: Worksheet) -> None:
    """Print on landscape pages, all columns on one page wide."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
