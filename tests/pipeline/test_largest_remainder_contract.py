"""Two promises of `largest_remainder` that the model's tests did not pin (found by mutation):
whole integer units, and no floor unless one is given."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipeline.model.shares import largest_remainder

CODES = pl.Series(["0114", "0115", "0117"])


def test_the_units_are_integers_that_sum_exactly() -> None:
    units = largest_remainder(np.array([0.25, 0.5, 0.25]), CODES, 2)
    assert units.dtype == np.int64
    assert units.tolist() == [25_000, 50_000, 25_000]


def test_without_a_floor_a_share_of_nothing_rounds_to_nothing() -> None:
    # a municipality that gives away its whole share has 0 ‰; only the model's floor forbids that
    assert largest_remainder(np.array([0.0, 0.6, 0.4]), CODES, 2).tolist() == [0, 60_000, 40_000]
