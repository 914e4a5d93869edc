"""Readers for the publishers' own formats: SCB statistical-database (PxWeb) CSV exports and
Excel workbooks with a header row.

Both give the same rows: (line, municipality_code, municipality_name, value). A region is either
one PxWeb label column ("0114 Upplands Väsby") or a code column and a name column. The last
column holds the figures and is headed by the reference year ("2024", "Folkmängd 2024").
Nothing here judges whether the municipalities are the right ones; that is `schemas`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.text import checked_text, describe_character, first_unsafe
from pipeline.presentation.formats import PRINT

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 100
MAX_FIGURE = 10**12

_REGION_LABEL = re.compile(r"^(\d{4})\s+(\S.*)$")
_CODE = re.compile(r"^\d{1,4}$")
# Thousands separators SCB and spreadsheets use: space, no-break space, narrow no-break space.
_GROUPED = re.compile(r"^\d{1,3}([ \u00a0\u202f\u2009]\d{3})+$")
_PLAIN = re.compile(r"^-?\d+$")
_CODE_HEADERS = {"kommunkod", "municipality_code", "kod", "code"}
_NAME_HEADERS = {"kommun", "municipality_name", "namn", "name", "kommunnamn"}


@dataclass(frozen=True)
class RegionRow:
    line: int
    municipality_code: str
    municipality_name: str
    value: int


@dataclass(frozen=True)
class RegionTable:
    """The rows of one file, with the file's own headers for the region and figures columns."""

    region_column: str
    value_column: str
    rows: list[RegionRow]


def read_region_table(path: Path, reference_year: int) -> RegionTable:
    """Read a CSV or XLSX statistic file into region rows, or raise InputError."""
    if not path.is_file():
        raise InputError(path, "the file is missing")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(path, f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
                         value=f"{size} bytes")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = csv_rows(path)
    elif suffix == ".xlsx":
        rows = xlsx_rows(path)
    else:
        raise InputError(path, "only .csv and .xlsx files are read", value=path.suffix)
    return _region_rows(path, rows, reference_year)


