"""What people type into the form: municipalities, amounts and dates, read strictly.

Text holding a character the inert-text policy refuses (`pipeline.core.inert`) is refused by
every parser first, naming the code point, whatever else it would have been read as.

Each parser takes a cell value as the spreadsheet holds it (text, number, date, None) and returns
the value, or `Refused` with a Swedish reason. Nothing ambiguous is accepted and nothing is
guessed: "1.000,5" is not read as a thousand, "5/12" has no year, "Habo" is never "Håbo".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from pipeline.core.inert import describe_character, first_unsafe
from pipeline.core.inert import shown as inert_shown
from pipeline.ingestion.register import Municipality
from pipeline.presentation.formats import PLAIN, month_number
from pipeline.redistribution.forms import messages
from pipeline.redistribution.forms.suggestions import closest_municipalities


@dataclass(frozen=True)
class Refused:
    """A typed value that is not accepted; `reason` is Swedish, for the county board."""

    reason: str


WHOLE_SHARE = None
"""`parse_amount` returns this for "hela andelen": the giver's entire calculated share (the same
None that `Agreement.amount_units` uses)."""

_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"^[0-9]{4}$")
_CODE_AND_NAME = re.compile(r"^([0-9]{4})\s+(\S.*)$")
_AMOUNT = re.compile(r"^(-?)([0-9]+)(?:[.,]([0-9]+))?$")
_PROMILLE_SIGN = re.compile(r"\s*(‰|promille)$", re.IGNORECASE)
_WHOLE_SHARE_WORDS = {"hela andelen", "hela", "all"}
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_DAY_FIRST = re.compile(r"^([0-9]{1,2})([/.])([0-9]{1,2})\2([0-9]{4})$")
_DAY_FIRST_SHORT_YEAR = re.compile(r"^([0-9]{1,2})([/.])([0-9]{1,2})\2([0-9]{2})$")
_DAY_MONTH_ONLY = re.compile(r"^[0-9]{1,2}[/.][0-9]{1,2}\.?$")
_WORDS = re.compile(r"^([0-9]{1,2})\.?\s+([^\W\d_]+)\.?\s+([0-9]+)$")
_WORDS_NO_YEAR = re.compile(r"^([0-9]{1,2})\.?\s+([^\W\d_]+)\.?$")


def normalised(text: str) -> str:
    """Text compared as typed: Unicode NFC, case-folded, runs of spaces (any kind) made one and
    the ends trimmed. Diacritics are kept: "Håbo" and "Habo" stay different."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


class MunicipalityIndex:
    """The register looked up by code and by normalised name."""

    def __init__(self, register: pl.DataFrame) -> None:
        self.by_code: dict[str, Municipality] = {}
        self.by_name: dict[str, list[Municipality]] = {}
        for code, name, county_code, county_name in register.select(
                "municipality_code", "municipality_name", "county_code",
                "county_name").iter_rows():
            municipality = Municipality(code, name, county_code, county_name)
            self.by_code[code] = municipality
            self.by_name.setdefault(normalised(name), []).append(municipality)

    def county_name(self, county_code: str) -> str | None:
        return next((m.county_name for m in self.by_code.values()
                     if m.county_code == county_code), None)


def municipality_index(register: pl.DataFrame) -> MunicipalityIndex:
    """An index of the register (`load_register`) for parse_municipality."""
    return MunicipalityIndex(register)


def parse_municipality(value: object, index: MunicipalityIndex) -> Municipality | Refused:
    """A code ("1499"; a numeric cell 1499 or 114 -> "0114"), a name ("Falköping", any case) or
    code and name ("1499 Falköping"), which must agree."""
    if _blank(value):
        return Refused(messages.MISSING_MUNICIPALITY)
    if unsafe := refuse_unsafe(value):
        return unsafe
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return Refused(messages.NOT_A_MUNICIPALITY)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return Refused(messages.CODE_DIGITS)
        number = int(value)
        if not 0 < number <= 9999:
            return Refused(messages.CODE_DIGITS)
        return _by_code(f"{number:04d}", index)
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if _CODE.fullmatch(text):
        return _by_code(text, index)
    if text.isdigit() or re.fullmatch(r"[0-9\s.,-]+", text):
        return Refused(messages.CODE_DIGITS)
    match = _CODE_AND_NAME.fullmatch(text)
    if match:
        code, typed_name = match.groups()
        found = _by_code(code, index)
        if isinstance(found, Refused):
            return found
        if normalised(typed_name) != normalised(found.name):
            return Refused(messages.code_name_mismatch(code, found.name, typed_name))
        return found
    candidates = index.by_name.get(normalised(text), [])
    if not candidates:
        meant = closest_municipalities(text, index.by_code.values())
        return Refused(messages.unknown_name(text, [(m.name, m.code) for m in meant]))
    if len(candidates) > 1:
        return Refused(messages.ambiguous_name(text, [m.code for m in candidates]))
    return candidates[0]


