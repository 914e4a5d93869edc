"""Why each share changed (förklaring av förändringen): MODEL.md, "Why a share changed".

The change of every municipality's calculated share from share year Y−1 to Y is split into exact
contributions of the model's factors: population, each reception statistic of the registry
(weighted; housing days in person-years, divided by their reference year's days) and the
remaining parameters (α and the floor). For a set S of factors, v(S) is step 4's unrounded share
(‰) with the factors in S at their Y values and the rest at their Y−1 values; a factor's
contribution is its Shapley value, so the contributions add up to v(all) − v(none) = the change
of the unrounded share whatever the order. With k factors that is 2^k evaluations of the model
(64 for the five statistics of today), each one the model's own steps 1-4
(`pipeline.model.shares`), over all municipalities at once.

Shown in units of 10^-decimals ‰ (this year's decimals), each contribution is rounded half away
from zero; a rounding term makes the shown terms add up exactly to the change of the published
(rounded) calculated share, and the redistribution term, (received − given) this year minus the
same last year, to the change of the share as it stands. A term in units is an exact integer;
the Shapley values themselves are floats, like the unrounded model.

The factors follow the registry (`pipeline.ingestion.registry`): a sixth statistic is a seventh
factor, named after its weight (`weight_integration_days` -> `change_integration_days`).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
import polars as pl

from pipeline.ingestion.registry import POPULATION, RECEPTION, STATISTICS, Statistic
from pipeline.model.change import ShareChange, ShareYear
from pipeline.model.shares import (
    adjusted_share,
    days_in_year,
    population_share,
    reception_share,
    water_fill,
)


@dataclass(frozen=True)
class Factor:
    """One factor of the decomposition: `column` is its term's name in the draft CSV, the
    published CSV and the warehouse; `statistic` is None for the parameters (α and the floor)."""

    name: str
    statistic: Statistic | None

    @property
    def column(self) -> str:
        return f"change_{self.name}"


FACTORS: tuple[Factor, ...] = (
    Factor(POPULATION, next(s for s in STATISTICS if s.name == POPULATION)),
    *(Factor(s.weight.removeprefix("weight_"), s) for s in RECEPTION if s.weight),
    Factor("parameters", None),
)
ROUNDING = "change_rounding"
CALCULATED = "change_calculated"  # the sum of the factors' terms and the rounding term
REDISTRIBUTION = "change_redistribution"
# The terms of the calculated share's change, in the order they are shown.
CALCULATED_TERMS: tuple[str, ...] = (*(f.column for f in FACTORS), ROUNDING)
# The published CSV's change columns: the calculated share's terms and their sum, then the
# redistribution term (their sum is the CSV's change_promille).
PUBLISHED_TERMS: tuple[str, ...] = (*CALCULATED_TERMS, CALCULATED, REDISTRIBUTION)


def units(column: str) -> str:
    """The column holding a term in units of 10^-decimals ‰: "change_population_units"."""
    return f"{column}_units"


def direction(factor: Factor) -> str:
    """The column saying how the municipality's part of the nation's total of the factor moved:
    1 up, −1 down, 0 unchanged (always 0 for the parameters)."""
    return f"{factor.column}_direction"


@dataclass(frozen=True)
class ChangeExplanation:
    """Every municipality's change from `change.previous` to `change.current`, term by term.

    `table` has one row per municipality in this year's order: municipality_code; per factor its
    Shapley value in ‰ (`factor.column`, Float64), its term in units (`units(factor.column)`,
    Int64) and `direction(factor)` (Int8); then, in units, `change_rounding_units`,
    `change_calculated_units` (calculated share Y − calculated share Y−1, the sum of the terms
    above), `change_redistribution_units` and `change_units` (the share as it stands − the share
    of Y−1 as published, the sum of the calculated change and the redistribution term); and
    `main_term`, the column of the term that moved the share most (`_main_terms`).
    """

    change: ShareChange
    table: pl.DataFrame

    @property
    def decimals(self) -> int:
        return self.change.current.decimals

    @property
    def previous_year(self) -> int:
        assert self.change.previous is not None
        return self.change.previous.share_year

    def terms(self, columns: tuple[str, ...] = PUBLISHED_TERMS) -> pl.DataFrame:
        """municipality_code and the named terms in units, under the terms' own names."""
        return self.table.select("municipality_code",
                                 *[pl.col(units(c)).alias(c) for c in columns])


