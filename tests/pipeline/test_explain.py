"""Why a share changed (pipeline.model.explain, MODEL.md "Why a share changed"): the shown terms
add up exactly, unchanged factors contribute exactly 0, symmetric municipalities get the same
terms, and an independent exact implementation (fractions, water-filling by sorting, Shapley
values as the average over every order of the factors) agrees before rounding."""

from __future__ import annotations

import dataclasses
from collections import Counter
from fractions import Fraction
from itertools import permutations

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.model.change import share_change
from pipeline.model.explain import (
    CALCULATED,
    CALCULATED_TERMS,
    FACTORS,
    REDISTRIBUTION,
    ROUNDING,
    explain_change,
    half_away_from_zero,
    stored_changes,
    units,
)
from pipeline.model.parameters import load_parameters
from pipeline.model.shares import days_in_year
from tests.explain_data import (
    DATA,
    drafted,
    made_up,
    published,
    redrafted,
    shipped_draft,
    with_parameters,
)

FACTOR_COLUMNS = [f.column for f in FACTORS]
# Two municipalities of Stockholms län that redistribute in the made-up agreements below.
GIVER, RECEIVER = "0117", "0120"


def term_sum(row: dict) -> int:
    return sum(row[units(column)] for column in CALCULATED_TERMS)


def by_code(frame: pl.DataFrame, column: str) -> dict[str, int]:
    return dict(zip(frame["municipality_code"], frame[column], strict=True))


# --- the terms add up -------------------------------------------------------------------------


@pytest.mark.parametrize("share_year", range(2018, 2027))
def test_for_every_municipality_and_year_the_shown_terms_sum_exactly_to_the_shown_change(
        share_year):
    """Each shipped share year against the one before, with agreements in both years: the terms
    of the calculated share sum to its change, and with the redistribution term to the change of
    the final share, both computed here from the two years' tables."""
    before_params = load_parameters(DATA / "parameters.toml", share_year - 1)
    params = load_parameters(DATA / "parameters.toml", share_year)
    before_draft, draft = shipped_draft(share_year - 1), shipped_draft(share_year)
    previous = published(share_year - 1, before_draft, before_params, {GIVER: -50, RECEIVER: 50})
    current = published(share_year, draft, params, {GIVER: 30, RECEIVER: -30})
    explanation = explain_change(share_change(current, previous))
    assert explanation is not None

    calculated_before = by_code(before_draft, "share_units")
    final_before = {c: u + {GIVER: -50, RECEIVER: 50}.get(c, 0)
                    for c, u in calculated_before.items()}
    calculated = by_code(draft, "share_units")
    final = {c: u + {GIVER: 30, RECEIVER: -30}.get(c, 0) for c, u in calculated.items()}
    for row in explanation.table.iter_rows(named=True):
        code = row["municipality_code"]
        assert term_sum(row) == calculated[code] - calculated_before[code], code
        assert row[units(CALCULATED)] == calculated[code] - calculated_before[code], code
        assert (term_sum(row) + row[units(REDISTRIBUTION)]
                == final[code] - final_before[code]), code
    assert explanation.table.height == 290
    redistributed = by_code(explanation.table, units(REDISTRIBUTION))
    assert (redistributed[GIVER], redistributed[RECEIVER]) == (30 + 50, -30 - 50)


def test_the_draft_against_last_years_final_shares_counts_last_years_agreements_as_undone():
    draft, before = shipped_draft(2026), shipped_draft(2025)
    previous = published(2025, before, redistributed={GIVER: -50, RECEIVER: 50})
    explanation = explain_change(share_change(drafted(2026, draft), previous))
    terms = explanation.table.filter(pl.col("municipality_code").is_in([GIVER, RECEIVER]))
    assert terms[units(REDISTRIBUTION)].to_list() == [50, -50]
    assert (terms[units(CALCULATED)] + terms[units(REDISTRIBUTION)]).to_list() == \
        terms["change_units"].to_list()


def test_the_shapley_values_add_up_to_the_change_of_the_unrounded_share():
    draft, before = shipped_draft(2026), shipped_draft(2025)
    explanation = explain_change(share_change(drafted(2026, draft), published(2025, before)))
    total = explanation.table.select(pl.sum_horizontal(FACTOR_COLUMNS)).to_series().to_numpy()
    exact = draft["unrounded_share"].to_numpy() - before["unrounded_share"].to_numpy()
    assert np.abs(total - exact).max() < 1e-9


