"""The December decision's result without Dagster: what it summarises and how the invariants read
back from the warehouse decide the checks."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.model.parameters import load_parameters
from pipeline.redistribution.final import FinalShares, Invariants

PARAMETERS = load_parameters(Path(__file__).resolve().parents[2] / "data" / "parameters.toml",
                             2026)


def invariants(**changed: int) -> Invariants:
    values = {"counties_changed": 0, "national_units": 100_000, "untouched_changed": 0,
              "calculated_differs": 0, "negative": 0, **changed}
    return Invariants(**values, decimals=2)


def test_the_invariants_hold_only_when_every_count_is_zero_and_the_total_is_exact() -> None:
    assert invariants().national_total_exact and invariants().untouched_unchanged
    assert invariants().national_total == "1000.00"
    assert not invariants(national_units=99_999).national_total_exact
    assert not invariants(untouched_changed=1).untouched_unchanged
    assert not invariants(calculated_differs=1).untouched_unchanged
    assert not invariants(negative=1).untouched_unchanged
    assert Invariants(0, 1000, 0, 0, 0, decimals=0).national_total_exact


def test_the_municipalities_changed_are_those_that_give_or_receive() -> None:
    floor = PARAMETERS.floor_units
    final = pl.DataFrame({"municipality_code": ["0180", "1280", "1480", "2505"],
                          "given_units": [30, 0, 0, 10], "received_units": [0, 30, 0, 0],
                          "share_units": [10_000, 6_000, floor, floor - 10]})
    agreements = pl.DataFrame({"giver_code": ["0180", "2505"]})
    result = FinalShares(2026, PARAMETERS, False, pl.DataFrame(), final, agreements, (), None)
    assert result.changed["municipality_code"].to_list() == ["0180", "1280", "2505"]
    assert (result.at_floor, result.below_floor) == (1, 1)
    assert result.summary == ("2 agreements applied, 3 municipalities changed, 1 at the floor "
                              "and 1 below it by giving; county totals and the national total "
                              "unchanged")
