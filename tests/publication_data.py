"""A realistic final-shares frame for the publication tests: the real register, fake shares."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.ingestion.register import load_register

REGISTER = Path(__file__).resolve().parents[1] / "data" / "reference" / "municipalities.csv"


def final_shares() -> pl.DataFrame:
    """290 municipalities with deterministic fake shares summing to 1000.00 ‰, one transfer."""
    register = load_register(REGISTER)
    weights = [int(code) * 7919 % 997 + 50 for code in register["municipality_code"]]
    spare = 100_000 - 100 * register.height
    units = [100 + spare * weight // sum(weights) for weight in weights]
    units[0] += 100_000 - sum(units)
    code = pl.col("municipality_code")
    return register.with_columns(
        calculated_units=pl.Series(units, dtype=pl.Int64),
        given_units=pl.when(code == "0117").then(50).otherwise(0).cast(pl.Int64),
        received_units=pl.when(code == "0120").then(50).otherwise(0).cast(pl.Int64),
    ).with_columns(
        share_units=pl.col("calculated_units") - pl.col("given_units") + pl.col("received_units")
    )
