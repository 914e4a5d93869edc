"""Time the explained change (`explain_change`, MODEL.md "Why a share changed") for all 290
municipalities of every shipped share year 2018–2026 against the year before: 9 × 64 evaluations
of the model and the Shapley values. The target is at most 1 s for the nine years.

Run: .venv/bin/python benchmarks/bench_explain.py [--runs N]
The shipped statistics are read and drafted once, outside the timing (as the draft asset has
them); the time printed is the median of the runs, each one of all nine years.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import polars as pl

from pipeline.ingestion.register import load_register
from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.ingestion.statistics import load_statistic
from pipeline.model.change import ShareChange, ShareYear, share_change
from pipeline.model.explain import explain_change
from pipeline.model.parameters import load_parameters
from pipeline.model.shares import compute_shares, days_in_year

DATA = Path(__file__).resolve().parents[1] / "data"
YEARS = range(2017, 2027)
TARGET_SECONDS = 1.0


def drafted(share_year: int, register: pl.DataFrame) -> ShareYear:
    params = load_parameters(DATA / "parameters.toml", share_year)
    reference = params.reference_year(share_year)
    basis = register
    for statistic in INPUT_COLUMNS:
        values = load_statistic(DATA / "statistics" / str(reference), statistic, reference,
                                register).values
        basis = basis.join(values, on="municipality_code", how="left", maintain_order="left")
    return ShareYear.drafted(share_year, params,
                             compute_shares(basis, params, days_in_year(reference)))


def as_published(year: ShareYear) -> ShareYear:
    final = year.shares.with_columns(share_units=pl.col("calculated_units"))
    return ShareYear.decided(year.share_year, year.parameters, final, year.inputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    register = load_register(DATA / "reference" / "municipalities.csv")
    years = {year: drafted(year, register) for year in YEARS}
    changes: list[ShareChange] = [share_change(years[y], as_published(years[y - 1]))
                                  for y in YEARS[1:]]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        explained = [explain_change(change) for change in changes]
        times.append(time.perf_counter() - start)
    assert all(e is not None and e.table.height == 290 for e in explained)
    median = statistics.median(times)
    print(f"explain_change, 290 municipalities × {len(changes)} share years "
          f"({YEARS[1]}–{YEARS[-1]}), median of {runs} runs: {median * 1000:.0f} ms "
          f"({median / len(changes) * 1000:.1f} ms a year; fastest {min(times) * 1000:.0f} ms, "
          f"slowest {max(times) * 1000:.0f} ms); target ≤ {TARGET_SECONDS:g} s: "
          f"{'met' if median <= TARGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
