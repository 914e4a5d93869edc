"""The share model, MODEL.md "Calculation": each step on hand-worked cases, then properties."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pipeline.core.errors import ModelError
from pipeline.core.units import total_units
from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.model.parameters import ModelParameters
from pipeline.model.shares import (
    adjusted_share,
    compute_shares,
    days_in_year,
    largest_remainder,
    population_share,
    reception_person_years,
    reception_share,
    water_fill,
)
from pipeline.model.validation import validate_draft


def params(**changes: object) -> ModelParameters:
    values = {
        "name": "test",
        "weight_newcomers": 1.0,
        "weight_minors": 1.0,
        "weight_asylum_days": 1.0,
        "weight_arrival_days": 1.0,
        "reception_adjustment": 0.5,
        "floor_promille": 1.0,
        "decimals": 2,
        "reference_year_offset": 2,
    }
    return ModelParameters.from_values({**values, **changes})


def reception(newcomers, minors, asylum_days, arrival_days) -> dict[str, np.ndarray]:
    """The model's inputs by statistic name (population is not part of reception)."""
    return {"population": np.zeros(len(newcomers)), "newcomers_settled": newcomers,
            "minors_received": minors, "asylum_housing_days": asylum_days,
            "minor_arrival_housing_days": arrival_days}


def basis(codes: list[str], population: list[int], **inputs: list[int]) -> pl.DataFrame:
    zeros = [0] * len(codes)
    columns = {c: inputs.get(c, zeros) for c in INPUT_COLUMNS if c != "population"}
    return pl.DataFrame(
        {"municipality_code": codes, "population": population, **columns},
        schema_overrides={c: pl.Int64 for c in INPUT_COLUMNS},
    )


# --- step 1: population share -------------------------------------------------------------------

def test_population_share_divides_by_the_national_population() -> None:
    # ΣP = 100 + 300 + 600 = 1000 -> p = 0.1, 0.3, 0.6
    p = population_share(np.array([100, 300, 600]))
    np.testing.assert_allclose(p, [0.1, 0.3, 0.6])


def test_zero_national_population_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="total population is 0"):
        population_share(np.array([0, 0, 0]))


# --- step 2: reception --------------------------------------------------------------------------

def test_reception_counts_housing_days_as_person_years() -> None:
    # Rc = N + E + (A + B) / 365:
    #   1 + 0 + (365 + 0) / 365 = 2;  0 + 1 + (0 + 365) / 365 = 2;  2 + 0 + (730 + 0) / 365 = 4
    rc = reception_person_years(
        reception(np.array([1, 0, 2]), np.array([0, 1, 0]), np.array([365, 0, 730]),
                  np.array([0, 365, 0])),
        params(), 365,
    )
    np.testing.assert_allclose(rc, [2, 2, 4])
    # ΣRc = 8 -> r = 2/8, 2/8, 4/8
    np.testing.assert_allclose(reception_share(rc, np.array([0.1, 0.3, 0.6])), [0.25, 0.25, 0.5])


def test_reception_weights_and_leap_year_days() -> None:
    # w_N = 2, w_A = 0.5, D = 366: Rc = 2·3 + 1·1 + (0.5·732 + 1·366) / 366 = 6 + 1 + 1 + 1 = 9
    rc = reception_person_years(
        reception(np.array([3]), np.array([1]), np.array([732]), np.array([366])),
        params(weight_newcomers=2.0, weight_asylum_days=0.5), 366,
    )
    np.testing.assert_allclose(rc, [9])


def test_zero_national_reception_means_reception_share_is_population_share() -> None:
    p = np.array([0.2, 0.3, 0.5])
    np.testing.assert_array_equal(reception_share(np.zeros(3), p), p)


@pytest.mark.parametrize("days", [364, 0, 367])
def test_days_in_year_other_than_365_or_366_is_a_model_error(days: int) -> None:
    with pytest.raises(ModelError, match="365 or 366"):
        reception_person_years(reception(*[np.ones(2)] * 4), params(), days)


def test_days_in_year_follows_the_calendar() -> None:
    assert (days_in_year(2023), days_in_year(2024), days_in_year(1900)) == (365, 366, 365)


# --- step 3: adjusted share ---------------------------------------------------------------------

