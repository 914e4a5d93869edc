"""Time the history command (`make run` = scripts/build_history.py: share years 2017–2026 in one
process) end to end, on a fresh out folder, warehouse and Dagster home each run.

    .venv/bin/python benchmarks/bench_history.py [--runs 3]

Prints each run's wall time, the median, and the load average before each run and at the end (the
machine is shared: a load above its core count makes every run slower). Also times one repeated
run on the last run's outputs, which publishes nothing and reports "unchanged".
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run_history(root: Path) -> float:
    home = root / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = {**os.environ, "DAGSTER_HOME": str(home),
           "ANVISNING_WAREHOUSE": str(root / "warehouse" / "anvisning.duckdb")}
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_history.py"),
                    "--out-dir", str(root / "out")], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores")
    walls = []
    with tempfile.TemporaryDirectory(prefix="bench-history-") as scratch:
        for i in range(args.runs):
            root = Path(scratch) / f"run{i}"
            root.mkdir()
            before = load()
            walls.append(run_history(root))
            print(f"run {i + 1}: {walls[-1]:.1f} s wall (load average before: {before})")
        repeated = run_history(Path(scratch) / f"run{args.runs - 1}")
    median = statistics.median(walls)
    verdict = "within" if median < TARGET_SECONDS else "OVER"
    print(f"history 2017–2026, fresh out/warehouse/home: median {median:.1f} s of {args.runs} "
          f"({verdict} the {TARGET_SECONDS:.0f} s target)")
    print(f"repeated on its own outputs (all unchanged): {repeated:.1f} s")
    print(f"load average now: {load()}")


if __name__ == "__main__":
    main()
