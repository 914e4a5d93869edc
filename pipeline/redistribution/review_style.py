"""The look of the review workbook: one named font on every style, widths from the longest
header word, rows tall enough for their wrapped text, A4 pages one page wide.

Arial 10 everywhere, the workbook's default style included (LibreOffice replaces Arial by the
metric-compatible Liberation Sans). Column widths are in widths of the digit 0 of that font.
"""

from __future__ import annotations

import textwrap

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import RED, font, number_format, put
from pipeline.presentation.formats import WEB
from pipeline.presentation.terms import ILLUSTRATIVE

GUIDE_SHEET = "Så här gör du"
DRAFT_SHEET = "Utkast"
ILLUSTRATIVE_NOTE = f"{ILLUSTRATIVE.upper()} – påhittade indata, inte verklig statistik"

PLAIN = font()
BOLD = font(bold=True)
HEADING = font(bold=True, size=12)
TITLE = font(bold=True, size=14)
WARNING = font(bold=True, color=RED)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
COMPUTED_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(horizontal="center")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
NUMBER_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top", horizontal="right")
CENTRED_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top", horizontal="center")
GRID_SIDE = Side(style="thin", color="BFBFBF")
GRID = Border(left=GRID_SIDE, right=GRID_SIDE, top=GRID_SIDE, bottom=GRID_SIDE)
# Column widths are in widths of the digit 0. A column is CHARACTER_WIDTH per character of its
# longest word wide, a margin for bold wide letters (m, Å, Ö); a row's height counts its lines of
# wrapped text at the average width of a bold or a plain letter.
CHARACTER_WIDTH = 1.2
BOLD_CHARACTER_WIDTH = 1.05
PLAIN_CHARACTER_WIDTH = 0.9
NUMBER_WIDTH = 10
PADDING = 2
LINE_HEIGHT = 13  # points per line of Arial 10
GUIDE_WIDTHS = [26, 82]

COUNT = number_format(0, grouped=True)
UNROUNDED = number_format(4)

# --- cells, widths and pages ---------------------------------------------------------------------

def header(sheet: Worksheet, row: int, headings: list[str], widths: list[float]) -> None:
    write_row(sheet, row, headings, BOLD)
    for cell in sheet[row]:
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
    set_widths(sheet, widths)
    fit_height(sheet, row, list(zip(headings, widths, strict=True)), True)


def column_widths(headings: list[str], rows: list[list], minimum: float = 0) -> list[float]:
    """Each column as wide as its longest header word and its longest value (and `minimum`): a
    header wraps between words, never inside one."""
    widths = []
    for column, heading in enumerate(headings):
        longest = max(len(word) for word in heading.split())
        for cells in rows:
            item = cells[column]
            value, text_format = item if isinstance(item, tuple) else (item, None)
            longest = max(longest, len(_shown(value, text_format)))
        widths.append(max(width(longest), minimum))
    return widths


def _shown(value: object, text_format: str | None) -> str:
    """Roughly what a cell shows: a grouped count gains a space per thousand."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:+.4f}"
    if isinstance(value, int) and text_format == COUNT:
        return WEB.integer(value)
    return str(value)


def width(characters: int) -> float:
    return round(characters * CHARACTER_WIDTH + PADDING, 1)


def fit_height(sheet: Worksheet, row: int, cells: list[tuple[str, float]], bold: bool) -> None:
    """A row tall enough for its wrapped text: neither Excel nor LibreOffice fits a row to
    wrapped text in every case, so the height is set from the text and the column widths."""
    per_character = BOLD_CHARACTER_WIDTH if bold else PLAIN_CHARACTER_WIDTH
    lines = max([len(textwrap.wrap(text, max(int((width - PADDING) / per_character), 1),
                                   break_long_words=False))
                 for text, width in cells if text] or [1])
    if lines > 1:
        sheet.row_dimensions[row].height = lines * LINE_HEIGHT + 3


def write_row(sheet: Worksheet, row: int, cells: list, font: Font) -> None:
    """Write values left to right; a (value, number_format) pair formats a number."""
    for column, item in enumerate(cells, start=1):
        value, text_format = item if isinstance(item, tuple) else (item, None)
        put(sheet.cell(row, column), value, font,
            None if isinstance(value, str) else text_format)


def page(sheet: Worksheet, orientation: str, title_rows: int | None) -> None:
    """A4, all columns on one page wide, the header row repeated on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = orientation
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows}:{title_rows}"


def protect(sheet: Worksheet) -> None:
    """Protect the sheet without a password: its cells cannot be overwritten by accident, but
    anyone can read, select, copy and print them, change column widths and row heights, and lift
    the protection from the menu. Cells unlocked beforehand stay open for typing."""
    sheet.protection.formatColumns = sheet.protection.formatRows = False
    sheet.protection.sheet = True


def set_widths(sheet: Worksheet, widths: list[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
