"""Excel number formats for Swedish readers.

Every format carries the Swedish locale tag [$-41D], so LibreOffice shows a decimal comma and a
space as thousands separator ("1 000,00") whatever the reader's own locale; Excel shows the
separators of a Swedish system. The cells themselves hold plain numbers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

SWEDISH = "[$-41D]"


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


def house_workbook() -> Workbook:
    """A new workbook in the house font: the Normal style and font 0 are Arial 10, so empty and
    unstyled cells use it too, not openpyxl's Calibri 11. Created now, as `Workbook()` is."""
    workbook = load_workbook(BytesIO(_house_template()))
    workbook.properties.created = datetime.now(tz=UTC).replace(tzinfo=None, microsecond=0)
    return workbook


@functools.cache
def _house_template() -> bytes:
    """An empty workbook whose default font is the house font. openpyxl has no public setter for
    a workbook's default font, so its own empty workbook is saved once per process and the first
    font of the styles part (the one the Normal style names) replaced; every workbook is loaded
    from this (about 2 ms)."""
    saved = BytesIO()
    Workbook().save(saved)

    def house_font(data: bytes) -> bytes:
        text = data.decode("utf-8")
        start = text.index("<font>", text.index("<fonts "))
        end = text.index("</font>", start) + len("</font>")
        return (text[:start] + f'<font><name val="{FONT_NAME}" /><sz val="{FONT_SIZE}" /></font>'
                + text[end:]).encode("utf-8")

    return _rewritten(saved.getvalue(), "xl/styles.xml", house_font)


def _rewritten(raw: bytes, member: str, change: Callable[[bytes], bytes],
               date_time: tuple[int, ...] | None = None) -> bytes:
    """The zip `raw` again, with `member` passed through `change` and, if `date_time` is given,
    every entry dated it."""
    rewritten = BytesIO()
    with ZipFile(BytesIO(raw)) as source, ZipFile(rewritten, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            item = entry
            if date_time is not None:
                item = ZipInfo(entry.filename, date_time=date_time)
                item.compress_type = ZIP_DEFLATED
            data = source.read(entry.filename)
            target.writestr(item, change(data) if entry.filename == member else data)
    return rewritten.getvalue()


def put(cell: Cell, value: object, font: Font, number_format: str | None = None) -> Cell:
    """Write a cell: text stays text (a value beginning with '=' is not a formula), numbers stay
    numbers, in the given font (and number format, if given)."""
    cell.value = value
    if isinstance(value, str) and cell.data_type != "s":
        cell.data_type = "s"
        cell.quotePrefix = True
    return style(cell, font, number_format)


def style(cell: Cell, font: Font, number_format: str | None = None) -> Cell:
    """Set a cell's font (and number format, if given)."""
    cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


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


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def reproducible_bytes(workbook: Workbook, stamp: date) -> bytes:
    """The workbook's bytes as a function of its content and `stamp` alone: created, last
    modified and every zip entry dated `stamp` (midnight). openpyxl's save sets the modified time
    to the clock, so it is replaced in the saved document properties."""
    workbook.properties.created = datetime.combine(stamp, time())
    raw = BytesIO()
    workbook.save(raw)
    modified = f"{stamp.isoformat()}T00:00:00Z".encode()

    def dated(data: bytes) -> bytes:
        data, replaced = _MODIFIED.subn(rb"\g<1>" + modified + rb"\g<2>", data)
        if replaced != 1:
            raise RuntimeError("openpyxl wrote docProps/core.xml without one dcterms:modified; "
                               "the Excel edition cannot be dated")
        return data

    return _rewritten(raw.getvalue(), "docProps/core.xml", dated,
                      (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0))
