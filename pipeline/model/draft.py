"""The draft share table (utkast) as county boards and statisticians read it."""

from __future__ import annotations

import polars as pl

from pipeline.core.files import inert_text
from pipeline.core.units import promille_text
from pipeline.ingestion.registry import INPUT_COLUMNS

MUNICIPALITY_COLUMNS = ["municipality_code", "municipality_name", "county_code", "county_name"]
EXPLANATION_COLUMNS = ["population_share", "reception_share", "adjusted_share"]
DRAFT_CSV_COLUMNS = [
    *MUNICIPALITY_COLUMNS, *INPUT_COLUMNS, *EXPLANATION_COLUMNS, "at_floor", "share_promille",
]
EXPLANATION_DECIMALS = 6


def draft_csv(draft: pl.DataFrame, decimals: int) -> bytes:
    """UTF-8, decimal point; explanation shares in ‰ with 6 decimals, the share with `decimals`."""
    table = draft.select(
        *[inert_text(c) for c in MUNICIPALITY_COLUMNS],
        *INPUT_COLUMNS,
        *[pl.col(c).round(EXPLANATION_DECIMALS).map_elements(
            lambda x: f"{x:.{EXPLANATION_DECIMALS}f}", return_dtype=pl.String).alias(c)
          for c in EXPLANATION_COLUMNS],
        pl.when(pl.col("at_floor")).then(pl.lit("true")).otherwise(pl.lit("false"))
        .alias("at_floor"),
        promille_text("share_units", decimals).alias("share_promille"),
    )
    return table.write_csv(line_terminator="\n").encode("utf-8")


def compare_with_previous(draft: pl.DataFrame, previous: pl.DataFrame | None,
                          previous_year: int | None, decimals: int) -> pl.DataFrame:
    """Per municipality: the previous share year's final share and the change in ‰ (units)."""
    base = draft.select("municipality_code", "municipality_name", "share_units")
    if previous is None or previous.is_empty():
        return base.with_columns(previous_share_year=pl.lit(None, pl.Int64),
                                 previous_units=pl.lit(None, pl.Int64),
                                 change_units=pl.lit(None, pl.Int64))
    joined = base.join(previous.select("municipality_code", previous_units="share_units"),
                       on="municipality_code", how="left", maintain_order="left")
    return joined.with_columns(
        previous_share_year=pl.lit(previous_year, pl.Int64),
        change_units=pl.col("share_units") - pl.col("previous_units"),
    )


def comparison_csv(comparison: pl.DataFrame, decimals: int) -> bytes:
    table = comparison.select(
        inert_text("municipality_code"), inert_text("municipality_name"), "previous_share_year",
        promille_text("previous_units", decimals).alias("previous_share_promille"),
        promille_text("share_units", decimals).alias("draft_share_promille"),
        promille_text("change_units", decimals).alias("change_promille"),
    )
    return table.write_csv(line_terminator="\n").encode("utf-8")
