"""Excel number formats for Swedish readers.

Every format carries the Swedish locale tag [$-41D], so LibreOffice shows a decimal comma and a
space as thousands separator ("1 000,00") whatever the reader's own locale; Excel shows the
separators of a Swedish system. The cells themselves hold plain numbers.
"""

from __future__ import annotations

import functools
from copy import copy
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

SWEDISH = "[$-41D]"
_QUOTE_PREFIX = StyleArray.__dict__["quotePrefix"].key  # its slot in a cell's style array


def number_format(decimals: int, *, grouped: bool = False, signed: bool = False) -> str:
    """'[$-41D]0.00'-style format; `grouped` adds thousands grouping, `signed` a + before
    positive numbers (for changes)."""
    body = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    if signed:
        return f"{SWEDISH}+{body};{SWEDISH}-{body};{SWEDISH}{body}"
    return SWEDISH + body


# Printing and fonts: every workbook the project writes prints on A4, fit to the page width, with
# its header rows repeated, in one named sans-serif font (not the reader's default, so a sheet
# looks and paginates the same in Excel and LibreOffice).
FONT_NAME = "Arial"
FONT_SIZE = 10
RED = "C00000"


@functools.cache
def font(*, bold: bool = False, size: float = FONT_SIZE, color: str | None = None) -> Font:
    """The house font: Arial (Liberation Sans where Arial is absent), 10 pt unless given.

    One Font object per combination, shared by every cell that uses it (openpyxl keeps a
    workbook's fonts by value, and a cell's font is never changed in place): building one per
    cell was a tenth of a run's share table and goal fulfilment workbooks."""
    return Font(name=FONT_NAME, size=size, bold=bold, color=color)


def use_house_font(workbook: Workbook) -> None:
    """Make the house font the workbook's default (the "Normal" style and font 0), so empty
    and unstyled cells use it too, not openpyxl's Calibri 11."""
    workbook._fonts = IndexedList([font()])  # openpyxl has no public setter
    workbook._named_styles["Normal"].font = font()


def put(cell: Cell, value: object, font: Font, number_format: str | None = None) -> Cell:
    """Write a cell: text stays text (a value beginning with '=' is not a formula), numbers stay
    numbers, in the given font (and number format, if given)."""
    cell.value = value
    if isinstance(value, str) and cell.data_type != "s":
        cell.data_type = "s"
        cell.quotePrefix = True
    return style(cell, font, number_format)


def style(cell: Cell, font: Font, number_format: str | None = None) -> Cell:
    """Set a cell's font (and number format, if given).

    openpyxl keeps a workbook's fonts and formats by value and hashes the Font object for every
    assignment. A cell with no other style is given the style reference (indices into those
    lists) of the workbook's first cell styled alike: the same file, at a fraction of the cost
    (a tenth of writing the 21 review workbooks)."""
    plain = _plain(cell)
    if plain:
        shared = cell.parent.parent.__dict__.setdefault("_anvisning_styles", {})
        # The Font is kept in the value so its id cannot be reused while the key exists.
        key = (id(font), number_format, bool(cell.quotePrefix))
        known = shared.get(key)
        if known is not None:
            cell._style = copy(known[1])
            return cell
    cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if plain:
        shared[key] = (font, copy(cell._style))
    return cell


def _plain(cell: Cell) -> bool:
    """Whether a cell has no style but, perhaps, the quote prefix `put` gives formula-like text."""
    return cell._style is None or not any(
        value for slot, value in enumerate(cell._style) if slot != _QUOTE_PREFIX)


def header_cell(cell: Cell, fill: PatternFill | None = None, *, right: bool = False) -> None:
    """A column heading: bold, wrapped, bottom-aligned."""
    cell.font = font(bold=True)
    cell.alignment = Alignment(wrap_text=True, vertical="bottom",
                               horizontal="right" if right else "left")
    if fill is not None:
        cell.fill = fill


def print_setup(sheet: Worksheet, *, title_rows: tuple[int, int] | None, header_left: str = "",
                header_right: str = "", landscape: bool = False) -> None:
    """A4, fit to the page width (as many pages down as needed), `title_rows` repeated on every
    page, "Sida N av M" in the footer, an optional red note top right."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = (sheet.ORIENTATION_LANDSCAPE if landscape
                                    else sheet.ORIENTATION_PORTRAIT)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    for part, text, colour in ((sheet.oddHeader.left, header_left, None),
                               (sheet.oddHeader.right, header_right, RED)):
        if text:
            part.text = text
            part.font = FONT_NAME
            part.size = 8
            if colour:
                part.color = colour
    sheet.oddFooter.right.text = "Sida &P av &N"
    sheet.oddFooter.right.font = FONT_NAME
    sheet.oddFooter.right.size = 8


def fit_height(sheet: Worksheet, row: int, lines: int, size: float = FONT_SIZE) -> None:
    """Give a row room for `lines` lines of wrapped text: LibreOffice does not grow a row for
    wrapped text that openpyxl wrote, so the height is set."""
    sheet.row_dimensions[row].height = max(1, lines) * (size * 1.3) + 2


def lines_needed(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (Arial, estimated
    with room to spare)."""
    per_line = max(1, int(width * 1.05))
    words, lines, used = text.split(), 1, 0
    for word in words:
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def save(workbook: Workbook, target: Path | BinaryIO) -> None:
    """`workbook.save` (the modified time set to now), through `write_workbook`."""
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    write_workbook(workbook, target)


def write_workbook(workbook: Workbook, target: Path | BinaryIO) -> None:
    """Write the workbook as openpyxl's save does, with each worksheet serialised in memory
    instead of in a temporary file of its own (openpyxl creates, reads back and deletes one per
    sheet: a tenth of the time of writing the 21 review workbooks). The same entries, in the same
    order, with the same XML; the workbook's properties are left as they are."""
    with ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryWriter(workbook, archive).save()


class _InMemoryWriter(ExcelWriter):
    def write_worksheet(self, ws) -> None:
        # openpyxl's ExcelWriter.write_worksheet (3.1), with a BytesIO for the temporary file.
        if self.workbook.write_only:
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.out.getvalue())
        self.manifest.append(ws)
