"""Reading redistribution agreements (omfördelningar) as the county boards and the agency send them.

Agreements arrive as a CSV (`data/redistributions/<Y>.csv`) or as the "Omfördelning" sheet of a
review workbook filled in by a county board (`data/redistributions/<Y>/*.xlsx`). This module only
reads them into `Agreement`s, naming the file and line of anything unreadable; the rules they must
keep are in `rules`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.text import describe_character, first_unsafe
from pipeline.core.units import parse_promille
from pipeline.ingestion.readers import opened_workbook, sheet_values
from pipeline.ingestion.register import MUNICIPALITY_CODE

CSV_COLUMNS = [
    "share_year", "giver_code", "receiver_code", "amount_promille", "approved_on", "reference",
]

ALL = "all"

MAX_AGREEMENT_BYTES = 1024 * 1024

MAX_FORM_ROWS = 10_000

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

YEAR = re.compile(r"^\d{4}$")

FORM_SHEET = "Omfördelning"

INFO_SHEET = "Info"

FORM_HEADERS = [
    "Givande kommun (kod)",
    "Mottagande kommun (kod)",
    'Andel ‰ (eller "all")',
    "Beslutsdatum (ÅÅÅÅ-MM-DD)",
    "Diarienummer",
]


@dataclass(frozen=True)
class Agreement:
    """One approved transfer of share from a giving to a receiving municipality.

    `amount_units` is in units of 10^-decimals ‰; None means "all" (the giver's entire calculated
    share). `source` says where the agreement was read, e.g. "data/redistributions/2026.csv line 3".
    """

    share_year: int
    giver_code: str
    receiver_code: str
    amount_units: int | None
    approved_on: date
    reference: str
    source: str


def read_agreements_csv(path: Path, decimals: int) -> list[Agreement]:
    """Read an agreement CSV (UTF-8, BOM tolerated) with the header `CSV_COLUMNS`, all as text."""
    parsers = _parsers(decimals, _parse_code, _parse_amount, _parse_date, str)
    try:
        return _agreements_from_text(path, _utf8_text(path), parsers)
    except csv.Error as error:
        raise InputError(path, f"not a readable CSV file ({error})") from None


def _utf8_text(path: Path) -> str:
    if path.stat().st_size > MAX_AGREEMENT_BYTES:
        raise InputError(path, f"an agreement file is at most {MAX_AGREEMENT_BYTES} bytes")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, "unreadable encoding: an agreement file is UTF-8",
                         line=raw.count(b"\n", 0, error.start) + 1,
                         value=f"byte 0x{raw[error.start]:02X}") from None


def _agreements_from_text(path: Path, text: str, parsers: dict) -> list[Agreement]:
    if "\x00" in text:
        raise InputError(path, "unreadable encoding: the file holds NUL characters")
    handle = io.StringIO(text, newline="")
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != CSV_COLUMNS:
        raise InputError(path, f"the header must be exactly {','.join(CSV_COLUMNS)}", line=1,
                         value=",".join(header or []))
    agreements = []
    for row in reader:
        if not any(field.strip() for field in row):
            continue
        if len(row) != len(CSV_COLUMNS):
            raise InputError(path, f"a row has {len(CSV_COLUMNS)} fields",
                             line=reader.line_num, value=",".join(row))
        cells = dict(zip(CSV_COLUMNS, (field.strip() for field in row), strict=True))
        parsed = {}
        for column, parse in parsers.items():
            try:
                parsed[column] = parse(cells[column])
            except ValueError as error:
                raise InputError(path, str(error), line=reader.line_num, column=column,
                                 value=cells[column]) from None
        agreements.append(_agreement(parsed, f"{path} line {reader.line_num}"))
    return agreements


def read_agreements_workbook(path: Path, decimals: int) -> list[Agreement]:
    """Read the filled-in "Omfördelning" sheet of a review workbook; the share year is on "Info"."""
    with opened_workbook(path) as workbook:
        share_year = _workbook_share_year(path, workbook)
        if FORM_SHEET not in workbook.sheetnames:
            raise InputError(path, f"the workbook has no sheet {FORM_SHEET!r}")
        rows = sheet_values(path, workbook[FORM_SHEET], MAX_FORM_ROWS)
    parsers = _parsers(decimals, _cell_code, _cell_amount, _cell_date, _cell_text)
    del parsers["share_year"]
    header_row = _form_header_row(path, rows)
    agreements = []
    for row_number, row in enumerate(rows[header_row:], start=header_row + 1):
        values = (list(row) + [None] * len(FORM_HEADERS))[: len(FORM_HEADERS)]
        if all(_blank(value) for value in values):
            continue
        parsed = {"share_year": share_year}
        for (column, parse), header, value in zip(parsers.items(), FORM_HEADERS, values,
                                                  strict=True):
            try:
                parsed[column] = parse(value)
            except ValueError as error:
                raise InputError(path, str(error), sheet=FORM_SHEET, line=row_number,
                                 column=header, value=value) from None
        agreements.append(_agreement(parsed, f"{path} sheet {FORM_SHEET!r} row {row_number}"))
    return agreements


def read_all_agreements(directory: Path, share_year: int, decimals: int) -> list[Agreement]:
    """Every agreement for a share year: `<directory>/<Y>.csv`, then `<directory>/<Y>/*.xlsx`
    in name order (Excel's "~$" lock files are skipped)."""
    agreements: list[Agreement] = []
    csv_path = directory / f"{share_year}.csv"
    if csv_path.is_file():
        agreements += read_agreements_csv(csv_path, decimals)
    workbook_dir = directory / str(share_year)
    if workbook_dir.is_dir():
        for path in sorted(workbook_dir.glob("*.xlsx")):
            if not path.name.startswith("~$"):
                agreements += read_agreements_workbook(path, decimals)
    return agreements


def _agreement(parsed: dict, source: str) -> Agreement:
    return Agreement(share_year=parsed["share_year"], giver_code=parsed["giver_code"],
                     receiver_code=parsed["receiver_code"],
                     amount_units=parsed["amount_promille"], approved_on=parsed["approved_on"],
                     reference=parsed["reference"], source=source)


def _parsers(decimals: int, code, amount, approved_on, reference) -> dict:
    """One parser per CSV column, in CSV order; each raises ValueError naming the rule."""
    return {
        "share_year": _parse_year,
        "giver_code": code,
        "receiver_code": code,
        "amount_promille": lambda value: amount(value, decimals),
        "approved_on": approved_on,
        "reference": lambda value: _parse_reference(reference(value)),
    }


def _parse_year(text: str) -> int:
    if not YEAR.match(text):
        raise ValueError("the share year is a 4-digit year")
    return int(text)


def _parse_code(text: str) -> str:
    if not MUNICIPALITY_CODE.match(text):
        raise ValueError("a municipality code is 4 digits, leading zero kept (e.g. 0114)")
    return text


def _parse_amount(text: str, decimals: int) -> int | None:
    """`all`, or a decimal in ‰ with at most `decimals` decimals; a sign is kept so that a
    negative amount is rejected by the amount rule, not as unreadable."""
    if text.lower() == ALL:
        return None
    negative = text.startswith("-")
    try:
        units = parse_promille(text[1:] if negative else text, decimals)
    except ValueError as error:
        raise ValueError(f"the amount is 'all' or a number in ‰ with at most {decimals} "
                         f"decimals ({error})") from None
    return -units if negative else units


def _parse_date(text: str) -> date:
    try:
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError("the approval date is a date written YYYY-MM-DD")


def _parse_reference(text: str) -> str:
    if not text:
        raise ValueError("the county board's reference (diarienummer) is required")
    bad = first_unsafe(text)
    if bad is not None:
        raise ValueError(f"the reference holds {describe_character(bad.group())}, which is not "
                         "allowed in a reference")
    return text


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _cell_code(value: object) -> str:
    """A code typed into a numeric cell lost its leading zero (114); a text cell keeps it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        return f"{value:04d}"
    return _parse_code(_cell_text(value))


def _cell_amount(value: object, decimals: int) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # repr of a float is the shortest text that reads back to it: what the user typed.
        value = format(Decimal(repr(value)), "f")
    return _parse_amount(_cell_text(value), decimals)


def _cell_date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError("the approval date is a date without a time of day")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _parse_date(value.strip())
    raise ValueError("the approval date is a date written YYYY-MM-DD")


def _workbook_share_year(path: Path, workbook) -> int:
    if INFO_SHEET in workbook.sheetnames:
        for key, value, *_ in workbook[INFO_SHEET].iter_rows(values_only=True):
            if key == "share_year" and isinstance(value, int):
                return value
    raise InputError(path, "the workbook must keep the hidden 'Info' sheet with share_year; "
                     "fill in the review workbook the pipeline wrote", sheet=INFO_SHEET)


def _form_header_row(path: Path, rows: list[tuple]) -> int:
    """The 1-based row of the form's header (the title and instructions come above it)."""
    for number, row in enumerate(rows[:20], start=1):
        if [_cell_text(v) for v in row[: len(FORM_HEADERS)]] == FORM_HEADERS:
            return number
    raise InputError(path, f"the form's header row ({', '.join(FORM_HEADERS)}) is missing",
                     sheet=FORM_SHEET)

