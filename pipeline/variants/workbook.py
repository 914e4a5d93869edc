"""The variants' workbook (varianter_<Y>.xlsx), in Swedish: "Sammanfattning" (each variant, what
it changes and what it moves), "Kommuner" (every municipality's share under each variant and its
difference from the standard), "Län" (the county totals) and "Parametrar".

Like the project's other workbooks: numbers stored as numbers in Swedish-locale formats, text as
text (never a formula), Arial, every sheet on A4 fit to the page width with its headings repeated,
a red mark on every sheet when an input is illustrative.
"""

from __future__ import annotations

from io import BytesIO

import polars as pl
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import (
    RED,
    SWEDISH,
    fit_height,
    font,
    header_cell,
    house_workbook,
    lines_needed,
    number_format,
    print_setup,
    put,
)
from pipeline.presentation.explanation import parameter_rows
from pipeline.variants import texts
from pipeline.variants.catalogue import VARIANT_PARAMETERS
from pipeline.variants.comparison import Comparison

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_BORDER = Border(top=Side(style="medium"), bottom=Side(style="medium"))
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
_SUMMARY_WIDTHS = (26, 46, 34, 11, 13, 13, 12)
_NUMBER_WIDTH = 12
GROUP_EDGE = Border(left=Side(style="thin"))


def workbook_bytes(comparison: Comparison, illustrative: bool) -> bytes:
    """The whole workbook as the bytes of an .xlsx file (written by the caller, atomically)."""
    workbook = house_workbook()
    _summary_sheet(workbook.active, comparison, illustrative)
    municipalities = comparison.municipalities.select(
        "variant", "municipality_code", "municipality_name", "county_name", "share_units",
        "difference_units")
    _table_sheet(workbook.create_sheet("Kommuner"), comparison, illustrative, municipalities,
                 {"Kommunkod": 12, "Kommun": 18, "Län": 20}, "andel per kommun")
    counties = comparison.counties.select("variant", "county_code", "county_name",
                                          "share_units", "difference_units")
    _table_sheet(workbook.create_sheet("Län"), comparison, illustrative, counties,
                 {"Länskod": 9, "Län": 22}, "andel per län")
    _parameter_sheet(workbook.create_sheet("Parametrar"), comparison, illustrative)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _heading(sheet: Worksheet, comparison: Comparison, illustrative: bool, what: str) -> int:
    """Title, the illustrative mark and what the sheet shows; returns the next free row."""
    title = f"{texts.title(comparison.share_year)}: {what}"
    put(sheet.cell(1, 1), title, font(bold=True, size=14))
    row = 2
    if illustrative:
        put(sheet.cell(row, 1), texts.ILLUSTRATIVE_NOTE, font(bold=True, color=RED))
        row += 1
    return row + 1


def _print(sheet: Worksheet, comparison: Comparison, illustrative: bool,
           title_rows: tuple[int, int]) -> None:
    print_setup(sheet, title_rows=title_rows, landscape=True,
                header_left=texts.title(comparison.share_year),
                header_right=texts.ILLUSTRATIVE.upper() if illustrative else "")


