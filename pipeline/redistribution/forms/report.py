"""The validation report a county board receives: every problem of its forms, one row each.

`granskning_<Y>_<county code>_<slug>.xlsx`, one sheet "Granskning": the title, how many problems
there are, the illustrative mark in red when the forms were written from illustrative data, who
filled in the forms, then the columns Fil, Blad, Rad, Kolumn, Värde, Fel. It prints on A4
landscape, one page wide, the header row and the illustrative mark repeated on every page; every
row is as tall as its longest wrapped text, so a long message never runs into the next row on
paper (LibreOffice does not grow a row for wrapped text that openpyxl wrote). One named
sans-serif font (Arial, which LibreOffice replaces by the metric-compatible Liberation Sans) on
every style, the workbook's default style included; the properties name the report, its language
(sv-SE) and the issuer. Written atomically: a reader sees the old file or the new one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.core.excel_formats import (
    RED,
    fit_height,
    font,
    house_workbook,
    lines_needed,
    print_setup,
    put,
)
from pipeline.core.files import write_atomically
from pipeline.core.text import county_slug
from pipeline.presentation.terms import ILLUSTRATIVE
from pipeline.redistribution.forms.form_layout import FormContact
from pipeline.redistribution.forms.problems import Notice, Problem

REPORT_SHEET = "Granskning"
REPORT_COLUMNS = ["Fil", "Blad", "Rad", "Kolumn", "Värde", "Fel"]
REPORT_WIDTHS = [28, 14, 7, 30, 24, 80]
ILLUSTRATIVE_ROW, CONTACT_ROW, HEADER_ROW = 3, 4, 5
ILLUSTRATIVE_NOTE = (f"{ILLUSTRATIVE.upper()} – blanketterna gäller ett utkast av påhittade "
                     "indata, inte verklig statistik")
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
    *,
    illustrative: bool = False,
    contacts: Sequence[tuple[str, FormContact]] = (),
    issuer: str = "",
) -> Path:
    """Write the county's report of `problems` (and of the files not read, `notices`) to
    `out_dir/granskning_<Y>_<county code>_<slug>.xlsx`; return its path. With no problem the
    report says so (the form was approved as read). `contacts` are the forms' file names with
    who filled them in; `illustrative` puts the illustrative mark on the sheet and every page."""
    path = out_dir / report_name(share_year, county_code, county_name)
    title = f"Granskning av omfördelningar {share_year} – {county_name}"
    workbook = house_workbook()
    sheet = workbook.active
    sheet.title = REPORT_SHEET
    put(sheet.cell(1, 1), title, _TITLE)
    summary = (f"{len(problems)} fel att rätta. Rätta blanketten och skicka in den igen."
               if problems else "Inga fel: blanketten kunde läsas och följer reglerna.")
    put(sheet.cell(2, 1), summary, _WARNING if problems else _BOLD)
    if illustrative:
        put(sheet.cell(ILLUSTRATIVE_ROW, 1), ILLUSTRATIVE_NOTE, _WARNING)
    if contacts:
        put(sheet.cell(CONTACT_ROW, 1), _filled_in_by(contacts), _PLAIN)
    for column, heading in enumerate(REPORT_COLUMNS, start=1):
        cell = put(sheet.cell(HEADER_ROW, column), heading, _BOLD)
        cell.fill, cell.alignment = _HEADER_FILL, _WRAP
    rows = [[p.file, p.sheet or "", p.row, p.column or "", p.value, p.message] for p in problems]
    rows += [[n.file, "", None, "", "", f"Varning: {n.message}"] for n in notices]
    for row, values in enumerate(rows, start=HEADER_ROW + 1):
        for column, value in enumerate(values, start=1):
            put(sheet.cell(row, column), value, _PLAIN).alignment = _WRAP
        fit_height(sheet, row, max(lines_needed(str(value or ""), width)
                                   for value, width in zip(values, REPORT_WIDTHS, strict=True)))
    for column, width in enumerate(REPORT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    print_setup(sheet, title_rows=(HEADER_ROW, HEADER_ROW), header_left=title,
                header_right=ILLUSTRATIVE.upper() if illustrative else "", landscape=True)
    properties = workbook.properties
    properties.title = title
    properties.subject = "Fel i de returnerade blanketterna för omfördelning av andelstal"
    properties.language = "sv-SE"
    properties.creator = properties.lastModifiedBy = issuer
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomically(path, buffer.getvalue())
    return path


def _filled_in_by(contacts: Sequence[tuple[str, FormContact]]) -> str:
    """"Ifylld av: Anna Andersson, telefon …, e-post … (lst_o.ods)"; a form without a contact
    says so."""
    parts = [f"{contact.describe() or 'ingen kontaktperson angiven'} ({file})"
             for file, contact in contacts]
    return "Ifylld av: " + "; ".join(parts)


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
