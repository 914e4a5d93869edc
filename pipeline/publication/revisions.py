"""What a reissue changed: the rows of the new version that differ from the version it replaces.

A row is changed when any value it publishes differs from the replaced version's CSV: the
calculated, given, received or final share, last year's share or the expected children (the
change from last year follows from the share and last year's share, so it adds nothing). The
editions mark those rows (the PDF and the Excel edition visibly, both CSVs in the column
`changed_from_version`) and list them on the first page.
"""

from __future__ import annotations

import csv
import io

import polars as pl

from pipeline.core.units import parse_promille
from pipeline.publication.table import FieldChange, RowChange, with_context

# Compared columns: (machine CSV column, frame column, is a promille share).
COMPARED = (
    ("calculated_promille", "calculated_units", True),
    ("given_promille", "given_units", True),
    ("received_promille", "received_units", True),
    ("share_promille", "share_units", True),
    ("previous_share_promille", "previous_units", True),
    ("expected_children", "expected_children", False),
)
MARK = "changed_from_version"


def row_changes(replaced_csv: bytes, replaced_decimals: int, final: pl.DataFrame,
                decimals: int) -> tuple[RowChange, ...] | None:
    """The rows of `final` whose values differ from the replaced version's machine CSV, in
    municipality-code order; None when that CSV cannot be read (altered since publication). A
    column the replaced CSV does not have (published before it existed) is not compared."""
    try:
        replaced = _read(replaced_csv, replaced_decimals, decimals)
    except (ValueError, KeyError, UnicodeDecodeError, csv.Error):
        return None
    changes = []
    for row in with_context(final).sort("municipality_code").iter_rows(named=True):
        before = replaced.get(row["municipality_code"], {})
        fields = tuple(
            FieldChange(name, before[name], row[column])
            for name, column, _ in COMPARED if name in before and before[name] != row[column])
        if fields or not before:
            changes.append(RowChange(row["municipality_code"], row["municipality_name"], fields))
    return tuple(changes)


def mark_changes(final: pl.DataFrame, changes: tuple[RowChange, ...] | None,
                 replaced_version: int | None) -> pl.DataFrame:
    """`final` with `changed_from_version`: the replaced version's number on each changed row,
    empty elsewhere (and everywhere in a first version)."""
    codes = [change.municipality_code for change in changes or ()]
    mark = (pl.when(pl.col("municipality_code").is_in(codes)).then(replaced_version)
            if replaced_version is not None and codes else pl.lit(None))
    return final.with_columns(mark.cast(pl.Int64).alias(MARK))


def _read(data: bytes, from_decimals: int, to_decimals: int) -> dict[str, dict[str, int | None]]:
    """The replaced CSV's compared values by municipality, promille in `to_decimals` units."""
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
    scale = 10 ** (to_decimals - from_decimals) if to_decimals >= from_decimals else None
    result = {}
    for row in rows:
        values: dict[str, int | None] = {}
        for name, _, promille in COMPARED:
            if name not in row:
                continue
            text = row[name].strip()
            if not text:
                values[name] = None
            elif not promille:
                values[name] = int(text)
            else:
                units = parse_promille(text, from_decimals)
                # Fewer decimals now than then: a rounded value is compared as a changed one.
                values[name] = units * scale if scale is not None else units
        result[row["municipality_code"]] = values
    return result
