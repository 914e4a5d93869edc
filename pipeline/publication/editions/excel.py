"""The Excel edition of the final shares (kommunandelar): sheets "Andelar" and "Om tabellen".

Numbers are stored as numbers (not formulas) with a fixed decimal format, so a Swedish-locale
spreadsheet shows a decimal comma; subtotals are written as values, so the file shows the published
figures whatever program opens it. Every text is stored as text, never as a formula, even when it
starts with '='. The workbook's timestamps derive from the decision date and the zip entries carry
a fixed date, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from pipeline.core.excel_formats import number_format
from pipeline.publication.table import (
    ILLUSTRATIVE_MARK,
    PUBLISHER,
    UNIT_COLUMNS,
    PublicationInfo,
    county_sections,
    national_totals,
    publication_title,
    valid_from_text,
)

TABLE_SHEET = "Andelar"
ABOUT_SHEET = "Om tabellen"
HEADERS = ("Kommunkod", "Kommun", "Beräknad andel ‰", "Lämnad ‰", "Mottagen ‰", "Andel ‰")
HEADER_ROW = 6
BANNER_ROW = 5
COLUMN_WIDTHS = {"A": 12, "B": 24, "C": 18, "D": 13, "E": 13, "F": 13}
ABOUT_WIDTHS = {"A": 24, "B": 34, "C": 48, "D": 68, "E": 12}

_BOLD = Font(bold=True)
_RED = "C00000"
_COUNTY_FILL = PatternFill("solid", fgColor="E7E6E6")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin")
_TOTAL_BORDER = Border(top=_THIN)
_NATIONAL_BORDER = Border(top=Side(style="medium"), bottom=Side(style="medium"))


def write_share_workbook(path: Path, final: pl.DataFrame, info: PublicationInfo) -> None:
    """Write the final shares of `info.share_year` as an .xlsx workbook to `path`."""
    workbook = Workbook()
    table = workbook.active
    table.title = TABLE_SHEET
    _write_table(table, final, info)
    _write_about(workbook.create_sheet(ABOUT_SHEET), info)
    _set_properties(workbook, info)
    Path(path).write_bytes(_workbook_bytes(workbook, info.decision_date))


def _put(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell; text stays text even when it looks like a formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _write_table(sheet: Worksheet, final: pl.DataFrame, info: PublicationInfo) -> None:
    _put(sheet, 1, 1, publication_title(info.share_year)).font = Font(bold=True, size=14)
    _put(sheet, 2, 1, valid_from_text(info.share_year)).font = Font(size=12)
    _put(sheet, 3, 1, f"Beslutsdatum {info.decision_date.isoformat()}")
    _put(sheet, 4, 1, f"Parameteruppsättning {info.parameter_set}")
    if info.illustrative:
        _write_banner(sheet)
    for column, header in enumerate(HEADERS, start=1):
        cell = _put(sheet, HEADER_ROW, column, header)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(horizontal="left" if column <= 2 else "right")

    fmt = number_format(info.decimals)
    row = HEADER_ROW + 1
    for section in county_sections(final):
        _put(sheet, row, 1, f"{section.county_code} {section.county_name}").font = _BOLD
        for column in range(1, len(HEADERS) + 1):
            sheet.cell(row=row, column=column).fill = _COUNTY_FILL
        row += 1
        for municipality in section.municipalities.iter_rows(named=True):
            _put(sheet, row, 1, municipality["municipality_code"])
            _put(sheet, row, 2, municipality["municipality_name"])
            units = [municipality[column] for column in UNIT_COLUMNS]
            _put_numbers(sheet, row, units, info.decimals, fmt)
            row += 1
        _put_total(sheet, row, f"Summa {section.county_name}", section.totals, info, _TOTAL_BORDER)
        row += 1
    _put_total(sheet, row, "Riket", national_totals(final), info, _NATIONAL_BORDER)
    _set_layout(sheet, info)


def _write_banner(sheet: Worksheet) -> None:
    cell = _put(sheet, BANNER_ROW, 1, ILLUSTRATIVE_MARK)
    cell.font = Font(bold=True, size=12, color="FFFFFF")
    cell.fill = PatternFill("solid", fgColor=_RED)
    cell.alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=BANNER_ROW, start_column=1,
                      end_row=BANNER_ROW, end_column=len(HEADERS))


def _put_numbers(
    sheet: Worksheet, row: int, units: Sequence[int], decimals: int, fmt: str, bold: bool = False
) -> None:
    for offset, value in enumerate(units):
        cell = _put(sheet, row, 3 + offset, Decimal(int(value)).scaleb(-decimals))
        cell.number_format = fmt
        if bold:
            cell.font = _BOLD


def _put_total(
    sheet: Worksheet,
    row: int,
    label: str,
    totals: Sequence[int],
    info: PublicationInfo,
    border: Border,
) -> None:
    _put(sheet, row, 1, label).font = _BOLD
    _put_numbers(sheet, row, totals, info.decimals, number_format(info.decimals), bold=True)
    for column in range(1, len(HEADERS) + 1):
        sheet.cell(row=row, column=column).border = border


def _set_layout(sheet: Worksheet, info: PublicationInfo) -> None:
    for letter, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1).coordinate
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.left.text = publication_title(info.share_year)
    if info.illustrative:
        sheet.oddHeader.right.text = ILLUSTRATIVE_MARK
        sheet.oddHeader.right.color = _RED
    sheet.oddFooter.right.text = "Sida &P av &N"


PARAMETER_HEADER = ("Parameter", "Värde")
INPUT_HEADER = ("Indatafil", "Namn", "Sökväg", "SHA-256", "Status")


def _write_about(sheet: Worksheet, info: PublicationInfo) -> None:
    status = ILLUSTRATIVE_MARK if info.illustrative else "Officiella uppgifter"
    notes = info.redistributions or ["Inga omfördelningar"]
    rows: list[Sequence[object]] = [
        ("Tabell", publication_title(info.share_year)),
        ("Beslutsdatum", info.decision_date.isoformat()),
        ("Gäller från", f"1 januari {info.share_year}"),
        ("Andelsår", info.share_year),
        ("Antal decimaler", info.decimals),
        ("Uppgifternas status", status),
        ("Parameteruppsättning", info.parameter_set),
        ("Körnings-id", info.run_id),
        (),
        PARAMETER_HEADER,
        *((name, _parameter_value(value)) for name, value in sorted(info.parameters.items())),
        (),
        INPUT_HEADER,
        *(
            ("Indatafil", item.name, item.path, item.sha256,
             "illustrativ" if item.illustrative else "officiell")
            for item in info.inputs
        ),
        (),
        ("Omfördelningar", notes[0]),
        *(("", note) for note in notes[1:]),
    ]
    for row, values in enumerate(rows, start=1):
        heading = values in (PARAMETER_HEADER, INPUT_HEADER)
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, row, column, value)
            if column == 1 or heading:
                cell.font = _BOLD
            if value == ILLUSTRATIVE_MARK:
                cell.font = Font(bold=True, color=_RED)
    for letter, width in ABOUT_WIDTHS.items():
        sheet.column_dimensions[letter].width = width


def _parameter_value(value: object) -> object:
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _set_properties(workbook: Workbook, info: PublicationInfo) -> None:
    stamp = datetime.combine(info.decision_date, time())
    properties = workbook.properties
    properties.title = publication_title(info.share_year)
    properties.subject = valid_from_text(info.share_year)
    properties.creator = PUBLISHER
    properties.lastModifiedBy = PUBLISHER
    properties.created = stamp
    properties.modified = stamp


def _workbook_bytes(workbook: Workbook, stamp: date) -> bytes:
    """Serialise without openpyxl's save-time clock, then give every zip entry one fixed date."""
    raw = io.BytesIO()
    ExcelWriter(workbook, ZipFile(raw, "w", ZIP_DEFLATED)).save()
    fixed = io.BytesIO()
    date_time = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
    with ZipFile(raw) as source, ZipFile(fixed, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            item = ZipInfo(entry.filename, date_time=date_time)
            item.compress_type = ZIP_DEFLATED
            target.writestr(item, source.read(entry.filename))
    return fixed.getvalue()