def test_adjusted_share_moves_towards_evening_out_reception() -> None:
    # a = p + 0.5·(p − r):  0.1 + 0.5·(0.1 − 0.25) = 0.025;  0.3 + 0.5·(0.3 − 0.25) = 0.325;
    #                       0.6 + 0.5·(0.6 − 0.5) = 0.65;  Σ = 1
    a = adjusted_share(np.array([0.1, 0.3, 0.6]), np.array([0.25, 0.25, 0.5]), 0.5)
    np.testing.assert_allclose(a, [0.025, 0.325, 0.65])


def test_adjusted_share_is_clipped_at_zero() -> None:
    # α = 1: 0.1 + (0.1 − 0.5) = −0.3 -> 0;  0.9 + (0.9 − 0.5) = 1.3
    a = adjusted_share(np.array([0.1, 0.9]), np.array([0.5, 0.5]), 1.0)
    np.testing.assert_allclose(a, [0.0, 1.3])


# --- step 4: floor and normalise ----------------------------------------------------------------

def test_water_fill_without_anyone_below_the_floor_only_normalises() -> None:
    # Σa = 2 -> c = 0.5 -> s = 0.2, 0.3, 0.5, all above f = 0.001
    shares, at_floor = water_fill(np.array([0.4, 0.6, 1.0]), 0.001)
    np.testing.assert_allclose(shares, [0.2, 0.3, 0.5])
    assert not at_floor.any()


def test_water_fill_repeats_until_no_new_municipality_falls_below_the_floor() -> None:
    # f = 0.1.  Round 1: c = 1/1 = 1; 0 < 0.1 -> fix the first at 0.1.
    # Round 2: c = (1 − 0.1) / (0.11 + 0.89) = 0.9; 0.11·0.9 = 0.099 < 0.1 -> fix the second.
    # Round 3: c = (1 − 0.2) / 0.89; 0.89·c = 0.8 >= 0.1 -> done: s = 0.1, 0.1, 0.8.
    # (Stopping after round 2 would leave the second at 0.099, below the floor.)
    shares, at_floor = water_fill(np.array([0.0, 0.11, 0.89]), 0.1)
    np.testing.assert_allclose(shares, [0.1, 0.1, 0.8])
    assert at_floor.tolist() == [True, True, False]


def test_water_fill_when_the_floors_take_everything() -> None:
    # n·f = 4 · 0.25 = 1 exactly: every municipality ends at the floor.
    shares, _ = water_fill(np.array([0.05, 0.15, 0.3, 0.5]), 0.25)
    np.testing.assert_allclose(shares, [0.25, 0.25, 0.25, 0.25])


def test_floor_times_municipalities_above_1000_promille_is_a_model_error() -> None:
    # 4 × 300 ‰ = 1200 ‰ > 1000 ‰
    with pytest.raises(ModelError, match=r"4 municipalities × 300 ‰ = 1200 ‰"):
        water_fill(np.array([0.1, 0.2, 0.3, 0.4]), 0.3)


def test_every_adjusted_share_zero_is_a_model_error() -> None:
    with pytest.raises(ModelError, match=r"^every adjusted share is 0: there is nothing to scale "
                                         r"to 1000 ‰$"):
        water_fill(np.zeros(3), 0.001)


def test_a_negative_adjusted_share_is_a_model_error() -> None:
    # step 3 clips at 0, so a negative share reaching step 4 is a broken model, refused by name
    # rather than silently lifted to the floor
    with pytest.raises(ModelError, match=r"^an adjusted share is negative$"):
        water_fill(np.array([0.5, -0.1, 0.6]), 0.001)


def test_a_share_landing_exactly_on_the_floor_is_not_lifted_to_it() -> None:
    # Σa = 4 -> c = 0.25 -> s = 0.25, 0.25, 0.5 with f = 0.25: the first two land on the floor by
    # themselves, so "Golv" (lifted to the floor) is no for all three, and nothing is rescaled
    shares, at_floor = water_fill(np.array([1.0, 1.0, 2.0]), 0.25)
    assert shares.tolist() == [0.25, 0.25, 0.5]
    assert at_floor.tolist() == [False, False, False]


def test_floors_a_hair_above_1000_promille_put_everyone_at_the_floor() -> None:
    # n·f = 4 · (0.25 + 1e-13) = 1 + 4e-13: above 1000 ‰ only by float noise, within the
    # tolerance, so accepted; the last free municipality is then pushed a hair below the floor and
    # every municipality ends at the floor, all of them lifted to it
    floor = 0.25 + 1e-13
    shares, at_floor = water_fill(np.array([0.1, 0.2, 0.3, 0.4]), floor)
    assert shares.tolist() == [floor] * 4
    assert at_floor.tolist() == [True] * 4


