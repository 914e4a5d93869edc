"""Benchmark goal fulfilment and the forecast on a synthetic 1 000 000-row ledger.

    .venv/bin/python benchmarks/bench_fulfilment.py [--rows 1000000] [--forecast 1000000]

Times (medians over several repeats): reading + validating the ledger CSV, computing the
fulfilment table, and the forecast of M equalising assignments against the step-by-step heap loop
run in full for the same M (both results are checked equal).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from pipeline.goals.fulfilment import forecast, fulfilment_table, step_by_step
from pipeline.goals.ledger import read_ledger, write_ledger
from pipeline.ingestion.register import load_register

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 26)
SEED = 1


def timed(function: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time in seconds over `repeats` runs, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def synthetic_ledger(register: pl.DataFrame, rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(SEED)
    first = np.datetime64("2016-01-01")
    days = (np.datetime64(TODAY.isoformat()) - first).astype(int) + 1
    codes = register["municipality_code"].to_numpy()
    assigned = np.sort(first + rng.integers(0, days, rows)).astype("datetime64[D]")
    return pl.DataFrame({
        "assignment_id": [f"A{i:07d}" for i in range(1, rows + 1)],
        "arrival_date": assigned - rng.integers(0, 60, rows).astype("timedelta64[D]"),
        "arrival_municipality_code": codes[rng.integers(0, len(codes), rows)],
        "date": assigned,
        "municipality_code": codes[rng.integers(0, len(codes), rows)],
        "kind": np.where(rng.random(rows) < 0.15, "connection", "equalising"),
        "late": np.zeros(rows, dtype=bool),
    }).with_columns(pl.col("arrival_date", "date").cast(pl.Date))


def synthetic_shares(register: pl.DataFrame) -> pl.DataFrame:
    """Shares of 100–3 000 units (many distinct values, so the heap's exact keys are large), two
    of them 0, topped up on the lowest codes to exactly 100 000."""
    rng = np.random.default_rng(SEED)
    units = rng.integers(100, 3000, register.height)
    units[[5, 6]] = 0
    units = np.floor(units * 100000 / units.sum()).astype(np.int64)
    units[np.flatnonzero(units)[: 100000 - units.sum()]] += 1
    return register.select("municipality_code", "municipality_name", "county_code").with_columns(
        share_units=pl.Series(units))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--forecast", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    register = load_register(ROOT / "data/reference/municipalities.csv")
    codes = register["municipality_code"].to_list()
    shares = synthetic_shares(register)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "assignments.csv"
        write_ledger(path, synthetic_ledger(register, args.rows))
        size = path.stat().st_size / 1e6
        read_s, ledger = timed(lambda: read_ledger(path, codes, TODAY), args.repeats)
    table_s, table = timed(lambda: fulfilment_table(ledger, shares, TODAY), args.repeats)
    print(f"ledger: {args.rows:,} rows, {size:.1f} MB CSV, median of {args.repeats}")
    print(f"  read + validate      {read_s * 1000:9.1f} ms")
    print(f"  fulfilment table     {table_s * 1000:9.1f} ms")

    assigned = table["assigned"].to_list()
    units = table["share_units"].to_list()
    order = table["municipality_code"].to_list()
    m = args.forecast
    fast_s, fast = timed(lambda: forecast(assigned, units, order, m), args.repeats)
    loop_repeats = 3
    loop_s, loop = timed(lambda: step_by_step(assigned, units, order, m), loop_repeats)
    assert fast == loop, "the forecast differs from the step-by-step rule"
    print(f"forecast of {m:,} equalising assignments on {len(order)} municipalities "
          f"(prior ledger of {sum(assigned):,})")
    print(f"  forecast (threshold) {fast_s * 1000:9.3f} ms  (median of {args.repeats})")
    print(f"  step by step (heap)  {loop_s * 1000:9.1f} ms  (median of {loop_repeats}, full M)")
    print(f"  ratio                {loop_s / fast_s:9.0f} x   results identical: {fast == loop}")


if __name__ == "__main__":
    main()
