"""Step 6 of the model (pipeline/model/validation.py): the draft table is refused with every broken
rule named in one message, each with the municipalities and values it concerns."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.core.errors import ModelError
from pipeline.model.parameters import ModelParameters
from pipeline.model.validation import validate_draft

CODES = ["0114", "0115"]


def params(**changes: object) -> ModelParameters:
    return ModelParameters.from_values({
        "name": "test", "weight_newcomers": 1.0, "weight_minors": 1.0, "weight_asylum_days": 1.0,
        "weight_arrival_days": 1.0, "reception_adjustment": 0.5, "floor_promille": 1.0,
        "decimals": 2, "reference_year_offset": 2, **changes})


def draft(codes: list[str | None], units: list[int | None]) -> pl.DataFrame:
    return pl.DataFrame({"municipality_code": codes, "share_units": units},
                        schema={"municipality_code": pl.String, "share_units": pl.Int64})


def refusal(frame: pl.DataFrame, codes: list[str] = CODES, **changes: object) -> str:
    with pytest.raises(ModelError) as raised:
        validate_draft(frame, params(**changes), codes)
    return str(raised.value)


def test_a_valid_draft_is_returned_as_it_is() -> None:
    frame = draft(["0115", "0114"], [99900, 100])  # the floor itself is allowed
    assert validate_draft(frame, params(), CODES) is frame


@pytest.mark.parametrize(("columns", "absent"), [
    ({"municipality_code": ["0114"]}, "share_units"),
    ({"share_units": [100000]}, "municipality_code"),
    ({"code": ["0114"], "units": [100000]}, "municipality_code, share_units"),
])
def test_a_draft_without_its_columns_names_them(columns, absent) -> None:
    assert refusal(pl.DataFrame(columns)) == f"the draft shares lack the column(s) {absent}"


def test_every_broken_rule_is_named_in_the_order_of_the_schema() -> None:
    # 0114 twice, 9999 unexpected, two shares below the floor of 1.00 ‰, four rows for two
    # municipalities; the total is 50 + 50000 + 49950 + 0 = 100000 units, exactly 1000 ‰
    message = refusal(draft(["0114", "0114", "0115", "9999"], [50, 50000, 49950, 0]))
    assert message == (
        "the draft shares are not valid: municipality appears more than once: 0114; "
        "not an expected municipality: 9999; "
        "share below the floor 1.00 ‰: 0114 (0.50 ‰), 9999 (0.00 ‰); "
        "not exactly one row per expected municipality: 4 rows for 2 municipalities, "
        "missing: none")


def test_a_total_other_than_1000_promille_and_the_missing_are_named() -> None:
    message = refusal(draft(["0114", "9999"], [500, 99000]), ["0114", "0115", "0117"])
    assert message == (
        "the draft shares are not valid: not an expected municipality: 9999; "
        "not exactly one row per expected municipality: 2 rows for 3 municipalities, "
        "missing: 0115, 0117; "
        "the shares do not add up to exactly 1000 ‰: they add up to 995.00 ‰")


def test_the_floor_and_the_shares_are_written_with_the_sets_decimals() -> None:
    message = refusal(draft(["0114", "0115"], [9, 9991]), decimals=1, floor_promille=1.0)
    assert message == "the draft shares are not valid: share below the floor 1.0 ‰: 0114 (0.9 ‰)"


def test_at_most_ten_municipalities_are_listed_per_rule() -> None:
    codes = [f"{i:04d}" for i in range(1, 13)]  # 0001 … 0012, none of them expected
    expected = [f"{i:04d}" for i in range(100, 113)]  # 0100 … 0112, all 13 missing
    units = [0] * 11 + [100000]
    message = refusal(draft(codes[::-1], units), expected)
    # the below-floor list keeps the draft's order: 0012 first (0 units), 0001 has them all
    below = ", ".join(f"{code} (0.00 ‰)" for code in codes[::-1][:10])
    assert message == (
        "the draft shares are not valid: not an expected municipality: "
        "0001, 0002, 0003, 0004, 0005, 0006, 0007, 0008, 0009, 0010; "
        f"share below the floor 1.00 ‰: {below}; "
        "not exactly one row per expected municipality: 12 rows for 13 municipalities, "
        "missing: 0100, 0101, 0102, 0103, 0104, 0105, 0106, 0107, 0108, 0109")


def test_a_municipality_listed_more_than_once_is_named_once() -> None:
    message = refusal(draft(["0115", "0114", "0115", "0115"], [25000] * 4))
    assert message == (
        "the draft shares are not valid: municipality appears more than once: 0115; "
        "not exactly one row per expected municipality: 4 rows for 2 municipalities, "
        "missing: none")


@pytest.mark.parametrize(("frame", "problem"), [
    (draft(["0114", None], [50000, 50000]), "municipality_code breaks not_nullable: None"),
    (draft(["0114", "0115"], [100000, None]), "share_units breaks not_nullable: None"),
    (pl.DataFrame({"municipality_code": CODES, "share_units": [50000.0, 50000.0]}),
     "share_units breaks dtype('Int64'): Float64"),
])
def test_an_empty_cell_or_a_wrong_type_is_named_with_its_column(frame, problem) -> None:
    assert refusal(frame) == f"the draft shares are not valid: {problem}"


def test_every_empty_code_is_listed_and_two_empty_codes_are_also_a_repeat() -> None:
    message = refusal(draft(["0114", None, None], [50000, 25000, 25000]),
                      ["0114", "0115", "0117"])
    assert message == ("the draft shares are not valid: municipality_code breaks not_nullable: "
                       "None, None; municipality appears more than once: None")


def test_codes_that_are_not_text_are_named_first() -> None:
    frame = pl.DataFrame({"municipality_code": [114, 115], "share_units": [50000, 50000]})
    assert refusal(frame).startswith(
        "the draft shares are not valid: municipality_code breaks dtype('String'): Int64; ")
