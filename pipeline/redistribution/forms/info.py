"""The hidden "Info" sheet of a returned form: which share year and county board it is for.

A county board never types here, but a form is a file from outside all the same: every value is
validated like a visible cell (a whole number, a two-digit county code, text without control or
direction characters), and whether the county exists is checked against the register with the
rows (`validation`), so a forged sheet is a form problem, never an internal error.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.inert import first_unsafe
from pipeline.redistribution.agreements import INFO_SHEET
from pipeline.redistribution.forms import messages


def read_info(path: Path, rows: Mapping[int, Mapping[int, object]]) -> dict:
    """share_year, county_code, county_name and decimals from the hidden "Info" sheet's rows
    (row -> column -> value), or an InputError naming the key and the value."""
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
    county_name = str(facts.get("county_name") or "").strip()
    if first_unsafe(county_name) is not None:
        raise InputError(path, messages.BAD_INFO.format(key="county_name"), sheet=INFO_SHEET,
                         value=county_name)
    return {"share_year": share_year, "county_code": county_code,
            "county_name": county_name, "decimals": decimals}


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
