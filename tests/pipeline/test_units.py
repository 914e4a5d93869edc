"""Shares as exact integer units of 10^-decimals ‰ (pipeline/core/units.py): the national total,
the machine text of a share (CSV, logs, messages) and the promille a statistician types."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.core.units import parse_promille, promille_text, total_units, units_to_text


@pytest.mark.parametrize(("decimals", "units"), [(0, 1000), (1, 10_000), (2, 100_000),
                                                 (4, 10_000_000)])
def test_1000_promille_in_units(decimals, units):
    assert total_units(decimals) == units


@pytest.mark.parametrize(("units", "decimals", "text"), [
    (347, 2, "3.47"), (5, 2, "0.05"), (0, 2, "0.00"), (100_000, 2, "1000.00"),
    (-25, 2, "-0.25"), (-347, 2, "-3.47"), (1, 4, "0.0001"), (12, 1, "1.2"),
    (347, 0, "347"), (-3, 0, "-3"), (0, 0, "0")])
def test_units_as_exact_decimal_text(units, decimals, text):
    assert units_to_text(units, decimals) == text


@pytest.mark.parametrize(("text", "decimals", "units"), [
    ("3.47", 2, 347), ("3,47", 2, 347), ("3", 2, 300), ("3.4", 2, 340), ("0.05", 2, 5),
    (" 3.47 ", 2, 347), ("3.470", 2, 347), ("3.4700", 2, 347), ("1000", 2, 100_000),
    ("12", 0, 12), ("12.0", 0, 12), ("0.0001", 4, 1)])
def test_promille_as_typed_in_units(text, decimals, units):
    assert parse_promille(text, decimals) == units


@pytest.mark.parametrize("text", ["", "-1", "+1", "1.", ".5", "1.2.3", "1 000", "tre", "1e2",
                                  "3.47\n5",
                                  # digits other than 0-9: full-width, Arabic-Indic
                                  "１,5", "\u0661.5"])
def test_what_is_not_a_plain_non_negative_decimal_is_refused(text):
    with pytest.raises(ValueError) as raised:
        parse_promille(text, 2)
    assert str(raised.value) == f"{text!r} is not a non-negative decimal number"


@pytest.mark.parametrize(("text", "decimals"), [("3.475", 2), ("0.001", 2), ("1.5", 0),
                                                ("0.00001", 4)])
def test_more_decimals_than_published_are_refused(text, decimals):
    with pytest.raises(ValueError) as raised:
        parse_promille(text, decimals)
    assert str(raised.value) == f"{text!r} has more than {decimals} decimals"


def test_a_column_of_units_as_text_keeps_its_nulls():
    frame = pl.DataFrame({"units": [347, None, -5]})
    assert frame.select(promille_text("units", 2))["units"].to_list() == ["3.47", None, "-0.05"]