# --- step 5: largest remainder ------------------------------------------------------------------

def test_largest_remainder_gives_the_missing_unit_to_the_largest_remainder() -> None:
    # 123.456 ‰, 543.211 ‰, 333.333 ‰ at 2 decimals = 12345.6, 54321.1, 33333.3 units;
    # rounded down 12345 + 54321 + 33333 = 99999, one unit missing -> the remainder 0.6 takes it.
    units = largest_remainder(
        np.array([0.123456, 0.543211, 0.333333]), pl.Series(["0114", "0115", "0117"]), 2
    )
    assert units.tolist() == [12346, 54321, 33333]


def test_largest_remainder_ties_go_to_the_lower_municipality_code() -> None:
    # Thirds at 0 decimals: 333.33… each, 333 + 333 + 333 = 999 -> one unit to the lowest code
    # "0114", which is deliberately not the first row.
    third = 1 / 3
    units = largest_remainder(
        np.array([third, third, third]), pl.Series(["0180", "0114", "1480"]), 0
    )
    assert units.tolist() == [333, 334, 333]


def test_largest_remainder_does_not_lose_a_unit_to_float_error() -> None:
    # 0.1 + 0.2 + 0.7 in floats: 0.1·100000 etc. must stay 10000, 20000, 70000 units exactly.
    units = largest_remainder(np.array([0.1, 0.2, 0.7]), pl.Series(["0114", "0115", "0117"]), 2)
    assert units.tolist() == [10000, 20000, 70000]


# --- steps 1-5 together -------------------------------------------------------------------------

def test_compute_shares_by_hand_with_reception() -> None:
    # p = 1000, 2000, 3000, 4000 / 10000 = 0.1, 0.2, 0.3, 0.4
    # Rc = N + E + (A + B)/365 = 0, 2, 3 + 1 + 365/365 = 5, 2 + 365/365 = 3; ΣRc = 10
    # r = 0, 0.2, 0.5, 0.3
    # a = p + 0.5·(p − r) = 0.15, 0.2, 0.2, 0.45 (Σ = 1, all above the 1 ‰ floor)
    frame = compute_shares(
        basis(
            ["0114", "0115", "0117", "0120"], [1000, 2000, 3000, 4000],
            newcomers_settled=[0, 2, 3, 2], minors_received=[0, 0, 1, 0],
            asylum_housing_days=[0, 0, 365, 0], minor_arrival_housing_days=[0, 0, 0, 365],
        ),
        params(),
        365,
    )
    np.testing.assert_allclose(frame["population_share"], [100, 200, 300, 400])
    np.testing.assert_allclose(frame["reception_share"], [0, 200, 500, 300])
    np.testing.assert_allclose(frame["adjusted_share"], [150, 200, 200, 450])
    np.testing.assert_allclose(frame["unrounded_share"], [150, 200, 200, 450])
    assert frame["share_units"].to_list() == [15000, 20000, 20000, 45000]
    assert frame["at_floor"].to_list() == [False] * 4


def test_compute_shares_by_hand_with_floor_and_rounding() -> None:
    # α = 0 so a = p = 0, 0.11, 0.30, 0.59; floor 100 ‰ (f = 0.1), 0 decimals.
    # Round 1 fixes 0114 (0 < 0.1); round 2: c = 0.9/1.0, 0.11·0.9 = 0.099 -> fixes 0115;
    # round 3: c = 0.8/0.89: 0.30·c = 269.663 ‰, 0.59·c = 530.337 ‰.
    # Rounded down 100 + 100 + 269 + 530 = 999; the missing unit goes to remainder 0.663.
    frame = compute_shares(
        basis(["0114", "0115", "0117", "0120"], [0, 11, 30, 59]),
        params(reception_adjustment=0.0, floor_promille=100.0, decimals=0),
        365,
    )
    np.testing.assert_allclose(frame["unrounded_share"], [100, 100, 240 / 0.89, 472 / 0.89])
    assert frame["at_floor"].to_list() == [True, True, False, False]
    assert frame["share_units"].to_list() == [100, 100, 270, 530]


def test_compute_shares_keeps_row_order_and_input_columns() -> None:
    frame = basis(["1480", "0114", "0180"], [5, 3, 2])
    result = compute_shares(frame, params(), 365)
    assert result["municipality_code"].to_list() == ["1480", "0114", "0180"]
    assert result.select(frame.columns).equals(frame)
    assert result["share_units"].dtype == pl.Int64
    assert result["at_floor"].dtype == pl.Boolean