def _by_code(code: str, index: MunicipalityIndex) -> Municipality | Refused:
    found = index.by_code.get(code)
    return found if found is not None else Refused(messages.unknown_code(code))


def parse_amount(value: object, decimals: int = 2) -> int | None | Refused:
    """An amount in ‰ as units of 10^-decimals ‰ ("0,5" -> 50 at 2 decimals), or WHOLE_SHARE
    (None) for "hela andelen", "hela" or "all" in any case.

    Accepted: "0,5", "0.50", "0,5 ‰", "0,50‰", a numeric cell 0.5. Refused: more than `decimals`
    decimals as typed ("0,500" too: "1,500" could be a thousand and a half), thousands separators
    ("1.000,5", "1 000"), a sign, zero, text.
    """
    if _blank(value):
        return Refused(messages.MISSING_AMOUNT)
    if unsafe := refuse_unsafe(value):
        return unsafe
    if isinstance(value, bool):
        return Refused(messages.amount_format(decimals))
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return Refused(messages.amount_format(decimals))
        # The shortest text that reads back to the cell's number: what the user typed.
        text = PLAIN.number(value)
    elif isinstance(value, str):
        text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
        if text.casefold() in _WHOLE_SHARE_WORDS:
            return WHOLE_SHARE
        text = _PROMILLE_SIGN.sub("", text)
    else:
        return Refused(messages.amount_format(decimals))
    match = _AMOUNT.fullmatch(text)
    if not match:
        return Refused(messages.amount_format(decimals))
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    if len(fraction) > decimals:
        return Refused(messages.amount_decimals(decimals))
    units = int(whole) * 10**decimals + int(fraction.ljust(decimals, "0") or 0)
    if sign or units == 0:
        return Refused(messages.AMOUNT_NOT_POSITIVE)
    return units


def parse_date(value: object) -> date | Refused:
    """An approval date: a date cell, "2025-12-05", "2025-12-5", "5 december 2025",
    "5 dec 2025", "5/12/2025" or "5.12.2025" (day first). A year has four digits; a plain number
    is not a date (calamine already gives a date for a date-formatted cell)."""
    if _blank(value):
        return Refused(messages.MISSING_DATE)
    if unsafe := refuse_unsafe(value):
        return unsafe
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            return Refused(messages.DATE_WITH_TIME)
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return Refused(messages.DATE_FORMAT)
    if isinstance(value, int | float):
        return Refused(messages.NUMBER_NOT_DATE)
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _date(text, year, month, day)
    if match := _DAY_FIRST.fullmatch(text):
        day, _, month, year = match.groups()
        return _date(text, int(year), int(month), int(day))
    if _DAY_FIRST_SHORT_YEAR.fullmatch(text):
        return Refused(messages.TWO_DIGIT_YEAR)
    if _DAY_MONTH_ONLY.fullmatch(text) or _WORDS_NO_YEAR.fullmatch(text):
        return Refused(messages.DATE_WITHOUT_YEAR)
    if match := _WORDS.fullmatch(text):
        day, month_name, year = match.groups()
        month = month_number(month_name)
        if month is None:
            return Refused(messages.DATE_FORMAT)
        if len(year) != 4:
            return Refused(messages.TWO_DIGIT_YEAR if len(year) == 2 else messages.DATE_FORMAT)
        return _date(text, int(year), month, int(day))
    return Refused(messages.DATE_FORMAT)


def _date(text: str, year: int, month: int, day: int) -> date | Refused:
    try:
        return date(year, month, day)
    except ValueError:
        return Refused(messages.impossible_date(text))


def refuse_unsafe(value: object) -> Refused | None:
    """Refused when a text cell holds a character the inert-text policy refuses (a control
    character, a line or paragraph separator, a bidirectional control), naming it."""
    if isinstance(value, str) and (bad := first_unsafe(value)) is not None:
        return Refused(messages.unsafe_character(describe_character(bad.group())))
    return None


def parse_reference(value: object) -> str | Refused:
    """The county board's reference (diarienummer): any non-blank text; a number as typed."""
    if _blank(value):
        return Refused(messages.MISSING_REFERENCE)
    if unsafe := refuse_unsafe(value):
        return unsafe
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return _SPACES.sub(" ", str(value)).strip()


def shown(value: object) -> str:
    """A cell value as the county board would recognise it: text as typed, numbers with a
    decimal comma, dates as YYYY-MM-DD, an empty cell as "". A character the inert-text
    policy refuses is spelled out ("\\u202e"), so that a report or a message shows it inert."""
    if value is None:
        return ""
    if isinstance(value, str):
        return inert_shown(value)
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float):
        return PLAIN.number(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.min.time() \
            else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