def _summary_sheet(sheet: Worksheet, comparison: Comparison, illustrative: bool) -> None:
    sheet.title = "Sammanfattning"
    row = _heading(sheet, comparison, illustrative, "sammanfattning")
    width = sum(_SUMMARY_WIDTHS)
    for line in texts.introduction(comparison):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row,
                          end_column=len(_SUMMARY_WIDTHS))
        put(sheet.cell(row, 1), line, font()).alignment = WRAP
        fit_height(sheet, row, lines_needed(line, width))
        row += 1
    row += 1
    headings = (texts.SUMMARY_HEADINGS[0], "Beskrivning", "Ändrade värden",
                *texts.SUMMARY_HEADINGS[1:])
    for column, heading in enumerate(headings, start=1):
        header_cell(put(sheet.cell(row, column), heading, font(bold=True)), HEADER_FILL,
                    right=column > 3)
    fit_height(sheet, row, 3)
    header_row = row
    decimals = comparison.decimals
    for variant, summary in zip(comparison.variants,
                                comparison.summary.iter_rows(named=True), strict=True):
        row += 1
        changes = texts.parameter_changes(variant, comparison.standard, decimals)
        for column, text in enumerate((variant.title, variant.description, changes), start=1):
            put(sheet.cell(row, column), text, font(bold=column == 1)).alignment = WRAP
        for column, (value, places) in enumerate((
                (summary["at_floor"], 0), (summary["changed"], 0),
                (summary["moved_between_municipalities_units"] / 10**decimals, decimals),
                (summary["moved_between_counties_units"] / 10**decimals, decimals)), start=4):
            cell = put(sheet.cell(row, column), value, font(), number_format(places))
            cell.alignment = TOP
        # lines_needed errs long by a tenth in these wide columns; rows of white space otherwise.
        fit_height(sheet, row, max(lines_needed(variant.description, _SUMMARY_WIDTHS[1] * 1.1),
                                   lines_needed(changes, _SUMMARY_WIDTHS[2] * 1.1)))
    for column, column_width in enumerate(_SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    _print(sheet, comparison, illustrative, (header_row, header_row))


def _table_sheet(sheet: Worksheet, comparison: Comparison, illustrative: bool,
                 table: pl.DataFrame, names: dict[str, int], what: str) -> None:
    """One row per municipality (county): the standard's share, then each variant's share and
    difference, under a two-row heading (the variant's title over its two columns). `names`
    are the headings of the columns before the numbers, with their widths."""
    top = _heading(sheet, comparison, illustrative, what)
    key = table.columns[1]
    standard = table.filter(pl.col("variant") == comparison.standard.name)
    rows = standard.select(table.columns[1:1 + len(names)], standard="share_units")
    for variant in comparison.others:
        part = table.filter(pl.col("variant") == variant.name)
        rows = rows.join(part.select(key, pl.col("share_units").alias(f"{variant.name}:share"),
                                     pl.col("difference_units").alias(f"{variant.name}:diff")),
                         on=key, how="left", maintain_order="left")
    for column, heading in enumerate(names, start=1):
        sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
        header_cell(put(sheet.cell(top, column), heading, font(bold=True)), HEADER_FILL)
    first = len(names) + 1
    header_cell(put(sheet.cell(top, first), comparison.standard.title, font(bold=True)),
                HEADER_FILL, right=True)
    header_cell(put(sheet.cell(top + 1, first), "Andel ‰", font(bold=True)), HEADER_FILL,
                right=True)
    for index, variant in enumerate(comparison.others):
        column = first + 1 + 2 * index
        sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 1)
        header_cell(put(sheet.cell(top, column), variant.title, font(bold=True)), HEADER_FILL)
        sheet.cell(top, column).alignment = Alignment(wrap_text=True, vertical="bottom",
                                                      horizontal="center")
        sheet.cell(top, column + 1).fill = HEADER_FILL
        for offset, heading in enumerate(("Andel ‰", texts.DIFFERENCE)):
            header_cell(put(sheet.cell(top + 1, column + offset), heading, font(bold=True)),
                        HEADER_FILL, right=True)
    fit_height(sheet, top, 2)
    share, difference = (number_format(comparison.decimals),
                         number_format(comparison.decimals, signed=True))
    formats = [None] * len(names) + [share] + [share, difference] * len(comparison.others)
    row = top + 2
    for values in rows.iter_rows():
        _numbers_row(sheet, row, values, formats, comparison.decimals, bold=False)
        row += 1
    totals = ["Riket", *[""] * (len(names) - 1),
              *[rows[column].sum() for column in rows.columns[len(names):]]]
    _numbers_row(sheet, row, totals, formats, comparison.decimals, bold=True)
    for column in range(1, len(formats) + 1):
        sheet.cell(row, column).border = TOTAL_BORDER
    widths = [*names.values(), _title_width(comparison.standard.title),
              *[_NUMBER_WIDTH] * (len(formats) - first)]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    # A thin rule before each variant's pair of columns in the heading keeps the pairs apart (on
    # every row, the rules cost a third of the workbook's time: openpyxl hashes each border).
    for index in range(len(comparison.others)):
        for line in (top, top + 1):
            sheet.cell(line, first + 1 + 2 * index).border = GROUP_EDGE
    sheet.freeze_panes = sheet.cell(top + 2, len(names) + 1)
    sheet.auto_filter.ref = f"A{top + 1}:{get_column_letter(len(formats))}{row - 1}"
    _print(sheet, comparison, illustrative, (top, top + 1))


def _title_width(title: str) -> int:
    """A column headed by a variant's title alone: as wide as its longest word (bold), so no
    word breaks."""
    return max(_NUMBER_WIDTH, *(len(word) + 3 for word in title.split()))


def _numbers_row(sheet: Worksheet, row: int, values, formats: list[str | None], decimals: int,
                 *, bold: bool) -> None:
    for column, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
        if fmt is None:
            put(sheet.cell(row, column), value, font(bold=bold))
        else:
            put(sheet.cell(row, column), value / 10**decimals, font(bold=bold), fmt)


def _parameter_sheet(sheet: Worksheet, comparison: Comparison, illustrative: bool) -> None:
    """The model's parameters under each variant; a value that differs from the standard's in
    bold."""
    sheet.title = "Parametrar"
    top = _heading(sheet, comparison, illustrative, "parametrar")
    header_cell(put(sheet.cell(top, 1), "Parameter", font(bold=True)), HEADER_FILL)
    lines = 1
    for column, variant in enumerate(comparison.variants, start=2):
        header_cell(put(sheet.cell(top, column), variant.title, font(bold=True)), HEADER_FILL,
                    right=True)
        width = _title_width(variant.title)
        sheet.column_dimensions[get_column_letter(column)].width = width
        lines = max(lines, lines_needed(variant.title, width))
    fit_height(sheet, top, lines)
    standard = comparison.standard.parameters.as_dict()
    for row, key in enumerate(VARIANT_PARAMETERS, start=top + 1):
        ((label, _),) = parameter_rows({key: standard[key]}, comparison.decimals)
        put(sheet.cell(row, 1), label, font())
        for column, variant in enumerate(comparison.variants, start=2):
            value = variant.parameters.as_dict()[key]
            fmt = (number_format(comparison.decimals) if key == "floor_promille"
                   else f"{SWEDISH}General")
            put(sheet.cell(row, column), value, font(bold=value != standard[key]), fmt)
    sheet.column_dimensions["A"].width = 44
    _print(sheet, comparison, illustrative, (top, top))