def test_compute_shares_without_any_reception_uses_population_share() -> None:
    # ΣRc = 0 -> r = p -> a = p whatever α: 200, 300, 500 ‰
    frame = compute_shares(basis(["0114", "0115", "0117"], [2, 3, 5]),
                           params(reception_adjustment=1.0), 365)
    np.testing.assert_allclose(frame["reception_share"], [200, 300, 500])
    assert frame["share_units"].to_list() == [20000, 30000, 50000]


def test_compute_shares_rejects_too_high_a_floor_for_the_number_of_municipalities() -> None:
    # 4 × 300 ‰ = 1200 ‰
    with pytest.raises(ModelError, match="1200 ‰, more than 1000 ‰"):
        compute_shares(basis(["0114", "0115", "0117", "0120"], [1, 2, 3, 4]),
                       params(floor_promille=300.0), 365)


def test_compute_shares_rejects_negative_inputs_naming_the_municipality() -> None:
    frame = basis(["0114", "0115"], [10, 20], asylum_housing_days=[5, -1])
    with pytest.raises(ModelError, match="asylum_housing_days of municipality 0115 is -1"):
        compute_shares(frame, params(), 365)


def test_compute_shares_rejects_a_duplicate_municipality() -> None:
    with pytest.raises(ModelError, match="0114 appears more than once"):
        compute_shares(basis(["0114", "0114"], [10, 20]), params(), 365)


def test_parameter_out_of_range_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="reception_adjustment must be between 0 and 1"):
        params(reception_adjustment=1.5)


# --- step 6: validation -------------------------------------------------------------------------

def test_validate_draft_accepts_a_computed_table() -> None:
    codes = ["0114", "0115", "0117"]
    frame = compute_shares(basis(codes, [2, 3, 5]), params(), 365)
    assert validate_draft(frame, params(), codes) is frame


def test_validate_draft_names_the_municipality_below_the_floor() -> None:
    frame = pl.DataFrame({"municipality_code": ["0114", "0115"], "share_units": [50, 99950]})
    with pytest.raises(ModelError, match=r"below the floor 1.00 ‰: 0114 \(0.50 ‰\)"):
        validate_draft(frame, params(), ["0114", "0115"])


def test_validate_draft_names_missing_and_unexpected_municipalities_and_the_total() -> None:
    frame = pl.DataFrame({"municipality_code": ["0114", "9999"], "share_units": [500, 99000]})
    with pytest.raises(ModelError) as raised:
        validate_draft(frame, params(), ["0114", "0115", "0117"])
    message = str(raised.value)
    assert "not an expected municipality: 9999" in message
    assert "missing: 0115, 0117" in message
    assert "add up to 995.00 ‰" in message


def test_validate_draft_names_a_duplicate_municipality() -> None:
    frame = pl.DataFrame({"municipality_code": ["0114", "0114"], "share_units": [50000, 50000]})
    with pytest.raises(ModelError, match="more than once: 0114"):
        validate_draft(frame, params(), ["0114", "0115"])


# --- properties ---------------------------------------------------------------------------------

@st.composite
def model_cases(draw: st.DrawFn) -> tuple[pl.DataFrame, ModelParameters]:
    n = draw(st.integers(3, 60))
    decimals = draw(st.integers(0, 4))
    # A representable floor with n × floor <= 1000 ‰.
    floor_units = draw(st.integers(0, total_units(decimals) // n))
    population = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1_000_000)))
    population[draw(st.integers(0, n - 1))] += 1
    reception = draw(hnp.arrays(np.int64, (4, n), elements=st.integers(0, 10_000)))
    frame = basis(
        [f"{k:04d}" for k in draw(st.permutations(range(1, n + 1)))], population.tolist(),
        **{c: reception[i].tolist() for i, c in enumerate(INPUT_COLUMNS[1:])},
    )
    weight = st.floats(0, 3)
    parameters = params(
        weight_newcomers=draw(weight), weight_minors=draw(weight),
        weight_asylum_days=draw(weight), weight_arrival_days=draw(weight),
        reception_adjustment=draw(st.floats(0, 1)),
        floor_promille=floor_units / 10**decimals, decimals=decimals,
    )
    return frame, parameters


