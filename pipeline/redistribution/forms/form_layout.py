"""The returned form around its five columns, as the review workbook writes it and the reader reads
it: the facts of the hidden "Info" sheet, the header row (also as earlier workbooks wrote it), the
contact fields above it and the example row below it that is never read.

* Contact fields: a label in column A ("Kontaktperson", "Telefon", "E-post") and what the county
  board typed in column B, on rows above the header. They say whom to ask about the form.
* The example row: the workbook records its five values on the hidden "Info" sheet
  (`example_<field>`); a form row equal to them, cell by cell as a county board would read them,
  is the example and is not an agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.inert import first_unsafe
from pipeline.redistribution.agreements import FORM_HEADERS, FORM_SHEET, INFO_SHEET
from pipeline.redistribution.forms import messages
from pipeline.redistribution.forms.values import shown

CONTACT_NAME, CONTACT_PHONE, CONTACT_EMAIL = "Kontaktperson", "Telefon", "E-post"
CONTACT_LABELS = (CONTACT_NAME, CONTACT_PHONE, CONTACT_EMAIL)
EXAMPLE_KEYS = tuple(f"example_{field}" for field in
                     ("giver", "receiver", "amount", "approved_on", "reference"))
# The amount's heading before it read ”hela andelen”: forms already sent out carry it.
EARLIER_HEADERS = [*FORM_HEADERS[:2], 'Andel ‰ (eller "all")', *FORM_HEADERS[3:]]
ACCEPTED_HEADERS = (FORM_HEADERS, EARLIER_HEADERS)
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class FormContact:
    """Who filled in the form, as typed ("" for a field left empty)."""

    name: str
    phone: str
    email: str

    def describe(self) -> str:
        """"Anna Andersson, telefon 0920-…, e-post …", or "" when nothing is filled in."""
        parts = [self.name,
                 f"telefon {self.phone}" if self.phone else "",
                 f"e-post {self.email}" if self.email else ""]
        return ", ".join(part for part in parts if part)


def contact_of(rows: Mapping[int, Mapping[int, object]], header_row: int) -> FormContact:
    """The contact fields on the rows above the header; empty where a field is missing."""
    found: dict[str, str] = {}
    for number in sorted(rows):
        if number >= header_row:
            break
        label, value = rows[number].get(1), rows[number].get(2)
        if isinstance(label, str) and label.strip() in CONTACT_LABELS:
            found.setdefault(label.strip(), shown(value).strip())
    return FormContact(*(found.get(label, "") for label in CONTACT_LABELS))


def example_of(facts: Mapping[str, object]) -> tuple[str, ...] | None:
    """The example row's five values as shown, from the "Info" facts; None for a workbook
    without an example."""
    if not all(key in facts for key in EXAMPLE_KEYS):
        return None
    return tuple(shown(facts[key]) for key in EXAMPLE_KEYS)


def is_example(values: Sequence[object], example: tuple[str, ...] | None) -> bool:
    return example is not None and tuple(shown(value) for value in values) == example


def info_facts(path: Path, rows: Mapping[int, Mapping[int, object]]) -> dict:
    """share_year, county_code, county_name, decimals, illustrative and the example from the rows
    of the hidden "Info" sheet (a key in column A, its value in B)."""
    facts: dict[str, object] = {}
    for columns in rows.values():
        key = columns.get(1)
        if isinstance(key, str) and key.strip() and 2 in columns:
            facts.setdefault(key.strip(), columns[2])
    share_year = _whole(facts.get("share_year"))
    if share_year is None or not 1000 <= share_year <= 9999:
        raise InputError(path, messages.BAD_INFO.format(key="share_year"), sheet=INFO_SHEET,
                         value=facts.get("share_year"))
    county = facts.get("county_code")
    county_code = (f"{_whole(county):02d}" if _whole(county) is not None
                   else str(county or "").strip())
    if not (len(county_code) == 2 and county_code.isascii() and county_code.isdigit()):
        raise InputError(path, messages.BAD_INFO.format(key="county_code"), sheet=INFO_SHEET,
                         value=county)
    decimals = _whole(facts.get("decimals"))
    if facts.get("decimals") is not None and (decimals is None or decimals > 9):
        raise InputError(path, messages.BAD_INFO.format(key="decimals"), sheet=INFO_SHEET,
                         value=facts.get("decimals"))
    # A county board never types here, but the form is a file from outside all the same.
    county_name = str(facts.get("county_name") or "").strip()
    if first_unsafe(county_name) is not None:
        raise InputError(path, messages.BAD_INFO.format(key="county_name"), sheet=INFO_SHEET,
                         value=county_name)
    return {"share_year": share_year, "county_code": county_code,
            "county_name": county_name, "decimals": decimals,
            # A boolean cell, or the text LibreOffice or an .xls may turn it into.
            "illustrative": shown(facts.get("illustrative")).casefold() in ("sant", "true", "1"),
            "example": example_of(facts)}


def find_header_row(path: Path, rows: Mapping[int, Mapping[int, object]]) -> int:
    """The row of the form's header among the first HEADER_SEARCH_ROWS rows."""
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        columns = rows.get(number, {})
        texts = [str(columns.get(c, "")).strip() for c in range(1, len(FORM_HEADERS) + 1)]
        if texts in ACCEPTED_HEADERS:
            return number
    raise InputError(path, messages.NO_HEADER.format(headers=", ".join(FORM_HEADERS),
                                                     rows=HEADER_SEARCH_ROWS), sheet=FORM_SHEET)


def _whole(value: object) -> int | None:
    """A whole number from a numeric cell (2026 or 2026.0) or digit text ("2026")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None