# --- what each factor gets ----------------------------------------------------------------------


def test_a_factor_whose_inputs_did_not_change_contributes_exactly_zero():
    """Share years 2024 and 2025 (reference years 2022 and 2023, both of 365 days), with
    2024's newcomers and housing days of asylum seekers kept in 2025, and the same parameters."""
    before = shipped_draft(2024)
    kept = ["newcomers_settled", "asylum_housing_days"]
    inputs = shipped_draft(2025).with_columns(before.select(kept))
    draft = redrafted(inputs, 2025)
    explanation = explain_change(share_change(drafted(2025, draft), published(2024, before)))
    for column in ("change_newcomers", "change_asylum_days", "change_parameters"):
        assert explanation.table[column].to_list() == [0.0] * 290, column
        assert explanation.table[units(column)].to_list() == [0] * 290, column
    assert explanation.table["change_population"].abs().max() > 0


def test_the_same_housing_days_in_a_leap_year_are_fewer_person_years_and_count():
    """A factor is its value in person-years: the housing days of 2023 again in 2024 (366 days)
    move the shares, so that factor's contribution is not 0."""
    before = shipped_draft(2025)
    inputs = shipped_draft(2026).with_columns(before.select("asylum_housing_days"))
    explanation = explain_change(share_change(drafted(2026, redrafted(inputs, 2026)),
                                              published(2025, before)))
    assert explanation.table["change_asylum_days"].abs().max() > 0


def test_when_only_population_changes_all_of_the_change_goes_to_population():
    """Share year 2024's inputs again for 2025 (both reference years of 365 days), only the
    population changed."""
    before = shipped_draft(2024)
    # Each municipality's population 5 % down to 5 % up.
    population = before["population"] * (95 + pl.Series(range(290)) * 37 % 11) // 100
    draft = redrafted(before.with_columns(population=population), 2025)
    explanation = explain_change(share_change(drafted(2025, draft), published(2024, before)))
    table = explanation.table
    for factor in FACTORS[1:]:
        assert table[units(factor.column)].to_list() == [0] * 290, factor.column
    assert (table[units("change_population")] + table[units(ROUNDING)]).to_list() == \
        table[units(CALCULATED)].to_list()
    exact = (draft["unrounded_share"] - before["unrounded_share"]).to_numpy()
    assert np.abs(table["change_population"].to_numpy() - exact).max() < 1e-9
    # What is left for rounding is what rounding the two years' shares moved, at most 2 units.
    assert table[units(ROUNDING)].abs().max() <= 2
    assert table[units("change_population")].abs().max() > 10


def test_two_municipalities_with_identical_inputs_get_identical_terms():
    """0117 gets 0120's inputs in both years: the same factor values, the same contributions
    bit for bit; only the rounding term may differ, by what the largest-remainder tie rule gave
    the two shares."""
    copied = pl.col("municipality_code") == GIVER
    twin = {}
    for year in (2025, 2026):
        draft = shipped_draft(year)
        source = draft.filter(pl.col("municipality_code") == RECEIVER)
        inputs = draft.with_columns(
            pl.when(copied).then(pl.lit(source[c][0])).otherwise(pl.col(c)).alias(c)
            for c in INPUT_COLUMNS)
        twin[year] = redrafted(inputs, year)
    explanation = explain_change(share_change(drafted(2026, twin[2026]),
                                              published(2025, twin[2025])))
    pair = explanation.table.filter(pl.col("municipality_code").is_in([GIVER, RECEIVER]))
    a, b = pair.iter_rows(named=True)
    for column in FACTOR_COLUMNS:
        assert a[column] == b[column] and a[units(column)] == b[units(column)], column
    assert (a[units(ROUNDING)] - b[units(ROUNDING)]
            == a[units(CALCULATED)] - b[units(CALCULATED)])


