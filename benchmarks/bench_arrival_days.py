"""Benchmark B, the minors' housing days by arrival municipality, computed from a synthetic
1 000 000-row register in DuckDB (sql/arrival_housing_days.sql). Target: at most 0.5 s.

    .venv/bin/python benchmarks/bench_arrival_days.py [--rows 1000000] [--repeats 7]

The register is bench_fulfilment's synthetic ledger (assignments 2016-01-01 to 2026-11-26, an
arrival up to 60 days before each), with a transfer 0–30 days after nine in ten assignments.
Times (medians) B of one reference year (2020, a leap year, the middle of the register) from the
register in memory, on an open DuckDB connection as a run has one, in wall time and in the
process's CPU time (on a shared machine the wall time also counts the other processes' turns),
and, for scale, reading and validating both files.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from bench_fulfilment import SEED, TODAY, synthetic_ledger, timed

from pipeline.goals.ledger import write_ledger
from pipeline.goals.register import TRANSFER_COLUMNS, read_register, transfers_path
from pipeline.ingestion.from_register import register_statistic
from pipeline.ingestion.register import load_register

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2020
TARGET_SECONDS = 0.5


def synthetic_transfers(ledger: pl.DataFrame) -> pl.DataFrame:
    rng = np.random.default_rng(SEED + 1)
    rows = ledger.height
    transfers = ledger.select(
        "assignment_id",
        transfer_date=pl.col("date") + pl.duration(days=pl.Series(rng.integers(0, 31, rows))))
    kept = (rng.random(rows) < 0.9) & (
        ledger["arrival_municipality_code"] != ledger["municipality_code"]).to_numpy()
    return (transfers.filter(pl.Series(kept))
            .filter(pl.col("transfer_date") <= TODAY).sort("transfer_date", "assignment_id"))


def timed_cpu(function: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds over `repeats` runs, and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(repeats):
        started, used = time.perf_counter(), time.process_time()
        result = function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return statistics.median(wall), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    municipalities = load_register(ROOT / "data/reference/municipalities.csv")
    codes = municipalities["municipality_code"].to_list()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "assignments.csv"
        ledger = synthetic_ledger(municipalities, args.rows)
        write_ledger(path, ledger)
        synthetic_transfers(ledger).select(TRANSFER_COLUMNS).write_csv(transfers_path(path))
        read_s, state = timed(lambda: read_register(path, codes, TODAY), args.repeats)
    conn = duckdb.connect()
    b_s, b_cpu, b = timed_cpu(lambda: register_statistic(conn, "arrival_housing_days", state,
                                                         municipalities, YEAR), args.repeats)
    verdict = "within" if b_s <= TARGET_SECONDS else "ABOVE"
    print(f"register: {state.assignments.height:,} assignments, {state.transfers.height:,} "
          f"transfers; median of {args.repeats}")
    print(f"  read + validate both files   {read_s * 1000:9.1f} ms")
    print(f"  B of {YEAR} in DuckDB          {b_s * 1000:9.1f} ms  ({verdict} the target of "
          f"{TARGET_SECONDS * 1000:.0f} ms); {b.height} rows, {int(b['value'].sum()):,} days")
    print(f"  B of {YEAR}, CPU time          {b_cpu * 1000:9.1f} ms")
    print(f"  (run on {date.today()})")


if __name__ == "__main__":
    main()
