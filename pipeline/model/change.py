"""The change of each municipality's share from the previous share year (förändring).

The one home of that change: the draft's comparison file and metadata, the county boards' review
workbooks, the final shares' metadata and the published table's context columns all read a
`ShareChange` made by `share_change`.

Each side is a `ShareYear`: what its shares were computed from (the five inputs per
municipality and the model's parameters) and what they became (the calculated share and, once
the agreements are applied, the final share). The previous side is share year Y−1 as published.
Together they are what explaining the change needs (MODEL.md, "Why a share changed"): the model
evaluated on mixes of the two sides' inputs and parameters explains the change of the calculated
share, and the two sides' final − calculated the redistributions' part.

Each side counts in its own units of 10^-decimals ‰; the change is in this year's units, the
previous year's shares rescaled to them (half up when they had more decimals).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.model.parameters import ModelParameters

REGISTER_COLUMNS = ["municipality_code", "municipality_name", "county_code", "county_name"]
CHANGE_COLUMNS = [
    *REGISTER_COLUMNS, "calculated_units", "final_units", "share_units", "redistributed_units",
    "previous_calculated_units", "previous_units", "change_units",
]


@dataclass(frozen=True)
class ShareYear:
    """One share year's side of a change.

    `shares` has, per municipality, the register columns, `calculated_units` (the model's share)
    and `final_units` (after the agreements; null before they are applied), in units of
    10^-`parameters.decimals` ‰. `inputs` has municipality_code and the statistics of the
    registry (INPUT_COLUMNS) that the calculated shares were computed from, with `parameters`;
    None when they are not at hand (a published year whose basis the warehouse does not hold).
    """

    share_year: int
    parameters: ModelParameters
    shares: pl.DataFrame
    inputs: pl.DataFrame | None

    @property
    def decimals(self) -> int:
        return self.parameters.decimals

    @classmethod
    def drafted(cls, share_year: int, parameters: ModelParameters,
                draft: pl.DataFrame) -> ShareYear:
        """Before the agreements: `draft` has the register columns, the inputs and
        `share_units`, the calculated share (as `compute_shares` and the warehouse give it)."""
        shares = draft.select(*REGISTER_COLUMNS,
                              pl.col("share_units").cast(pl.Int64).alias("calculated_units"),
                              pl.lit(None, pl.Int64).alias("final_units"))
        return cls(share_year, parameters, shares, _inputs(draft))

    @classmethod
    def decided(cls, share_year: int, parameters: ModelParameters, final: pl.DataFrame,
                inputs: pl.DataFrame | None) -> ShareYear:
        """After the agreements: `final` has the register columns, `calculated_units` and
        `share_units`, the final share (as `apply_redistributions` and a published table give
        it); `inputs` has the municipalities' statistics, or is None."""
        shares = final.select(*REGISTER_COLUMNS, pl.col("calculated_units").cast(pl.Int64),
                              pl.col("share_units").cast(pl.Int64).alias("final_units"))
        return cls(share_year, parameters, shares, None if inputs is None else _inputs(inputs))


@dataclass(frozen=True)
class ShareChange:
    """This share year against the previous one (None: there is none to compare with).

    `table` has one row per municipality of this year, in its order, with `CHANGE_COLUMNS`:
    the register columns, this year's `calculated_units` and `final_units`; `share_units`, the
    share as it stands (the final share once the agreements are applied, else the calculated);
    `redistributed_units`, final − calculated (received − given; null before the agreements);
    `previous_calculated_units` and `previous_units`, the previous year's calculated and final
    share in this year's units (null without a previous year, or for a municipality not in it);
    and `change_units`, share_units − previous_units.
    """

    current: ShareYear
    previous: ShareYear | None
    table: pl.DataFrame

    @property
    def compared_year(self) -> int | None:
        return None if self.previous is None else self.previous.share_year


def share_change(current: ShareYear, previous: ShareYear | None) -> ShareChange:
    """Every municipality's change from `previous` to `current`."""
    table = current.shares.with_columns(
        share_units=pl.coalesce("final_units", "calculated_units"),
        redistributed_units=pl.col("final_units") - pl.col("calculated_units"),
    )
    if previous is None:
        table = table.with_columns(previous_calculated_units=pl.lit(None, pl.Int64),
                                   previous_units=pl.lit(None, pl.Int64))
    else:
        before = previous.shares.select(
            "municipality_code",
            _rescaled(pl.col("calculated_units"), previous.decimals, current.decimals)
            .alias("previous_calculated_units"),
            _rescaled(pl.coalesce("final_units", "calculated_units"), previous.decimals,
                      current.decimals).alias("previous_units"),
        )
        table = table.join(before, on="municipality_code", how="left", maintain_order="left")
    table = table.with_columns(change_units=pl.col("share_units") - pl.col("previous_units"))
    return ShareChange(current, previous, table.select(CHANGE_COLUMNS))


def _inputs(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("municipality_code", *[pl.col(c).cast(pl.Int64) for c in INPUT_COLUMNS])


def _rescaled(units: pl.Expr, from_decimals: int, to_decimals: int) -> pl.Expr:
    """Units of 10^-from ‰ in units of 10^-to ‰ (half up when decimals were dropped)."""
    if from_decimals <= to_decimals:
        return units * 10 ** (to_decimals - from_decimals)
    step = 10 ** (from_decimals - to_decimals)
    return (units + step // 2) // step
