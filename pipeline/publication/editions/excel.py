"""The Excel edition of the final shares (andelstal): sheets "Andelstal", "Om tabellen" and
"Teknisk bilaga".

A reissue lists its changes above the table and marks each changed row with a yellow fill and,
in the last column "Ändrad från version", the number of the version it changed from (filterable).
"Om tabellen" explains the table before the model: what 1 ‰ means, a worked example and why the
expected children are not share × the planning figure (`pipeline.publication.guide`).

Numbers are stored as numbers (not formulas) with a fixed decimal format, so a Swedish-locale
spreadsheet shows a decimal comma; subtotals are written as values, so the file shows the published
figures whatever program opens it. Every text is stored as text, never as a formula, even when it
starts with '='. Every sheet prints on A4 fit to width with its header rows repeated, in Arial.
The workbook's timestamps derive from the decision date and the zip entries carry a fixed date, so
the same input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import (
    RED,
    fit_height,
    font,
    header_cell,
    house_workbook,
    lines_needed,
    number_format,
    print_setup,
    reproducible_bytes,
    style,
)
from pipeline.presentation.columns import SHARE_TABLE_NOTE
from pipeline.presentation.explanation import parameter_rows, public_sentences
from pipeline.presentation.formats import long_date
from pipeline.presentation.terms import NATIONAL, TOTAL
from pipeline.publication.guide import reading_guide
from pipeline.publication.table import (
    ILLUSTRATIVE_MARK,
    UNIT_COLUMNS,
    PublicationInfo,
    county_sections,
    national_totals,
    publication_title,
    valid_from_text,
    with_context,
)
from pipeline.publication.texts import (
    change_lines,
    changes_heading,
    replaces_line,
    statistic_name,
    table_headers,
    version_line,
)

TABLE_SHEET = "Andelstal"
ABOUT_SHEET = "Om tabellen"
ANNEX_SHEET = "Teknisk bilaga"
# Rows 1-7 state the table (title, validity, version, reissue, decision, issuer, the illustrative
# banner); the column headings are on row 8, or, in a reissue, below the list of changes.
VERSION_ROW, REPLACES_ROW, DECISION_ROW, ISSUER_ROW, BANNER_ROW = 3, 4, 5, 6, 7
HEADER_ROW = 8
COLUMN_WIDTHS = (12, 22, 11, 10, 10, 11, 11, 11, 11, 11)
ABOUT_WIDTHS = {"A": 32, "B": 88}
ANNEX_WIDTHS = {"A": 34, "B": 68, "C": 22}
MARKED = "med gul bakgrund och i kolumnen Ändrad från version"

_COUNTY_FILL = PatternFill("solid", fgColor="E7E6E6")
_CHANGED_FILL = PatternFill("solid", fgColor="FFF2B3")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin")
_TOTAL_BORDER = Border(top=_THIN)
_NATIONAL_BORDER = Border(top=Side(style="medium"), bottom=Side(style="medium"))
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_share_workbook(path: Path, final: pl.DataFrame, info: PublicationInfo) -> None:
    """Write the final shares of `info.share_year` as an .xlsx workbook to `path`."""
    workbook = house_workbook()
    table = workbook.active
    table.title = TABLE_SHEET
    _write_table(table, with_context(final), info)
    _write_about(workbook.create_sheet(ABOUT_SHEET), final, info)
    _write_annex(workbook.create_sheet(ANNEX_SHEET), info)
    _set_properties(workbook, info)
    Path(path).write_bytes(reproducible_bytes(workbook, info.decision_date))


def _put(sheet: Worksheet, row: int, column: int, value: object, *, bold: bool = False,
         size: float | None = None, fmt: str | None = None) -> Cell:
    """Write one cell in the house font (and number format `fmt`); text stays text even when
    it looks like a formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return style(cell, font(bold=bold, size=size) if size else font(bold=bold), fmt)


def _context_shown(final: pl.DataFrame) -> tuple[bool, bool]:
    """Whether the previous year's share and the expected children are known for any row."""
    return (final["previous_units"].null_count() < final.height,
            final["expected_children"].null_count() < final.height)


def header_row(info: PublicationInfo) -> int:
    """The row of the column headings: 8, or in a reissue below the heading and the lines of
    its changes and a blank row."""
    changes = change_lines(info, MARKED)
    return HEADER_ROW + (len(changes) + 2 if changes else 0)


