"""Time the share model (`compute_shares`) on 290 municipalities and on synthetic
registers of 10 000 and 1 000 000 areas.

Run: .venv/bin/python benchmarks/bench_model.py
The data are random but seeded, so runs are comparable; the time printed is the median of REPEATS.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import polars as pl

from pipeline.core.units import total_units
from pipeline.model.parameters import ModelParameters
from pipeline.model.shares import compute_shares

REPEATS = 5
SEED = 2026
# (areas, floor in ‰, decimals): production's 1.00 ‰ for 290; for the synthetic registers a floor
# of 1000/(2n) ‰, half the average share, with enough decimals to write it exactly.
CASES = [(290, 1.0, 2), (10_000, 0.05, 2), (1_000_000, 0.0005, 4)]


def synthetic_basis(areas: int, rng: np.random.Generator) -> pl.DataFrame:
    """Plausible inputs: log-normal populations (median ~16 000 at 290 areas), reception and housing
    days roughly proportional to population with noise, and some areas with no reception."""
    population = np.maximum(1, rng.lognormal(np.log(16_000 * 290 / areas), 1.0, areas)).astype(
        np.int64
    )
    per_capita = rng.gamma(2.0, 0.5, areas) * (rng.random(areas) > 0.1)
    return pl.DataFrame(
        {
            "municipality_code": [f"{k:07d}" for k in range(areas)],
            "population": population,
            "newcomers_settled": rng.poisson(population * 0.003 * per_capita),
            "minors_received": rng.poisson(population * 0.0002 * per_capita),
            "asylum_housing_days": rng.poisson(population * 0.5 * per_capita),
            "minor_arrival_housing_days": rng.poisson(population * 0.02 * per_capita),
        }
    )


def median_seconds(basis: pl.DataFrame, params: ModelParameters) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = compute_shares(basis, params, 365)
        times.append(time.perf_counter() - start)
    assert result["share_units"].sum() == total_units(params.decimals)
    assert result["share_units"].min() >= params.floor_units
    return statistics.median(times)


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = []
    for areas, floor, decimals in CASES:
        params = ModelParameters.from_values({
            "name": "benchmark", "weight_newcomers": 1.0, "weight_minors": 1.0,
            "weight_asylum_days": 1.0, "weight_arrival_days": 1.0, "reception_adjustment": 0.5,
            "floor_promille": floor, "decimals": decimals, "reference_year_offset": 2})
        basis = synthetic_basis(areas, rng)
        rows.append((areas, floor, decimals, median_seconds(basis, params)))
    base = rows[0][3]
    print(f"compute_shares, median of {REPEATS} runs, seed {SEED}, α = 0.5, D = 365")
    print(f"{'areas':>10}  {'floor ‰':>8}  {'decimals':>8}  {'median ms':>10}  {'× 290':>8}")
    for areas, floor, decimals, seconds in rows:
        print(f"{areas:>10,}  {floor:>8g}  {decimals:>8}  {seconds * 1000:>10.2f}  "
              f"{seconds / base:>8.1f}")


if __name__ == "__main__":
    main()
