"""The validation report a county board receives: every problem of its forms, one row each.

`granskning_<Y>_<county code>_<slug>.xlsx`, one sheet "Granskning" with the columns Fil, Blad,
Rad, Kolumn, Värde, Fel; printed on A4 landscape, one page wide; one named sans-serif font (Arial,
which LibreOffice replaces by the metric-compatible Liberation Sans) on every style, the
workbook's default style included. Written atomically: a reader sees the old file or the new one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.core.excel_formats import RED, font, put, save, use_house_font
from pipeline.core.files import write_atomically
from pipeline.core.text import county_slug
from pipeline.redistribution.forms.problems import Notice, Problem

REPORT_SHEET = "Granskning"
REPORT_COLUMNS = ["Fil", "Blad", "Rad", "Kolumn", "Värde", "Fel"]
REPORT_WIDTHS = [28, 14, 7, 30, 24, 80]
HEADER_ROW = 4
_PLAIN = font()
_BOLD = font(bold=True)
_TITLE = font(bold=True, size=14)
_WARNING = font(bold=True, color=RED)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def report_name(share_year: int, county_code: str, county_name: str) -> str:
    return f"granskning_{share_year}_{county_code}_{county_slug(county_name)}.xlsx"


def write_validation_report(
    out_dir: Path,
    share_year: int,
    county_code: str,
    county_name: str,
    problems: Sequence[Problem],
    notices: Sequence[Notice] = (),
) -> Path:
    """Write the county's report of `problems` (and of the files not read, `notices`) to
    `out_dir/granskning_<Y>_<county code>_<slug>.xlsx`; return its path. With no problem the
    report says so (the form was approved as read)."""
    path = out_dir / report_name(share_year, county_code, county_name)
    workbook = Workbook()
    use_house_font(workbook)
    sheet = workbook.active
    sheet.title = REPORT_SHEET
    put(sheet.cell(1, 1), f"Granskning av omfördelningar {share_year} – {county_name}", _TITLE)
    summary = (f"{len(problems)} fel att rätta. Rätta blanketten och skicka in den igen."
               if problems else "Inga fel: blanketten kunde läsas och följer reglerna.")
    put(sheet.cell(2, 1), summary, _WARNING if problems else _BOLD)
    for column, heading in enumerate(REPORT_COLUMNS, start=1):
        cell = put(sheet.cell(HEADER_ROW, column), heading, _BOLD)
        cell.fill, cell.alignment = _HEADER_FILL, _WRAP
    rows = [[p.file, p.sheet or "", p.row, p.column or "", p.value, p.message] for p in problems]
    rows += [[n.file, "", None, "", "", f"Varning: {n.message}"] for n in notices]
    for row, values in enumerate(rows, start=HEADER_ROW + 1):
        for column, value in enumerate(values, start=1):
            put(sheet.cell(row, column), value, _PLAIN).alignment = _WRAP
    for column, width in enumerate(REPORT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    save(workbook, buffer)
    write_atomically(path, buffer.getvalue())
    return path


def problems_by_county(forms: Sequence, problems: Sequence[Problem]
                       ) -> tuple[dict[str, list[Problem]], list[Problem]]:
    """Problems grouped by the county of the form (file) they were found in, and those of files
    that belong to no read form (an unreadable spreadsheet: its county is unknown).

    `forms` are `spreadsheets.CountyForm`s; a problem belongs to a form by its file name."""
    county_of = {form.path.name: form.county_code for form in forms}
    grouped: dict[str, list[Problem]] = {form.county_code: [] for form in forms}
    unattributed: list[Problem] = []
    for problem in problems:
        county = county_of.get(problem.file)
        if county is None:
            unattributed.append(problem)
        else:
            grouped[county].append(problem)
    return grouped, unattributed