def _write_table(sheet: Worksheet, final: pl.DataFrame, info: PublicationInfo) -> None:
    has_previous, has_expected = _context_shown(final)
    reissue = info.replaces is not None
    headers = table_headers(info, has_previous, has_expected, has_changes=reissue)
    first = header_row(info)
    _put(sheet, 1, 1, publication_title(info.share_year), bold=True, size=14)
    _put(sheet, 2, 1, valid_from_text(info.share_year), bold=True, size=12)
    _put(sheet, VERSION_ROW, 1, version_line(info))
    replaced = replaces_line(info)
    if replaced:
        _put(sheet, REPLACES_ROW, 1, replaced, bold=True)
    _put(sheet, DECISION_ROW, 1, f"Beslutsdatum {long_date(info.decision_date)}")
    _put(sheet, ISSUER_ROW, 1, f"Utgivare: {info.issuer} · Diarienummer: {info.diarienummer} · "
                               f"Kontakt: {info.contact}")
    if info.illustrative:
        _write_banner(sheet, len(headers))
    if reissue:
        _put(sheet, HEADER_ROW, 1, changes_heading(info), bold=True, size=12)
        for offset, line in enumerate(change_lines(info, MARKED), start=1):
            _put(sheet, HEADER_ROW + offset, 1, line)
    for column, header in enumerate(headers, start=1):
        header_cell(_put(sheet, first, column, header), _HEADER_FILL, right=column > 2)
    fit_height(sheet, first, 3)

    fmt = number_format(info.decimals, grouped=True)
    row = first + 1
    for section in county_sections(final):
        _put(sheet, row, 1, f"{section.county_code} {section.county_name}", bold=True)
        for column in range(1, len(headers) + 1):
            sheet.cell(row=row, column=column).fill = _COUNTY_FILL
        row += 1
        for municipality in section.municipalities.iter_rows(named=True):
            _put(sheet, row, 1, municipality["municipality_code"])
            _put(sheet, row, 2, municipality["municipality_name"])
            units = [municipality[column] for column in UNIT_COLUMNS]
            _put_numbers(sheet, row, units, info.decimals, fmt)
            _put_context(sheet, row, municipality, info.decimals, has_previous, has_expected)
            if reissue and municipality["changed_from_version"] is not None:
                _put(sheet, row, len(headers), int(municipality["changed_from_version"]))
                for column in range(1, len(headers) + 1):
                    sheet.cell(row=row, column=column).fill = _CHANGED_FILL
            row += 1
        _put_total(sheet, row, f"{TOTAL} {section.county_name}", section.totals,
                   section.municipalities, info, (has_previous, has_expected), _TOTAL_BORDER)
        row += 1
    _put_total(sheet, row, NATIONAL, national_totals(final), final, info,
               (has_previous, has_expected), _NATIONAL_BORDER)
    for index, width in enumerate(COLUMN_WIDTHS[: len(headers)]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1).coordinate
    print_setup(sheet, title_rows=(first, first),
                header_left=publication_title(info.share_year),
                header_right=ILLUSTRATIVE_MARK if info.illustrative else "")


def _write_banner(sheet: Worksheet, width: int) -> None:
    cell = _put(sheet, BANNER_ROW, 1, ILLUSTRATIVE_MARK, bold=True, size=12)
    cell.font = font(bold=True, size=12, color="FFFFFF")
    cell.fill = PatternFill("solid", fgColor=RED)
    cell.alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=BANNER_ROW, start_column=1, end_row=BANNER_ROW, end_column=width)


def _put_numbers(
    sheet: Worksheet, row: int, units: Sequence[int], decimals: int, fmt: str, bold: bool = False
) -> None:
    for offset, value in enumerate(units):
        _put(sheet, row, 3 + offset, Decimal(int(value)).scaleb(-decimals), bold=bold, fmt=fmt)


def _put_context(sheet: Worksheet, row: int, values: dict, decimals: int, has_previous: bool,
                 has_expected: bool, bold: bool = False) -> None:
    column = 3 + len(UNIT_COLUMNS)
    if has_previous:
        for key, fmt in (("previous_units", number_format(decimals, grouped=True)),
                         ("change_units", number_format(decimals, grouped=True, signed=True))):
            if values[key] is not None:
                _put(sheet, row, column, Decimal(int(values[key])).scaleb(-decimals),
                     bold=bold, fmt=fmt)
            column += 1
    if has_expected and values["expected_children"] is not None:
        _put(sheet, row, column, int(values["expected_children"]), bold=bold,
             fmt=number_format(0, grouped=True))


def _put_total(sheet: Worksheet, row: int, label: str, totals: Sequence[int], part: pl.DataFrame,
               info: PublicationInfo, shown: tuple[bool, bool], border: Border) -> None:
    _put(sheet, row, 1, label, bold=True)
    _put_numbers(sheet, row, totals, info.decimals, number_format(info.decimals, grouped=True),
                 bold=True)
    sums = {key: int(part[key].sum()) if part[key].null_count() < part.height else None
            for key in ("previous_units", "change_units", "expected_children")}
    _put_context(sheet, row, sums, info.decimals, *shown, bold=True)
    for column in range(1, len(COLUMN_WIDTHS) + 1):
        if sheet.cell(row=row, column=column).value is not None or column <= 2 + len(totals):
            sheet.cell(row=row, column=column).border = border


