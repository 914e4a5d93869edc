"""The share model (andelstal): MODEL.md "Calculation", steps 1-6.

Each step is a small function over numpy arrays in the specification's own terms: shares are
fractions of the national total (summing to 1) until `largest_remainder`, which turns them into
exact integer units of 10^-decimals ‰. `compute_shares` runs the steps over a basis frame with
one row per municipality; `validate_draft` is step 6.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping

import numpy as np
import polars as pl

from pipeline.core.errors import ModelError
from pipeline.core.units import total_units, units_to_text
from pipeline.ingestion.registry import INPUT_COLUMNS, POPULATION, RECEPTION
from pipeline.model.parameters import ModelParameters

SHARE_COLUMNS = (
    "population_share",
    "reception_share",
    "adjusted_share",
    "unrounded_share",
    "at_floor",
    "share_units",
)

# A share within a millionth of a unit below a whole unit is taken as that unit: float error in
# s·10^d must not cost a municipality a unit (or its floor).
_UNIT_TOLERANCE = 1e-6


def days_in_year(year: int) -> int:
    """D, the number of days in reference year R (365 or 366)."""
    return 366 if calendar.isleap(year) else 365


def population_share(population: np.ndarray) -> np.ndarray:
    """Step 1: p_k = P_k / ΣP."""
    total = int(population.sum())
    if total <= 0:
        raise ModelError("the total population is 0: population shares are undefined")
    return population / total


def reception_person_years(
    inputs: Mapping[str, np.ndarray], params: ModelParameters, days_in_year: int
) -> np.ndarray:
    """Step 2a: Rc_k = w_N·N_k + w_E·E_k + (w_A·A_k + w_B·B_k) / D, in person-years.

    The terms are the registry's reception statistics: persons count as they are, days are
    divided by D; `inputs` maps each statistic's name to its values."""
    if days_in_year not in (365, 366):
        raise ModelError(f"days_in_year must be 365 or 366, not {days_in_year}")
    persons = sum((params.weight(s.weight) * inputs[s.name] for s in RECEPTION
                   if s.unit == "persons"), np.zeros(len(inputs[POPULATION])))
    days = sum((params.weight(s.weight) * inputs[s.name] for s in RECEPTION
                if s.unit == "days"), np.zeros(len(inputs[POPULATION])))
    return persons + days / days_in_year


def reception_share(person_years: np.ndarray, population_share: np.ndarray) -> np.ndarray:
    """Step 2b: r_k = Rc_k / ΣRc; with no reception anywhere r = p, so nothing is adjusted."""
    total = person_years.sum()
    if total == 0:
        return population_share.copy()
    return person_years / total


def adjusted_share(
    population_share: np.ndarray, reception_share: np.ndarray, reception_adjustment: float
) -> np.ndarray:
    """Step 3: a_k = max(0, p_k + α·(p_k − r_k))."""
    adjusted = population_share + reception_adjustment * (population_share - reception_share)
    return np.maximum(adjusted, 0.0)


