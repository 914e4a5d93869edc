"""pandera schemas for the five yearly statistics, against the municipality register.

Each statistic must have exactly one row for every one of the register's municipalities: codes as
4-digit text, no duplicates, no unknown codes, non-negative whole figures, and the name the register
gives the code. Names are compared exactly — Håbo (0305) and Habo (0643) differ only by å.
"""

from __future__ import annotations

from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipeline.core.errors import InputError
from pipeline.core.text import nfc
from pipeline.ingestion.readers import RegionTable

NAME_CHECK = "name_matches_register"
_RULES = {
    "field_uniqueness": "each municipality appears once (duplicated code)",
    "str_matches": "a municipality code is 4 digits",
    "isin": "the code is not a municipality in the register",
    "greater_than_or_equal_to": "a figure is a non-negative whole number",
    NAME_CHECK: "the name differs from the register's name for this code",
}


def statistic_schema(register: pl.DataFrame) -> pa.DataFrameSchema:
    """The schema of one statistic, with the register's codes and names built in."""
    codes = register["municipality_code"].to_list()
    return pa.DataFrameSchema(
        {
            "line": pa.Column(pl.Int64),
            "municipality_code": pa.Column(
                pl.String,
                [pa.Check.str_matches(r"^\d{4}$"), pa.Check.isin(codes)],
                unique=True,
            ),
            "municipality_name": pa.Column(pl.String),
            "register_name": pa.Column(pl.String, nullable=True),
            "value": pa.Column(pl.Int64, pa.Check.ge(0)),
        },
        checks=[pa.Check(
            lambda data: data.lazyframe.select(
                pl.col("register_name").is_null()
                | (pl.col("municipality_name") == pl.col("register_name"))
            ),
            name=NAME_CHECK,
        )],
        strict=True,
    )


def validate_statistic(path: Path, table: RegionTable, register: pl.DataFrame,
                       value_column: str) -> pl.DataFrame:
    """Validate a file's region rows; return (municipality_code, <value_column>) in code order.

    The first broken rule, in file order, becomes one InputError naming file, line, column and
    value; a municipality missing altogether is reported after every row-level rule.
    """
    rows = table.rows
    frame = pl.DataFrame(
        {
            "line": [r.line for r in rows],
            "municipality_code": [r.municipality_code for r in rows],
            # NFC: a name typed with combining marks (NFD "Österåker") is the same name.
            "municipality_name": [nfc(r.municipality_name) for r in rows],
            "value": [r.value for r in rows],
        },
        schema={"line": pl.Int64, "municipality_code": pl.String,
                "municipality_name": pl.String, "value": pl.Int64},
    )
    names = register.select("municipality_code", register_name=pl.col("municipality_name")
                            .map_elements(nfc, return_dtype=pl.String))
    frame = frame.join(names, on="municipality_code", how="left", maintain_order="left")
    try:
        statistic_schema(register).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise _first_failure(path, frame, errors.failure_cases, table) from None
    missing = register.join(frame, on="municipality_code", how="anti")
    if missing.height:
        first = missing.row(0, named=True)
        more = f" (and {missing.height - 1} more)" if missing.height > 1 else ""
        raise InputError(path, f"every municipality of the register must have a row; "
                         f"this one is missing{more}", column=table.region_column,
                         value=f"{first['municipality_code']} {first['municipality_name']}")
    return (frame.select("municipality_code", pl.col("value").alias(value_column))
            .sort("municipality_code"))


def _first_failure(path: Path, frame: pl.DataFrame, failures: pl.DataFrame,
                   table: RegionTable) -> InputError:
    """The first broken rule in file order: the failure on the smallest line and, of that line's
    failures, the one whose rule comes first in `_RULES`. A duplicated code is broken from its
    second row on (its first row is a legitimate row)."""
    located = failures.filter(pl.col("index").is_not_null())
    if located.is_empty():
        detail = failures.row(0, named=True)
        return InputError(path, f"schema check {detail['check']} failed",
                          value=detail["failure_case"])
    first_lines = frame.select(pl.col("line").min().over("municipality_code")).to_series()
    failure = (
        located.with_columns(line=frame["line"].gather(located["index"]),
                             first_line=first_lines.gather(located["index"]),
                             rank=pl.Series([_rank(check) for check in located["check"]],
                                            dtype=pl.Int64))
        .filter((pl.col("check") != "field_uniqueness")
                | (pl.col("line") > pl.col("first_line")))
        .sort(["line", "rank"], maintain_order=True)
        .row(0, named=True)
    )
    row = frame.row(failure["index"], named=True)
    check = failure["check"]
    rule = next((text for key, text in _RULES.items() if check.startswith(key)), check)
    if check == NAME_CHECK:
        rule = f"{rule} ({row['register_name']!r})"
        return InputError(path, rule, line=row["line"], column=table.region_column,
                          value=f"{row['municipality_code']} {row['municipality_name']}")
    if check == "field_uniqueness":
        rule = f"{rule}; first seen on line {failure['first_line']}"
    column = table.value_column if failure["column"] == "value" else table.region_column
    value = row["value"] if failure["column"] == "value" else row["municipality_code"]
    return InputError(path, rule, line=row["line"], column=column, value=value)


def _rank(check: str) -> int:
    """Where a failed check's rule stands in `_RULES` (a check of no rule there comes last)."""
    return next((rank for rank, key in enumerate(_RULES) if check.startswith(key)), len(_RULES))