def test_the_main_term_is_the_largest_contribution_redistribution_included():
    draft, before = shipped_draft(2026), shipped_draft(2025)
    explanation = explain_change(share_change(drafted(2026, draft),
                                              published(2025, before, redistributed={
                                                  GIVER: -1000, RECEIVER: 1000})))
    main = by_code(explanation.table, "main_term")
    assert (main[GIVER], main[RECEIVER]) == (REDISTRIBUTION, REDISTRIBUTION)
    for row in explanation.table.iter_rows(named=True):
        if row["main_term"] != REDISTRIBUTION:
            largest = max(FACTOR_COLUMNS, key=lambda c: abs(row[c]))
            assert abs(row[row["main_term"]]) == abs(row[largest]), row["municipality_code"]


# --- an independent implementation ------------------------------------------------------------


def exact_shares(population, reception, alpha: Fraction, floor: Fraction) -> list[Fraction]:
    """Steps 1-4 in fractions; water-filling by sorting (the smallest adjusted shares go to the
    floor first, until the rest scaled to what remains are all at least the floor)."""
    total = sum(population)
    p = [Fraction(x, total) for x in population]
    person_years = [sum(parts) for parts in zip(*reception, strict=True)]
    total_reception = sum(person_years)
    r = p if total_reception == 0 else [x / total_reception for x in person_years]
    a = [max(Fraction(0), pk + alpha * (pk - rk)) for pk, rk in zip(p, r, strict=True)]
    order = sorted(range(len(a)), key=a.__getitem__)
    rest = [Fraction(0)] * (len(a) + 1)
    for j in reversed(range(len(a))):
        rest[j] = rest[j + 1] + a[order[j]]
    floored, scale = len(a), Fraction(0)
    for k in range(len(a)):
        scale = (1 - k * floor) / rest[k] if rest[k] > 0 else Fraction(0)
        if scale * a[order[k]] >= floor:
            floored = k
            break
    at_floor = set(order[:floored])
    return [1000 * (floor if k in at_floor else scale * a[k]) for k in range(len(a))]


def exact_contributions(previous, current) -> list[list[Fraction]]:
    """Shapley values as the average, over all k! orders of the factors, of what each factor
    adds when it switches from its Y−1 value to its Y value after the ones before it. The orders
    are walked one by one, counting how often each factor follows each set; each such step's
    difference is then taken once, in fractions."""
    sides = [_exact_side(previous), _exact_side(current)]
    k = len(FACTORS)
    steps: Counter = Counter()
    orders = list(permutations(range(k)))
    for order in orders:
        for position, factor in enumerate(order):
            steps[frozenset(order[:position]), factor] += 1

    def value(switched: frozenset) -> list[Fraction]:
        pick = [sides[i in switched][i] for i in range(k)]
        return exact_shares(pick[0], pick[1:k - 1], *pick[k - 1])

    subsets = [frozenset(i for i in range(k) if bits >> i & 1) for bits in range(2**k)]
    values = {switched: value(switched) for switched in subsets}
    n = len(sides[0][0])
    sums = [[Fraction(0)] * n for _ in range(k)]
    for (before, factor), count in steps.items():
        after = values[before | {factor}]
        sums[factor] = [s + count * (x - y) for s, x, y in
                        zip(sums[factor], after, values[before], strict=True)]
    return [[s / len(orders) for s in row] for row in sums]


def _exact_side(year) -> list:
    """The factor values of one side in fractions: population, each reception statistic
    weighted (days divided by the reference year's days), then (α, f)."""
    params = year.parameters
    days = days_in_year(params.reference_year(year.share_year))
    inputs = year.inputs.sort("municipality_code")
    values: list = [inputs["population"].to_list()]
    for factor in FACTORS[1:-1]:
        statistic = factor.statistic
        weight = Fraction(params.weight(statistic.weight))
        per = Fraction(1, days) if statistic.unit == "days" else Fraction(1)
        values.append([weight * x * per for x in inputs[statistic.name].to_list()])
    values.append((Fraction(params.reception_adjustment),
                   Fraction(params.floor_promille) / 1000))
    return values


def assert_agrees_with_the_exact_implementation(previous, current) -> None:
    explanation = explain_change(share_change(current, previous))
    product = explanation.table.sort("municipality_code")
    exact = exact_contributions(previous, current)
    for i, factor in enumerate(FACTORS):
        difference = np.abs(product[factor.column].to_numpy()
                            - np.array([float(x) for x in exact[i]]))
        assert difference.max() < 1e-9, factor.column