@given(model_cases(), st.sampled_from([365, 366]))
def test_shares_add_up_exactly_and_none_is_below_the_floor(
    case: tuple[pl.DataFrame, ModelParameters], days: int
) -> None:
    frame, parameters = case
    result = compute_shares(frame, parameters, days)
    assert result["share_units"].sum() == total_units(parameters.decimals)
    assert result["share_units"].min() >= parameters.floor_units


@given(model_cases())
def test_without_reception_adjustment_shares_are_floored_population_shares(
    case: tuple[pl.DataFrame, ModelParameters],
) -> None:
    frame, parameters = case
    parameters = params(floor_promille=parameters.floor_promille, decimals=parameters.decimals,
                        reception_adjustment=0.0)
    result = compute_shares(frame, parameters, 365)
    expected, _ = water_fill(population_share(frame["population"].to_numpy()),
                             parameters.floor_promille / 1000)
    np.testing.assert_allclose(result["unrounded_share"], expected * 1000, rtol=1e-9, atol=1e-9)


@given(model_cases(), st.data())
def test_more_population_with_everything_else_equal_never_lowers_the_share(
    case: tuple[pl.DataFrame, ModelParameters], data: st.DataObject
) -> None:
    frame, parameters = case
    smaller, larger = data.draw(st.lists(st.integers(0, frame.height - 1), min_size=2,
                                         max_size=2, unique=True))
    extra = data.draw(st.integers(1, 100_000))
    columns = {c: frame[c].to_list() for c in INPUT_COLUMNS}
    for column in INPUT_COLUMNS:
        columns[column][larger] = columns[column][smaller]
    columns["population"][larger] += extra
    frame = frame.with_columns(pl.Series(c, v, dtype=pl.Int64) for c, v in columns.items())
    share = compute_shares(frame, parameters, 365)["unrounded_share"]
    assert share[larger] >= share[smaller] * (1 - 1e-12)


@given(model_cases())
def test_zero_national_reception_gives_the_population_share_as_reception_share(
    case: tuple[pl.DataFrame, ModelParameters],
) -> None:
    frame, parameters = case
    frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(c) for c in INPUT_COLUMNS[1:])
    result = compute_shares(frame, parameters, 365)
    np.testing.assert_allclose(result["reception_share"], result["population_share"])
    np.testing.assert_allclose(result["adjusted_share"], result["population_share"])
    assert result["share_units"].sum() == total_units(parameters.decimals)


# Adjusted shares are fractions of the nation (p + α(p − r)): zero, or far above the subnormal
# range where 1/Σa overflows.
@given(hnp.arrays(np.float64, st.integers(2, 40),
                  elements=st.one_of(st.just(0.0), st.floats(1e-9, 1000))),
       st.floats(0, 0.02))
def test_water_filling_solves_its_equation(adjusted: np.ndarray, floor: float) -> None:
    # MODEL.md step 4: find c with Σ max(f, c·a_k) = 1; s_k = max(f, c·a_k).
    if adjusted.size * floor > 1 or not np.any(adjusted > 0):
        return
    shares, at_floor = water_fill(adjusted, floor)
    free = ~at_floor & (adjusted > 0)
    np.testing.assert_allclose(shares.sum(), 1.0, rtol=0, atol=1e-9)
    assert np.all(shares >= floor - 1e-12)
    if free.any():
        c = shares[free][0] / adjusted[free][0]
        np.testing.assert_allclose(shares, np.maximum(floor, c * adjusted), rtol=1e-9, atol=1e-12)


@given(st.lists(st.integers(0, 7), min_size=2, max_size=30), st.data())
def test_largest_remainder_breaks_equal_remainders_by_the_lower_code(
        sevenths: list[int], data: st.DataObject) -> None:
    # Shares built from sevenths of a unit have many exactly equal remainders.
    units = np.array(sevenths, dtype=float) + 1
    exact = units / units.sum() * total_units(2)
    codes = data.draw(st.permutations([f"{1000 + i:04d}" for i in range(len(units))]))
    rounded = largest_remainder(exact / total_units(2), pl.Series(codes), 2)
    assert int(rounded.sum()) == total_units(2)
    floors = np.floor(exact + 1e-6).astype(np.int64)
    extra = rounded - floors
    assert set(extra.tolist()) <= {0, 1}
    remainders = np.round(exact - floors, 6)
    for i in range(len(codes)):
        for j in range(len(codes)):
            if extra[i] == 1 and extra[j] == 0:
                # Whoever got a unit had the larger remainder, or an equal one and a lower code.
                assert remainders[i] > remainders[j] or (
                    remainders[i] == remainders[j] and codes[i] < codes[j])