def water_fill(adjusted: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Step 4: s_k = max(f, c·a_k) with Σ s_k = 1, and which municipalities sit at the floor.

    `floor` is f = floor_promille / 1000. Rescaling the rest after fixing some at the floor can
    push others below it, so the fixing repeats until no new municipality falls below.
    """
    n = adjusted.size
    # Representable floors make n·f − 1 a multiple of 1e-7 or zero, far above this tolerance.
    if n * floor > 1 + 1e-12:
        raise ModelError(
            f"the floor cannot be met: {n} municipalities × {floor * 1000:g} ‰ = "
            f"{n * floor * 1000:g} ‰, more than 1000 ‰"
        )
    if np.any(adjusted < 0):
        raise ModelError("an adjusted share is negative")
    if not np.any(adjusted > 0):
        raise ModelError("every adjusted share is 0: there is nothing to scale to 1000 ‰")
    at_floor = np.zeros(n, dtype=bool)
    while True:
        free_total = adjusted[~at_floor].sum()
        scale = (1 - floor * np.count_nonzero(at_floor)) / free_total if free_total > 0 else 0.0
        newly_below = ~at_floor & (scale * adjusted < floor)
        if not newly_below.any():
            break
        at_floor |= newly_below
        if at_floor.all():
            break
    return np.where(at_floor, floor, scale * adjusted), at_floor


def largest_remainder(
    shares: np.ndarray, codes: pl.Series, decimals: int, floor_units: int = 0
) -> np.ndarray:
    """Step 5: round shares (fractions summing to 1) to integer units of 10^-decimals ‰.

    Every share first takes its rounded-down value; the units still missing from the exact total
    go one each to the largest remainders, ties to the lower municipality code. Returns int64
    units summing to exactly total_units(decimals).
    """
    total = total_units(decimals)
    exact = shares * total
    units = np.floor(exact + _UNIT_TOLERANCE).astype(np.int64)
    # Remainders equal up to float noise are ties, to be decided by the code.
    remainders = np.round(exact - units, 6)
    missing = total - int(units.sum())
    # n shares summing to 1 leave at most n − 1 units missing: n or more means they do not
    if not 0 <= missing < units.size:
        raise ModelError(
            f"the unrounded shares add up to {exact.sum() / 10**decimals:.6f} ‰, not 1000 ‰"
        )
    if missing:
        cut = np.partition(remainders, units.size - missing)[units.size - missing]
        above = remainders > cut
        tied = np.flatnonzero(remainders == cut)
        tied_by_code = tied[codes.gather(tied).arg_sort().to_numpy()]
        units[above] += 1
        units[tied_by_code[: missing - np.count_nonzero(above)]] += 1
    below = np.flatnonzero(units < floor_units)
    if below.size:
        raise ModelError(
            f"municipality {codes[int(below[0])]} rounds to "
            f"{units_to_text(int(units[below[0]]), decimals)} ‰, below the floor "
            f"{units_to_text(floor_units, decimals)} ‰"
        )
    return units


def compute_shares(basis: pl.DataFrame, params: ModelParameters, days_in_year: int) -> pl.DataFrame:
    """Steps 1-5 for every municipality of `basis`, in its row order.

    `basis` has municipality_code and the five integer inputs (INPUT_COLUMNS). The result adds
    population_share, reception_share, adjusted_share and unrounded_share (Float64, in ‰),
    at_floor and share_units (Int64, units of 10^-decimals ‰ summing to total_units(decimals)).
    """
    inputs = _checked_inputs(basis)
    p = population_share(inputs[POPULATION])
    person_years = reception_person_years(inputs, params, days_in_year)
    r = reception_share(person_years, p)
    a = adjusted_share(p, r, params.reception_adjustment)
    s, at_floor = water_fill(a, params.floor_promille / 1000)
    units = largest_remainder(s, basis["municipality_code"], params.decimals, params.floor_units)
    return basis.with_columns(
        pl.Series("population_share", p * 1000, dtype=pl.Float64),
        pl.Series("reception_share", r * 1000, dtype=pl.Float64),
        pl.Series("adjusted_share", a * 1000, dtype=pl.Float64),
        pl.Series("unrounded_share", s * 1000, dtype=pl.Float64),
        pl.Series("at_floor", at_floor, dtype=pl.Boolean),
        pl.Series("share_units", units, dtype=pl.Int64),
    )


def _checked_inputs(basis: pl.DataFrame) -> dict[str, np.ndarray]:
    missing = [c for c in ("municipality_code", *INPUT_COLUMNS) if c not in basis.columns]
    if missing:
        raise ModelError(f"the model basis lacks the column(s) {', '.join(missing)}")
    if basis.height == 0:
        raise ModelError("the model basis has no municipalities")
    codes = basis["municipality_code"]
    if codes.dtype != pl.String or codes.null_count():
        raise ModelError("municipality_code must be text, present on every row")
    if codes.n_unique() != basis.height:
        duplicate = codes.filter(codes.is_duplicated()).first()
        raise ModelError(f"municipality {duplicate} appears more than once in the model basis")
    inputs = {}
    for column in INPUT_COLUMNS:
        series = basis[column]
        if not series.dtype.is_integer():
            raise ModelError(f"{column} must be whole numbers, not {series.dtype}")
        bad = basis.filter(pl.col(column).is_null() | (pl.col(column) < 0))
        if bad.height:
            raise ModelError(
                f"{column} of municipality {bad['municipality_code'][0]} is "
                f"{bad[column][0]}; every input must be a non-negative whole number"
            )
        inputs[column] = series.to_numpy().astype(np.int64, copy=False)
    return inputs