def _write_about(sheet: Worksheet, final: pl.DataFrame, info: PublicationInfo) -> None:
    """What the table is, how it is computed and from what: in Swedish, one or two pages."""
    status = ILLUSTRATIVE_MARK if info.illustrative else "Officiella uppgifter"
    reference_year = info.share_year - int(info.parameters.get("reference_year_offset", 2))
    sections: list[tuple[str, list[str]]] = [
        ("Om tabellen", []),
        ("Tabell", [publication_title(info.share_year)]),
        ("Gäller från", [long_date(date(info.share_year, 1, 1))]),
        ("Version", [line for line in (version_line(info), replaces_line(info)) if line]),
        *([(changes_heading(info), change_lines(info, MARKED))] if info.replaces else []),
        ("Beslutsdatum", [long_date(info.decision_date)]),
        ("Utgivare", [info.issuer]),
        ("Diarienummer", [info.diarienummer]),
        ("Kontakt", [info.contact]),
        ("Uppgifternas status", [status]),
        ("Så läser du tabellen", reading_guide(final, info)),
        ("Tabellens kolumner", [SHARE_TABLE_NOTE]),
        ("Så beräknas andelstalen",
         public_sentences(info.parameters, info.decimals, info.share_year, reference_year)),
        ("Omfördelningar", info.redistributions or ["Inga omfördelningar"]),
    ]
    sections.append(("Underlag", [item.description or statistic_name(item.name)
                                  for item in info.inputs]))
    row = 1
    for label, lines in sections:
        if not lines:
            _put(sheet, row, 1, label, bold=True, size=14)
            row += 2
            continue
        _put(sheet, row, 1, label, bold=True).alignment = _WRAP
        for line in lines:
            cell = _put(sheet, row, 2, line)
            cell.alignment = _WRAP
            fit_height(sheet, row, lines_needed(line, ABOUT_WIDTHS["B"]))
            if line == ILLUSTRATIVE_MARK:
                cell.font = font(bold=True, color=RED)
            row += 1
    # The parameter table starts a printed page, so its header never stands alone at the
    # foot of one: the text above is longer than a page.
    sheet.row_breaks.append(Break(id=row))
    row += 1
    header_cell(_put(sheet, row, 1, "Parameter"), _HEADER_FILL)
    header_cell(_put(sheet, row, 2, "Värde"), _HEADER_FILL)
    for name, value in parameter_rows(info.parameters, info.decimals):
        row += 1
        _put(sheet, row, 1, name)
        _put(sheet, row, 2, value).alignment = Alignment(horizontal="left")
    for letter, width in ABOUT_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    print_setup(sheet, title_rows=None, header_left=publication_title(info.share_year),
                header_right=ILLUSTRATIVE_MARK if info.illustrative else "")


def _write_annex(sheet: Worksheet, info: PublicationInfo) -> None:
    """Run id and every input's SHA-256, in Swedish: for checking, not for reading. The files'
    names and paths on the machine that built the table are in the manifest, not here."""
    _put(sheet, 1, 1, "Teknisk bilaga", bold=True, size=14)
    _put(sheet, 2, 1, "Körnings-id")
    _put(sheet, 2, 2, info.run_id)
    _put(sheet, 3, 1, "Parameteruppsättning")
    _put(sheet, 3, 2, info.parameter_set)
    _put(sheet, 4, 1, "Filernas namn, sökvägar och SHA-256 samt versionshistoriken: "
                      f"publication_{info.share_year}.json")
    headers = ("Indata", "SHA-256", "Status")
    for column, header in enumerate(headers, start=1):
        header_cell(_put(sheet, 6, column, header), _HEADER_FILL)
    for row, item in enumerate(info.inputs, start=7):
        values = (statistic_name(item.name), item.sha256,
                  "illustrativa uppgifter" if item.illustrative else "officiella uppgifter")
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value, size=8 if column == 2 else None)
    for letter, width in ANNEX_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    print_setup(sheet, title_rows=(6, 6), header_left=publication_title(info.share_year),
                landscape=True)


def _set_properties(workbook: Workbook, info: PublicationInfo) -> None:
    properties = workbook.properties
    properties.title = publication_title(info.share_year)
    properties.subject = valid_from_text(info.share_year)
    properties.creator = info.issuer
    properties.lastModifiedBy = info.issuer  # dated by `reproducible_bytes`
