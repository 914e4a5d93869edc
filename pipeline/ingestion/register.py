"""The register of Sweden's municipalities (kommuner) and counties (län)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError
from pipeline.core.text import checked_text
from pipeline.ingestion.readers import decode_text

REGISTER_COLUMNS = ["municipality_code", "municipality_name", "county_code", "county_name"]
# ASCII digits only (`\d` is any Unicode digit), matched whole: `$` alone lets a final line break
# through, and the register's cells are taken as written
MUNICIPALITY_CODE = re.compile(r"[0-9]{4}")
COUNTY_CODE = re.compile(r"[0-9]{2}")
MAX_REGISTER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Municipality:
    """One municipality (kommun) of the register with its county (län)."""

    code: str
    name: str
    county_code: str
    county_name: str


def load_register(path: Path) -> pl.DataFrame:
    """Read the municipality register (UTF-8 CSV with the header `REGISTER_COLUMNS`); codes kept
    as text with their leading zero, unique, each municipality's code starting with its county's."""
    if not path.is_file():
        raise InputError(path, "the municipality register is missing")
    if path.stat().st_size > MAX_REGISTER_BYTES:
        raise InputError(path, f"the register is larger than {MAX_REGISTER_BYTES} bytes")
    reader = csv.reader(io.StringIO(decode_text(path, path.read_bytes()), newline=""))
    try:
        header = next(reader)
        if header != REGISTER_COLUMNS:
            raise InputError(path, f"the header must be exactly {','.join(REGISTER_COLUMNS)}",
                             line=1, value=",".join(header))
        rows = []
        ended = reader.line_num  # where the previous record ended: a record starts on the next
        for cells in reader:
            if any(cells):
                rows.append((ended + 1, cells))
            ended = reader.line_num
    except csv.Error as error:
        raise InputError(path, f"not a readable CSV file ({error})",
                         line=reader.line_num) from None
    seen: dict[str, int] = {}
    for line, cells in rows:
        _check_row(path, line, cells, seen)
    if not rows:
        raise InputError(path, "the register lists no municipality")
    return (pl.DataFrame([cells for _, cells in rows], schema=REGISTER_COLUMNS, orient="row")
            .sort("municipality_code"))


def _check_row(path: Path, line: int, cells: list[str], seen: dict[str, int]) -> None:
    if len(cells) != len(REGISTER_COLUMNS):
        raise InputError(path, f"a row has {len(REGISTER_COLUMNS)} fields", line=line,
                         value=",".join(cells))
    code, name, county, county_name = cells
    if not MUNICIPALITY_CODE.fullmatch(code):
        raise InputError(path, "a municipality code is 4 digits", line=line,
                         column="municipality_code", value=code)
    if code in seen:
        raise InputError(path, f"each municipality appears once; first seen on line {seen[code]}",
                         line=line, column="municipality_code", value=code)
    if not COUNTY_CODE.fullmatch(county) or not code.startswith(county):
        raise InputError(path, "the county code is the first two digits of the municipality code",
                         line=line, column="county_code", value=county)
    if not name.strip() or not county_name.strip():
        raise InputError(path, "every municipality and county has a name", line=line,
                         column="municipality_name", value=name)
    checked_text(path, name, line=line, column="municipality_name")
    checked_text(path, county_name, line=line, column="county_name")
    seen[code] = line
