"""The register of Sweden's 290 municipalities (kommuner) and 21 counties (län)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from pipeline.errors import InputError

REGISTER_COLUMNS = ["municipality_code", "municipality_name", "county_code", "county_name"]
MUNICIPALITY_CODE = re.compile(r"^\d{4}$")


def load_register(path: Path) -> pl.DataFrame:
    """Read the municipality register (UTF-8 CSV), codes kept as text with their leading zero."""
    if not path.is_file():
        raise InputError(path, "the municipality register is missing")
    frame = pl.read_csv(path, schema={c: pl.String for c in REGISTER_COLUMNS})
    for line, code in enumerate(frame["municipality_code"], start=2):
        if not MUNICIPALITY_CODE.match(code or ""):
            raise InputError(path, "a municipality code is 4 digits", line=line,
                             column="municipality_code", value=code)
    return frame.sort("municipality_code")
