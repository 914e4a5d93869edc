"""Promises of `largest_remainder` that the model's tests did not pin (found by mutation): whole
integer units, no floor unless one is given, ties at the stated precision, and a refusal naming
the total when the shares do not add up."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipeline.core.errors import ModelError
from pipeline.model.shares import largest_remainder

CODES = pl.Series(["0114", "0115", "0117"])


def test_the_units_are_integers_that_sum_exactly() -> None:
    units = largest_remainder(np.array([0.25, 0.5, 0.25]), CODES, 2)
    assert units.dtype == np.int64
    assert units.tolist() == [25_000, 50_000, 25_000]


def test_without_a_floor_a_share_of_nothing_rounds_to_nothing() -> None:
    # a municipality that gives away its whole share has 0 ‰; only the model's floor forbids that
    assert largest_remainder(np.array([0.0, 0.6, 0.4]), CODES, 2).tolist() == [0, 60_000, 40_000]


def test_remainders_equal_to_six_decimals_are_tied_and_the_lower_code_wins() -> None:
    # 10.5 and 20.5000004 units: equal remainders up to the stated precision, so the one unit
    # missing goes to 0114, the lower code, not to 0115's larger-by-4e-7 remainder
    a, b = 10.5 / 100_000, 20.5000004 / 100_000
    units = largest_remainder(np.array([a, b, 1 - a - b]), CODES, 2)
    assert units.tolist() == [11, 20, 99_969]


@pytest.mark.parametrize(("shares", "total"), [
    ([0.3, 0.3, 0.3], "900.000000"), ([0.5, 0.5, 0.5], "1500.000000"),
    # 999,995 ‰ in one share: every share (the one) would need a unit, which n shares summing to
    # 1 never do (at most n − 1 units are missing)
    ([0.999995], "999.995000")])
def test_shares_that_do_not_add_up_to_1000_are_refused_with_their_total(shares, total) -> None:
    with pytest.raises(ModelError, match=rf"add up to {total} ‰, not 1000 ‰"):
        largest_remainder(np.array(shares), CODES[: len(shares)], 2)


def test_a_share_rounding_below_the_floor_is_refused_naming_the_first() -> None:
    # 0,2 and 0,3 units round to nothing (the missing unit goes to 0117's 0,5), below a floor of
    # one unit: the refusal names the first of them, 0114, and both amounts in ‰
    shares = np.array([0.000002, 0.000003, 1 - 0.000005])
    with pytest.raises(ModelError, match=r"^municipality 0114 rounds to 0\.00 ‰, below the floor "
                                         r"0\.01 ‰$"):
        largest_remainder(shares, CODES, 2, floor_units=1)
    assert largest_remainder(shares, CODES, 2).tolist() == [0, 0, 100_000]


def test_the_refusal_gives_the_first_municipality_its_own_rounded_share() -> None:
    # 1,1 and 0,2 units round down to 1 and 0 (the missing unit goes to 0117's remainder 0,7);
    # with a floor of 2 units both are below it, and the refusal gives 0114's own 0,01 ‰, not
    # the 0,00 ‰ of 0115
    shares = np.array([0.000011, 0.000002, 1 - 0.000013])
    assert largest_remainder(shares, CODES, 2).tolist() == [1, 0, 99_999]
    with pytest.raises(ModelError, match=r"^municipality 0114 rounds to 0\.01 ‰, below the floor "
                                         r"0\.02 ‰$"):
        largest_remainder(shares, CODES, 2, floor_units=2)