# What the warehouse keeps of an explanation (sql/create_tables.sql, draft_changes).
STORED_SCHEMA: dict[str, type[pl.DataType]] = {
    "municipality_code": pl.String,
    **{name: dtype for f in FACTORS
       for name, dtype in ((f.column, pl.Float64), (units(f.column), pl.Int64))},
    units(ROUNDING): pl.Int64,
    units(CALCULATED): pl.Int64,
}


def stored_changes(explanation: ChangeExplanation | None) -> pl.DataFrame:
    """The rows of draft_changes for an explanation; none without one."""
    if explanation is None:
        return pl.DataFrame(schema=STORED_SCHEMA)
    return explanation.table.select(list(STORED_SCHEMA))


def explain_change(change: ShareChange) -> ChangeExplanation | None:
    """The change explained, or None when it cannot be: no previous share year, a side without
    its inputs (a published year whose basis the warehouse no longer holds, or one stored before
    a statistic joined the registry), or municipalities that are not the same in both years."""
    previous, current = change.previous, change.current
    if previous is None or previous.inputs is None or current.inputs is None:
        return None
    codes = change.table["municipality_code"]
    before, after = _aligned(previous.inputs, codes), _aligned(current.inputs, codes)
    if before is None or after is None:
        return None
    values = coalition_values(_factor_values(previous, before), _factor_values(current, after))
    contributions = shapley(values)
    scale = 10 ** current.decimals
    rounded = half_away_from_zero(contributions * scale)
    table = change.table.select(
        "municipality_code",
        (pl.col("share_units") - pl.col("previous_units")).alias("change_units"),
        (pl.col("calculated_units") - pl.col("previous_calculated_units"))
        .alias(units(CALCULATED)),
        (pl.col("redistributed_units").fill_null(0)
         - (pl.col("previous_units") - pl.col("previous_calculated_units")))
        .alias(units(REDISTRIBUTION)),
    )
    moved = _directions(before, after)
    columns = []
    for i, factor in enumerate(FACTORS):
        columns += [pl.Series(factor.column, contributions[i], pl.Float64),
                    pl.Series(units(factor.column), rounded[i], pl.Int64),
                    pl.Series(direction(factor), moved[i], pl.Int8)]
    table = table.with_columns(columns).with_columns(
        (pl.col(units(CALCULATED)) - pl.sum_horizontal(units(f.column) for f in FACTORS))
        .alias(units(ROUNDING)))
    table = table.with_columns(main_term=_main_terms(contributions,
                                                     table[units(REDISTRIBUTION)], scale))
    order = [c for f in FACTORS for c in (f.column, units(f.column), direction(f))]
    return ChangeExplanation(change, table.select(
        "municipality_code", *order, units(ROUNDING), units(CALCULATED), units(REDISTRIBUTION),
        "change_units", "main_term"))


@dataclass(frozen=True)
class _Side:
    """One year's side of every factor: values per municipality (factor order, the parameters
    left out), and the parameters α and f = floor / 1000."""

    values: list[np.ndarray]
    alpha: float
    floor: float


def _factor_values(year: ShareYear, inputs: dict[str, np.ndarray]) -> _Side:
    params = year.parameters
    days = days_in_year(params.reference_year(year.share_year))
    values = []
    for factor in FACTORS:
        statistic = factor.statistic
        if statistic is None:
            continue
        raw = inputs[statistic.name]
        if statistic.weight is None:  # population: persons, as step 1 takes them
            values.append(raw)
        elif statistic.unit == "days":
            values.append(params.weight(statistic.weight) * raw / days)
        else:
            values.append(params.weight(statistic.weight) * raw)
    return _Side(values, params.reception_adjustment, params.floor_promille / 1000)


