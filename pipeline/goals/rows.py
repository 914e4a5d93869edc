"""The register's CSV files row by row: read as text, a malformed line located, and every rule
checked as one vectorised mask over all rows, the earliest offending line reported.

Shared by the assignments (pipeline.goals.ledger) and the transfers (pipeline.goals.register):
each names its own rules; the file, line, column, value and rule of the first break reach the
user as one InputError.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
BOM = b"\xef\xbb\xbf"
# A rule: the column it is about (None for the whole line), what it says, and the mask of the
# rows that break it.
Rule = tuple[str | None, str, pl.Expr]


def header_line(raw: bytes) -> bytes:
    """The file's first line without a byte-order mark or line end."""
    return raw.removeprefix(BOM).split(b"\n", 1)[0].rstrip(b"\r")


def text_rows(path: Path, raw: bytes, columns: list[str]) -> pl.DataFrame:
    """Every line after the header as text, one column each: a line that is not one record of
    the header's fields is located and refused."""
    try:
        text = pl.read_csv(raw, schema={c: pl.String for c in columns})
    except pl.exceptions.ComputeError as error:
        raise (_locate_malformed(path, raw, len(columns))
               or InputError(path, "not a readable CSV")) from error
    if text.height != _line_count(raw) - 1:
        raise (_locate_malformed(path, raw, len(columns))
               or InputError(path, "one record per line"))
    return text


def iso_dates(column: str) -> pl.Expr:
    """A text column of ISO dates parsed; null where it is not a calendar date."""
    return pl.col(column).str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def bad_date(column: str, parsed: str) -> pl.Expr:
    """The rows whose `column` is not written YYYY-MM-DD or is no calendar date."""
    return ~pl.col(column).str.contains(ISO_DATE) | pl.col(parsed).is_null()


def unique(column: str, text: pl.DataFrame) -> pl.Expr:
    """The rows whose `column` appeared on an earlier line."""
    # Sequential ids are unique for a few ms; hashing a million of them takes ~100 ms.
    ids = text[column]
    increasing = ids.is_empty() or bool(
        (ids.slice(1) > ids.slice(0, len(ids) - 1)).all(ignore_nulls=False))
    return pl.lit(False) if increasing else ~pl.col(column).is_first_distinct()


def required(columns: list[str], what: str) -> list[Rule]:
    """No blank line, no empty value."""
    return [(None, f"a line must hold {what} (this one is blank)",
             pl.all_horizontal(pl.col(c).is_null() for c in columns)),
            *[(c, "a value is required", pl.col(c).is_null()) for c in columns]]


def check(path: Path, frame: pl.DataFrame, text: pl.DataFrame, rules: list[Rule]) -> None:
    """Raise for the earliest line that breaks a rule (within a line, the first rule listed);
    `frame` holds the columns the masks read, `text` the values as written."""
    first_rows = (frame.select(mask.fill_null(False).arg_true().first().alias(str(i))
                               for i, (_, _, mask) in enumerate(rules))
                  .row(0))
    offending = [(row, i) for i, row in enumerate(first_rows) if row is not None]
    if not offending:
        return
    row, i = min(offending)
    column, rule, _ = rules[i]
    value = None if column is None else text[column][row] or ""
    raise InputError(path, rule, line=row + 2, column=column, value=value)


def _line_count(raw: bytes) -> int:
    return raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)


def _locate_malformed(path: Path, raw: bytes, fields: int) -> InputError | None:
    """The slow path, taken only for a broken file: find the first line that is not one record of
    the header's fields (undecodable bytes, too many fields, a quoted line break)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return InputError(path, "the file must be UTF-8",
                          line=raw[: error.start].count(b"\n") + 1, value=raw[error.start:][:8])
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for record in reader:
            if reader.line_num != line:
                return InputError(path, "a record must fit on one line (quoted line break)",
                                  line=line)
            if len(record) > fields:
                return InputError(path, f"a line has {fields} fields, not {len(record)}",
                                  line=line, value=",".join(record))
            line += 1
    except csv.Error as error:
        return InputError(path, f"not a readable CSV line ({error})", line=line)
    return None
