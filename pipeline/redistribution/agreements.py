"""Reading redistribution agreements (omfördelningar) as the county boards and the agency send them.

Agreements arrive as a CSV (`data/redistributions/<Y>.csv`), read here, or as the "Omfördelning"
sheet of a review workbook filled in by a county board (`data/redistributions/<Y>/`, read by
`forms`). Both become `Agreement`s; the rules they must keep are in `rules`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.text import describe_character, first_unsafe
from pipeline.core.units import parse_promille
from pipeline.ingestion.register import MUNICIPALITY_CODE

CSV_COLUMNS = [
    "share_year", "giver_code", "receiver_code", "amount_promille", "approved_on", "reference",
]

ALL = "all"

MAX_AGREEMENT_BYTES = 1024 * 1024
MAX_FORM_ROWS = 10_000


# ASCII digits only (`\d` is any Unicode digit, and int() reads them), matched whole
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

YEAR = re.compile(r"[0-9]{4}")

FORM_SHEET = "Omfördelning"

INFO_SHEET = "Info"

FORM_HEADERS = [
    "Givande kommun (kod)",
    "Mottagande kommun (kod)",
    "Andel ‰ (eller ”hela andelen”)",
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

    def units(self, calculated_units: Mapping[str, int]) -> int:
        """The amount in units, "all" resolved against the giver's calculated share."""
        return resolved_units(self.amount_units, calculated_units[self.giver_code])


def resolved_units(amount_units: int | None, calculated_units: int) -> int:
    """An amount in units of 10^-decimals ‰, with "all" (None; "hela andelen" on the county
    boards' form) resolved to the giver's calculated share: the one place it is resolved."""
    return calculated_units if amount_units is None else amount_units


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
    ended = reader.line_num  # where the previous record ended: a record starts on the next
    for row in reader:
        line, ended = ended + 1, reader.line_num
        if not any(field.strip() for field in row):
            continue
        if len(row) != len(CSV_COLUMNS):
            raise InputError(path, f"a row has {len(CSV_COLUMNS)} fields",
                             line=line, value=",".join(row))
        cells = dict(zip(CSV_COLUMNS, (field.strip() for field in row), strict=True))
        parsed = {}
        for column, parse in parsers.items():
            try:
                parsed[column] = parse(cells[column])
            except ValueError as error:
                raise InputError(path, str(error), line=line, column=column,
                                 value=cells[column]) from None
        agreements.append(_agreement(parsed, f"{path} line {line}"))
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
    if not YEAR.fullmatch(text):
        raise ValueError("the share year is a 4-digit year")
    return int(text)


def _parse_code(text: str) -> str:
    if not MUNICIPALITY_CODE.fullmatch(text):
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
        if ISO_DATE.fullmatch(text):
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


