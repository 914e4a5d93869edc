"""The national prognosis scenarios (`D/prognosis.toml`, optional)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.files import parse_toml
from pipeline.site.inputs import Prognosis

SCENARIOS = ("low", "base", "high")


def load_prognosis(path: Path, year: int | None = None) -> Prognosis | None:
    """`prognosis.toml`: national prognosis scenarios, one table per year,

        illustrative = true          # optional, default false
        source = "…"                 # optional
        [prognosis.2026]
        low = 390                    # children in the whole year, nationally
        base = 420
        high = 460

    Whole numbers ≥ 0 with low ≤ base ≤ high; every year is validated. Returns the scenarios of
    `year` (default: the latest year in the file), or None if the file does not exist or has no
    table for `year`."""
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"not readable UTF-8 text ({type(error).__name__})") from None
    document = parse_toml(path, text)
    unknown = set(document) - {"illustrative", "source", "prognosis"}
    if unknown:
        raise InputError(path, f"unknown key {sorted(unknown)[0]!r}; allowed: illustrative, "
                         "source, prognosis")
    illustrative = document.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise InputError(path, "illustrative: must be true or false", value=illustrative)
    source = document.get("source", "")
    if not isinstance(source, str):
        raise InputError(path, "source: must be text", value=source)
    years = document.get("prognosis")
    if not isinstance(years, dict) or not years:
        raise InputError(path, "needs at least one table [prognosis.<year>] with low, base, high")
    parsed: dict[int, dict[str, int]] = {}
    for year_key, table in years.items():
        if not re.fullmatch(r"\d{4}", year_key):
            raise InputError(path, f"prognosis.{year_key}: the table name is a year (4 digits)")
        if not isinstance(table, dict):
            raise InputError(path, f"prognosis.{year_key}: must be a table with low, base, high")
        extra = set(table) - set(SCENARIOS)
        if extra:
            raise InputError(path, f"prognosis.{year_key}.{sorted(extra)[0]}: unknown key; "
                             "allowed: low, base, high")
        for key in SCENARIOS:
            value = table.get(key)
            if value is None:
                raise InputError(path, f"prognosis.{year_key}.{key}: is required")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(path, f"prognosis.{year_key}.{key}: must be a whole number ≥ 0",
                                 value=value)
        if not table["low"] <= table["base"] <= table["high"]:
            raise InputError(path, f"prognosis.{year_key}: low ≤ base ≤ high is required",
                             value=f"{table['low']}, {table['base']}, {table['high']}")
        parsed[int(year_key)] = {key: table[key] for key in SCENARIOS}
    year = max(parsed) if year is None else year
    if year not in parsed:
        return None
    return Prognosis(year=year, children=parsed[year], illustrative=illustrative, source=source)

