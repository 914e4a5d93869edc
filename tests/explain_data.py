"""Share years for the tests of the explained change: the shipped statistics drafted for every
share year 2017–2026, and small made-up years, each side a `ShareYear` with its inputs."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from pipeline.core.layout import Layout
from pipeline.ingestion.from_register import load_inputs
from pipeline.ingestion.register import load_register
from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.model.change import ShareYear
from pipeline.model.parameters import ModelParameters, load_parameters
from pipeline.model.shares import compute_shares, days_in_year

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED_YEARS = range(2017, 2027)
STANDARD = load_parameters(DATA / "parameters.toml", 2026)


@cache
def shipped_draft(share_year: int) -> pl.DataFrame:
    """The draft of a shipped share year: register, inputs and the model's columns."""
    register = load_register(DATA / "reference" / "municipalities.csv")
    params = load_parameters(DATA / "parameters.toml", share_year)
    reference = params.reference_year(share_year)
    basis = register
    # B comes from the register from 2016 on, computed in DuckDB like a run does.
    with duckdb.connect() as conn:
        loaded = load_inputs(Layout(DATA, DATA.parent / "out"), reference, register,
                             date.today(), conn)
    for statistic in loaded:
        basis = basis.join(statistic.values, on="municipality_code", how="left",
                           maintain_order="left")
    return compute_shares(basis, params, days_in_year(reference))


def drafted(share_year: int, draft: pl.DataFrame,
            params: ModelParameters = STANDARD) -> ShareYear:
    return ShareYear.drafted(share_year, params, draft)


def published(share_year: int, draft: pl.DataFrame, params: ModelParameters = STANDARD,
              redistributed: dict[str, int] | None = None) -> ShareYear:
    """A share year as published: `redistributed` maps codes to (received − given) units."""
    moved = redistributed or {}
    final = draft.with_columns(
        calculated_units=pl.col("share_units"),
        share_units=pl.col("share_units") + pl.col("municipality_code").replace_strict(
            moved, default=0, return_dtype=pl.Int64))
    return ShareYear.decided(share_year, params, final, draft)


def made_up(share_year: int, inputs: dict[str, list[int]],
            params: ModelParameters = STANDARD) -> pl.DataFrame:
    """A draft of made-up municipalities "0001", "0002", … in one county."""
    n = len(inputs["population"])
    codes = [f"{i + 1:04d}" for i in range(n)]
    basis = pl.DataFrame({
        "municipality_code": codes, "municipality_name": [f"Kommun {c}" for c in codes],
        "county_code": ["01"] * n, "county_name": ["Testlän"] * n,
        **{name: pl.Series(inputs[name], dtype=pl.Int64) for name in INPUT_COLUMNS},
    })
    reference = params.reference_year(share_year)
    return compute_shares(basis, params, days_in_year(reference))


def redrafted(inputs: pl.DataFrame, share_year: int,
              params: ModelParameters = STANDARD) -> pl.DataFrame:
    """The municipalities of `inputs` (register columns and inputs) drafted again."""
    basis = inputs.select("municipality_code", "municipality_name", "county_code",
                          "county_name", *INPUT_COLUMNS)
    return compute_shares(basis, params, days_in_year(params.reference_year(share_year)))


def with_parameters(**values: object) -> ModelParameters:
    return dataclasses.replace(STANDARD, **values)