def decode_text(path: Path, raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or ISO-8859-1 (SCB's older exports)."""
    if not raw.strip():
        raise InputError(path, "the file is empty")
    if raw.startswith(codecs.BOM_UTF8):
        text = _decode(path, raw[len(codecs.BOM_UTF8):], "utf-8")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(path, raw, "utf-16")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("iso-8859-1")
    bad = first_unsafe(text, whole_file=True)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError(path, "unreadable encoding or unsafe text: the file holds "
                         f"{describe_character(bad.group())}, not allowed in statistics",
                         line=line, value=f"control character {describe_character(bad.group())}")
    if not text.strip():
        raise InputError(path, "the file is empty")
    return text


def _decode(path: Path, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(path, f"unreadable encoding: the file claims {encoding} but is not",
                         value=f"byte offset {error.start}") from None


def csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Every record of a CSV file as (the line it starts on, its stripped cells)."""
    text = decode_text(path, path.read_bytes())
    delimiter = _sniff_delimiter(text.splitlines())
    # The whole text through the CSV parser: a quoted line break stays inside its cell (and is
    # refused there as not a figure) instead of joining two lines into one number.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        strict=True)
    rows: list[tuple[int, list[str]]] = []
    ended = 0  # the line the previous record ended on: a record starts on the next one
    try:
        for cells in reader:
            if reader.line_num > MAX_ROWS:
                raise InputError(path, f"more than {MAX_ROWS} lines", line=reader.line_num)
            rows.append((ended + 1, [cell.strip() for cell in cells]))
            ended = reader.line_num
    except csv.Error as error:
        raise InputError(path, f"not a readable CSV file ({error})",
                         line=reader.line_num) from None
    return rows


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter of the first line that has one outside quotes (a PxWeb title line has none)."""
    for line in lines:
        unquoted = re.sub(r'"[^"]*"', "", line)
        counts = {d: unquoted.count(d) for d in (";", "\t", ",")}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            return best
    return ","


def xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Every row of a workbook's first sheet as (its row number, its cells as text)."""
    with opened_workbook(path) as workbook:
        if not workbook.worksheets:
            raise InputError(path, "the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        values = sheet_values(path, sheet, MAX_ROWS)
    rows = [(number, [_cell_text(v) for v in row]) for number, row in enumerate(values, start=1)]
    if not any(any(cells) for _, cells in rows):
        raise InputError(path, "the workbook is empty", sheet=sheet.title)
    return rows


@contextmanager
def opened_workbook(path: Path) -> Iterator:
    """An .xlsx opened read-only for its values; anything broken inside it is an InputError."""
    from openpyxl import load_workbook  # openpyxl is slow to import; only workbooks need it

    check_xlsx_container(path)
    workbook = None
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        yield workbook
    except InputError:
        raise
    except Exception as error:  # openpyxl and its XML parsers raise many types for a broken file
        raise InputError(path, f"not a readable .xlsx workbook ({type(error).__name__})") from None
    finally:
        if workbook is not None:
            workbook.close()


def sheet_values(path: Path, sheet, limit: int) -> list[tuple]:
    """The rows of a read-only sheet that are really there, at most `limit` of them."""
    # The declared used range may be wrong either way (A1:XFD1048576, or too small), and
    # read-only mode parses lazily: a broken sheet fails here, inside opened_workbook.
    # max_col: one cell in column XFD would otherwise widen its row to 16 384 values.
    sheet.reset_dimensions()
    rows = list(itertools.islice(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                 limit + 1))
    if len(rows) > limit:
        raise InputError(path, f"more than {limit} rows", sheet=sheet.title, line=limit + 1)
    return rows


def check_xlsx_container(path: Path) -> None:
    """An .xlsx is a zip of bounded unpacked size with a workbook part and no macros."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError):
        raise InputError(path, "not a valid .xlsx workbook (not a readable zip archive)") from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise InputError(path, "the workbook unpacks to more than "
                         f"{MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)} MiB (zip bomb?)",
                         value=f"{unpacked} bytes")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise InputError(path, "workbooks with macros are not accepted")
    if "xl/workbook.xml" not in names:
        raise InputError(path, "not a valid .xlsx workbook (no xl/workbook.xml)")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _region_rows(path: Path, rows: list[tuple[int, list[str]]],
                 reference_year: int) -> RegionTable:
    body = [(line, cells) for line, cells in rows if any(cells)]
    if not body:
        raise InputError(path, "the file is empty")
    header_at = next((i for i, (_, cells) in enumerate(body)
                      if sum(1 for c in cells if c) >= 2), None)
    if header_at is None:
        raise InputError(path, "no header row: expected a region column and a column headed "
                         f"by the year {reference_year}")
    header_line, header = body[header_at]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    label_mode = _check_header(path, header_line, header[:width], reference_year)
    data = body[header_at + 1:]
    if not data:
        raise InputError(path, "the file has a header but no rows", line=header_line)
    header = header[:width]
    return RegionTable(header[0], header[-1],
                       [_region_row(path, line, cells, header, label_mode) for line, cells in data])


def _check_header(path: Path, line: int, header: list[str], reference_year: int) -> bool:
    """True for a PxWeb label column ("region"), False for code + name columns."""
    first = header[0].casefold() if header else ""
    expected = (f'a header "region","{reference_year}" (PxWeb export) or '
                f'"Kommunkod","Kommun","{reference_year}"')
    if first == "region" and len(header) == 2:
        label_mode = True
    elif (first in _CODE_HEADERS and len(header) == 3
          and header[1].casefold() in _NAME_HEADERS):
        label_mode = False
    else:
        raise InputError(path, f"wrong header: expected {expected}", line=line, column="1",
                         value=",".join(header))
    # a year is four digits standing alone: "Folkmängd 20245" is no year, not 2024
    if str(reference_year) not in re.findall(r"(?<!\d)\d{4}(?!\d)", header[-1]):
        raise InputError(path, f"wrong header: the figures column must be headed by the "
                         f"reference year {reference_year}", line=line,
                         column=str(len(header)), value=header[-1])
    return label_mode


def _region_row(path: Path, line: int, cells: list[str], header: list[str],
                label_mode: bool) -> RegionRow:
    extra = [c for c in cells[len(header):] if c]
    if len(cells) < len(header) or extra:
        raise InputError(path, f"expected {len(header)} columns like the header", line=line,
                         value=",".join(cells))
    if label_mode:
        match = _REGION_LABEL.fullmatch(cells[0])
        if not match:
            raise InputError(path, 'a region label is a 4-digit municipality code and a name, '
                             'like "0114 Upplands Väsby"', line=line, column=header[0],
                             value=cells[0])
        code, name = match.group(1), match.group(2).strip()
        checked_text(path, name, line=line, column=header[0])
    else:
        if not _CODE.fullmatch(cells[0]):
            raise InputError(path, "a municipality code is 4 digits", line=line,
                             column=header[0], value=cells[0])
        code, name = cells[0].zfill(4), checked_text(path, cells[1], line=line,
                                                     column=header[1])
    figure = cells[len(header) - 1]  # a trailing delimiter adds an empty cell after it
    return RegionRow(line, code, name, parse_figure(path, line, header[-1], figure))


def parse_figure(path: Path, line: int, column: str, text: str) -> int:
    """A whole number as SCB or a spreadsheet writes it: "44605", "44 605" (space grouping)."""
    compact = text.strip()
    if _GROUPED.fullmatch(compact):
        compact = re.sub(r"[ \u00a0\u202f\u2009]", "", compact)
    if not _PLAIN.fullmatch(compact):
        rule = "a figure is a whole number (a true zero is written 0)"
        raise InputError(path, rule, line=line, column=column, value=text)
    if len(compact.lstrip("-")) > len(str(MAX_FIGURE)) or abs(int(compact)) > MAX_FIGURE:
        raise InputError(path, f"a figure above {PRINT.integer(MAX_FIGURE)} is not plausible",
                         line=line, column=column, value=text)
    return int(compact)
