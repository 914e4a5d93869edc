"""Context beside a published share table: last year's share and the expected children.

* `previous_units`, `change_units`: the share of the previous share year as published, and the
  change to this year's share (`pipeline.model.change`); empty when that year is not published
  or the municipality is not in it.
* `expected_children`: how many of the national planning figure's equalising assignments each
  municipality would receive during the share year — what the rule will actually do given the
  ledger (`pipeline.goals.fulfilment.forecast_table`, exact), not share × figure: municipalities
  behind their target catch up first. Beside it, not published as columns but quoted by the
  reader's guide (`pipeline.publication.guide`): `assigned_before`, `target_before` and
  `fulfilment_before`, goal fulfilment on the ledger date against the share year's shares, which
  is what the forecast starts from.
"""

from __future__ import annotations

import io
from datetime import date

import polars as pl

from pipeline.core.files import sha256_bytes
from pipeline.goals.fulfilment import forecast_table, fulfilment_table
from pipeline.model.change import ShareChange

LEDGER_COLUMNS = ["assignment_id", "date", "municipality_code", "kind"]


def ledger_as_of(ledger: pl.DataFrame, share_year: int, published: date | None = None) -> date:
    """The ledger state the forecast starts from: 31 December of the year before the share year,
    or the ledger's last date when it ends earlier. A year already published keeps the date it
    states, so assignments recorded since do not change a rerun."""
    if published is not None:
        return published
    year_end = date(share_year - 1, 12, 31)
    last = ledger["date"].max() if ledger.height else None
    return min(year_end, last) if last is not None else year_end


def counted_ledger_sha256(ledger: pl.DataFrame, as_of: date) -> str:
    """The SHA-256 of the assignments dated up to `as_of` (as CSV): what the forecast counted,
    stable while later assignments are appended."""
    counted = ledger.filter(pl.col("date") <= as_of).select(LEDGER_COLUMNS)
    buffer = io.BytesIO()
    counted.write_csv(buffer, line_terminator="\n")
    return sha256_bytes(buffer.getvalue())


START_COLUMNS = ["assigned_before", "target_before", "fulfilment_before"]


def add_context(
    final: pl.DataFrame,
    change: ShareChange,
    *,
    ledger: pl.DataFrame | None = None,
    as_of: date | None = None,
    planning_children: int | None = None,
) -> pl.DataFrame:
    """`final` with `previous_units`, `change_units`, `expected_children` and `START_COLUMNS`.

    `change` is this year's final shares against the previous share year's published table;
    `ledger`, `as_of` and `planning_children` give the forecast. Each column stays empty (null)
    when its inputs are absent.
    """
    result = final.join(change.table.select("municipality_code", "previous_units",
                                            "change_units"),
                        on="municipality_code", how="left", maintain_order="left")
    result = result.with_columns(
        expected_children=pl.lit(None, pl.Int64),
        assigned_before=pl.lit(None, pl.Int64),
        target_before=pl.lit(None, pl.Float64),
        fulfilment_before=pl.lit(None, pl.Float64),
    )
    if ledger is not None and as_of is not None and planning_children is not None:
        expected = expected_children(final, change.current.decimals, ledger, as_of,
                                     planning_children)
        result = result.drop("expected_children", *START_COLUMNS).join(
            expected, on="municipality_code", how="left")
    return result


def expected_children(final: pl.DataFrame, decimals: int, ledger: pl.DataFrame, as_of: date,
                      planning_children: int) -> pl.DataFrame:
    """municipality_code, expected_children: the exact forecast of `planning_children`
    equalising assignments from the ledger's state on `as_of` against `final`'s shares; and the
    `START_COLUMNS`, the goal fulfilment it starts from."""
    table = fulfilment_table(ledger, final, as_of, decimals)
    forecast = forecast_table(table, planning_children, decimals)
    return forecast.select(
        "municipality_code", pl.col("expected").cast(pl.Int64).alias("expected_children"),
    ).join(table.select("municipality_code", assigned_before="assigned", target_before="target",
                        fulfilment_before="fulfilment_pct"), on="municipality_code")

