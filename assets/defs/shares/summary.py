"""The summary a share table carries in its metadata, the same for the draft and the final shares:
the parameter set and reference year, whether any input is illustrative, what it is compared with,
how many municipalities sit at the floor, the spread of the shares and the largest of them."""

from __future__ import annotations

import dagster as dg
import polars as pl

from assets.defs.metadata import markdown, preview
from pipeline.core.units import promille_text
from pipeline.model.parameters import ModelParameters
from pipeline.model.review import spread


def share_summary(table: pl.DataFrame, params: ModelParameters, share_year: int,
                  at_floor: int, illustrative: bool, previous_year: int | None) -> dict:
    """Metadata of a table with municipality_code, municipality_name and share_units."""
    return {
        "parameter_set": params.name,
        "reference_year": dg.MetadataValue.text(str(params.reference_year(share_year))),
        "at_floor": at_floor,
        "illustrative_inputs": illustrative,
        "compared_with_share_year": str(previous_year) if previous_year else "none",
        "spread": dg.MetadataValue.md(markdown(spread(table, params.decimals,
                                                      params.floor_units))),
        "largest_shares": dg.MetadataValue.md(preview(
            table.sort("share_units", descending=True).select(
                "municipality_code", "municipality_name",
                promille_text("share_units", params.decimals).alias("share_promille")))),
    }