def coalition_values(before: _Side, after: _Side) -> np.ndarray:
    """v(S) in ‰ for every set S of factors, as a (2^k, municipalities) array: row S has factor
    i at its Y value where bit i of S is set. The reception factors are added in one fixed
    order, so two sets that give a municipality the same values give it the same share, bit for
    bit (a factor that did not change contributes exactly 0)."""
    k = len(FACTORS)
    n = len(before.values[0])
    result = np.empty((2**k, n))
    for subset in range(2**k):
        side = [after if subset >> i & 1 else before for i in range(k)]
        p = population_share(side[0].values[0])
        reception = np.zeros(n)
        for i in range(1, k - 1):
            reception = reception + side[i].values[i]
        r = reception_share(reception, p)
        a = adjusted_share(p, r, side[k - 1].alpha)
        shares, _ = water_fill(a, side[k - 1].floor)
        result[subset] = shares * 1000
    return result


def shapley(values: np.ndarray) -> np.ndarray:
    """Each factor's Shapley value from v(S) for every S (rows by bit pattern): a
    (k, municipalities) array. The marginal changes v(S ∪ {i}) − v(S) are taken first, so a
    factor whose every marginal change is 0 gets exactly 0; they are summed row by row, the same
    order for every municipality."""
    k = (values.shape[0] - 1).bit_length()
    subsets = np.arange(2**k)
    sizes = np.array([bin(s).count("1") for s in subsets])
    weights = np.array([factorial(s) * factorial(k - 1 - s) / factorial(k) for s in range(k)])
    result = np.empty((k, values.shape[1]))
    for i in range(k):
        without = subsets[(subsets >> i & 1) == 0]
        marginal = values[without | (1 << i)] - values[without]
        result[i] = (weights[sizes[without]][:, None] * marginal).sum(axis=0)
    return result


def _main_terms(contributions: np.ndarray, redistribution: pl.Series, scale: int) -> pl.Series:
    """The term that moved each share most: the factor or the redistribution with the largest
    absolute contribution in ‰ (the earlier one in `PUBLISHED_TERMS` order on a tie)."""
    names = [*(f.column for f in FACTORS), REDISTRIBUTION]
    sizes = np.vstack([np.abs(contributions),
                       np.abs(redistribution.to_numpy().astype(float)) / scale])
    return pl.Series("main_term", np.array(names)[sizes.argmax(axis=0)], pl.String)


def half_away_from_zero(values: np.ndarray) -> np.ndarray:
    """Whole numbers, halves rounded away from zero (MODEL.md: each contribution so rounded)."""
    return (np.sign(values) * np.floor(np.abs(values) + 0.5)).astype(np.int64)


def _aligned(inputs: pl.DataFrame, codes: pl.Series) -> dict[str, np.ndarray] | None:
    """The inputs in the order of `codes`, or None when a municipality or a value is missing."""
    if inputs.height != codes.len():
        return None
    ordered = pl.DataFrame({"municipality_code": codes}).join(
        inputs, on="municipality_code", how="left", maintain_order="left")
    names = [s.name for s in STATISTICS]
    if any(name not in ordered.columns for name in names) or ordered.select(
            names).null_count().sum_horizontal().item():
        return None
    return {name: ordered[name].to_numpy().astype(np.int64) for name in names}


def _directions(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> np.ndarray:
    """Per factor, whether each municipality's part of the nation's total moved up (1), down (−1)
    or not (0): what the reader is told moved its share. The weights and the days of the year
    scale a statistic for every municipality alike, so the raw figures tell."""
    moved = np.zeros((len(FACTORS), len(next(iter(before.values())))), dtype=np.int8)
    for i, factor in enumerate(FACTORS):
        if factor.statistic is None:
            continue
        old, new = before[factor.statistic.name], after[factor.statistic.name]
        # Cross-multiplied in exact integers: new_k / Σnew against old_k / Σold.
        difference = (new.astype(object) * int(old.sum())
                      - old.astype(object) * int(new.sum()))
        moved[i] = np.sign(difference.astype(float)).astype(np.int8)
    return moved