def test_an_exact_implementation_agrees_on_a_shipped_year_to_a_billionth_of_a_promille():
    """Share year 2024 against 2023 (reference years 2022 and 2021) on 40 municipalities of
    the shipped data, many of them at the floor of 1,00 ‰ out of 40, and other parameters last
    year."""
    last_year = with_parameters(reception_adjustment=0.3, floor_promille=5.0, weights={
        "weight_newcomers": 2.0, "weight_minors": 1.0, "weight_asylum_days": 0.5,
        "weight_arrival_days": 1.5})
    this_year = with_parameters(floor_promille=10.0)
    sample = [f"{c}" for c in shipped_draft(2024)["municipality_code"].to_list()[::7]][:40]
    sides = []
    for year, params in ((2023, last_year), (2024, this_year)):
        inputs = shipped_draft(year).filter(pl.col("municipality_code").is_in(sample))
        sides.append(redrafted(inputs, year, params))
    previous = published(2023, sides[0], last_year)
    current = drafted(2024, sides[1], this_year)
    assert sides[1]["at_floor"].sum() >= 5
    assert_agrees_with_the_exact_implementation(previous, current)


counts = st.integers(min_value=0, max_value=5_000)


@st.composite
def two_years(draw):
    n = draw(st.integers(min_value=2, max_value=8))
    inputs = []
    for _ in range(2):
        values = {"population": draw(st.lists(st.integers(1, 200_000), min_size=n, max_size=n))}
        for name in INPUT_COLUMNS[1:]:
            values[name] = draw(st.lists(counts, min_size=n, max_size=n))
        inputs.append(values)
    params = [with_parameters(
        reception_adjustment=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
        floor_promille=draw(st.sampled_from([0.0, 1.0, 50.0, 100.0])),
        weights={w: draw(st.sampled_from([0.0, 0.5, 1.0, 3.0]))
                 for w in STANDARD_WEIGHTS}) for _ in range(2)]
    return inputs, params


STANDARD_WEIGHTS = ("weight_newcomers", "weight_minors", "weight_asylum_days",
                    "weight_arrival_days")


@given(two_years())
def test_an_exact_implementation_agrees_on_made_up_years(years):
    (before_inputs, inputs), (before_params, params) = years
    previous = published(2023, made_up(2023, before_inputs, before_params), before_params)
    current = drafted(2024, made_up(2024, inputs, params), params)
    assert_agrees_with_the_exact_implementation(previous, current)
    explanation = explain_change(share_change(current, previous))
    for row in explanation.table.iter_rows(named=True):
        assert term_sum(row) == row[units(CALCULATED)]


# --- rounding, and what cannot be explained ---------------------------------------------------


def test_contributions_are_rounded_half_away_from_zero():
    values = np.array([0.5, -0.5, 1.5, -1.5, 0.49, -0.49, 2.0, 0.0])
    assert half_away_from_zero(values).tolist() == [1, -1, 2, -2, 0, 0, 2, 0]


def test_nothing_is_explained_without_a_previous_year_or_its_inputs_or_the_same_municipalities():
    draft, before = shipped_draft(2026), shipped_draft(2025)
    assert explain_change(share_change(drafted(2026, draft), None)) is None
    without_inputs = dataclasses.replace(published(2025, before), inputs=None)
    assert explain_change(share_change(drafted(2026, draft), without_inputs)) is None
    fewer = published(2025, before)
    fewer = dataclasses.replace(fewer, inputs=fewer.inputs.head(289))
    assert explain_change(share_change(drafted(2026, draft), fewer)) is None
    # A year stored before a statistic joined the registry has no value for it.
    empty = published(2025, before)
    empty = dataclasses.replace(empty, inputs=empty.inputs.with_columns(
        minors_received=pl.lit(None, pl.Int64)))
    assert explain_change(share_change(drafted(2026, draft), empty)) is None


def test_the_warehouse_rows_hold_each_factor_and_the_sums():
    draft, before = shipped_draft(2026), shipped_draft(2025)
    stored = stored_changes(explain_change(share_change(drafted(2026, draft),
                                                        published(2025, before))))
    assert stored.columns == ["municipality_code",
                              *[c for f in FACTORS for c in (f.column, units(f.column))],
                              units(ROUNDING), units(CALCULATED)]
    assert stored.height == 290
    assert stored_changes(None).columns == stored.columns and stored_changes(None).height == 0

