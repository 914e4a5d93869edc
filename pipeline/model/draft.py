"""The draft share table (utkast) as county boards and statisticians read it."""

from __future__ import annotations

import polars as pl

from pipeline.core.files import inert_text
from pipeline.core.units import promille_text
from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.model.change import ShareChange
from pipeline.model.explain import CALCULATED, CALCULATED_TERMS, ChangeExplanation

MUNICIPALITY_COLUMNS = ["municipality_code", "municipality_name", "county_code", "county_name"]
EXPLANATION_COLUMNS = ["population_share", "reception_share", "adjusted_share"]
# The change of the calculated share from the previous share year, term by term (MODEL.md, "Why a
# share changed"); empty without a previous year to compare with.
CHANGE_COLUMNS = [*CALCULATED_TERMS, CALCULATED]
DRAFT_CSV_COLUMNS = [
    *MUNICIPALITY_COLUMNS, *INPUT_COLUMNS, *EXPLANATION_COLUMNS, "at_floor", "share_promille",
    *CHANGE_COLUMNS,
]
EXPLANATION_DECIMALS = 6


def draft_csv(draft: pl.DataFrame, decimals: int,
              explanation: ChangeExplanation | None = None) -> bytes:
    """UTF-8, decimal point; explanation shares in ‰ with 6 decimals, the share and the terms of
    its change (`explanation`; empty without one) with `decimals`."""
    if explanation is None:
        draft = draft.with_columns(pl.lit(None, pl.Int64).alias(c) for c in CHANGE_COLUMNS)
    else:
        draft = draft.join(explanation.terms(tuple(CHANGE_COLUMNS)), on="municipality_code",
                           how="left", maintain_order="left")
    table = draft.select(
        *[inert_text(c) for c in MUNICIPALITY_COLUMNS],
        *INPUT_COLUMNS,
        *[pl.col(c).round(EXPLANATION_DECIMALS).map_elements(
            lambda x: f"{x:.{EXPLANATION_DECIMALS}f}", return_dtype=pl.String).alias(c)
          for c in EXPLANATION_COLUMNS],
        pl.when(pl.col("at_floor")).then(pl.lit("true")).otherwise(pl.lit("false"))
        .alias("at_floor"),
        promille_text("share_units", decimals).alias("share_promille"),
        *[promille_text(c, decimals) for c in CHANGE_COLUMNS],
    )
    return table.write_csv(line_terminator="\n").encode("utf-8")


def comparison_csv(change: ShareChange) -> bytes:
    """Each municipality's draft share against the previous share year's final share: UTF-8,
    decimal point, ‰ with the draft's decimals; the previous year and share empty without one."""
    decimals = change.current.decimals
    table = change.table.select(
        inert_text("municipality_code"), inert_text("municipality_name"),
        pl.lit(change.compared_year, pl.Int64).alias("previous_share_year"),
        promille_text("previous_units", decimals).alias("previous_share_promille"),
        promille_text("share_units", decimals).alias("draft_share_promille"),
        promille_text("change_units", decimals).alias("change_promille"),
    )
    return table.write_csv(line_terminator="\n").encode("utf-8")
