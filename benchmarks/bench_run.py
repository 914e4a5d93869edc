"""Time `anvisning run --year 2026` end to end, as a user runs it, and show where the time goes.

    .venv/bin/python benchmarks/bench_run.py [--runs 5] [--year 2026]

Each run is a fresh process of the console script `.venv/bin/anvisning` (interpreter and CLI
start-up included). The main table is of first runs: a fresh out folder, Dagster home and
warehouse (the home's storage is created in the run), so ingest, draft, review workbooks,
redistributions, publication and goal fulfilment all do their full work. Reported, as medians
over the runs:

* wall time of the whole command, and its peak memory: the maximum resident set size of the child
  (ru_maxrss from os.wait4 on that child alone, so earlier children do not mask it);
* CLI start-up: `anvisning --help`, and `python -c "import assets.definitions"` (what every
  computing command loads before Dagster starts the run);
* a waterfall of one run from its event log in that run's Dagster home (record timestamps
  against the wall clock at the child's start and exit): start-up until the first event
  (interpreter, imports, Definitions, instance), planning until the run starts (the
  ..._PLANNED events), each step (STEP_START to STEP_SUCCESS), the rest of the run between steps,
  and shutdown after the run's success event until the process has exited.

Repeated runs as a user makes them are timed too: the same Dagster home and warehouse, a fresh
out folder (so the publication is written again, not a no-op).

The yardstick (issue 16): a run should take at most twice what the same Python takes to import the
libraries the run uses, a fresh `python -c "import dagster, dagster_duckdb, ..."` (IMPORTS). The
import, a first run and a repeated run are timed in turn in each round, so a change in the
machine's load falls on all three alike; the ratios printed are of the medians over the rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ANVISNING = BIN / "anvisning"
TARGET_SECONDS = 5.0
TARGET_RATIO = 2.0
# The libraries `anvisning run` imports (pyproject.toml's dependencies less the webserver and
# matplotlib, which only the UI and the site load; pyarrow comes with polars and pandas).
IMPORTS = ("dagster, dagster_duckdb, duckdb, polars, pandera.polars, pyarrow, openpyxl, numpy, "
           "typst, python_calamine, font_source_sans_pro")
# Dagster still names the run's own events PIPELINE_*; RUN_* is accepted too.
RUN_START = {"PIPELINE_START", "RUN_START"}
RUN_END = {"PIPELINE_SUCCESS", "RUN_SUCCESS", "PIPELINE_FAILURE", "RUN_FAILURE"}
STEP_END = {"STEP_SUCCESS", "STEP_FAILURE"}


@dataclass
class Child:
    """One finished child process: wall seconds, peak RSS and wall-clock start and exit."""

    wall: float
    peak_rss_mib: float
    started_at: float
    exited_at: float


@dataclass
class RunTiming:
    child: Child
    phases: dict[str, float] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)
    events: int = 0


def run_child(command: list[str], env: dict[str, str]) -> Child:
    """Run one child process to its end; raises SystemExit if it fails."""
    started_at, start = time.time(), time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    error = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, unlike RUSAGE_CHILDREN
    wall, exited_at = time.perf_counter() - start, time.time()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}:\n{error}")
    return Child(wall, usage.ru_maxrss / 1024, started_at, exited_at)  # ru_maxrss: KiB on Linux


def one_run(year: int, state: Path | None = None) -> RunTiming:
    """One run into a fresh out folder; with `state`, the Dagster home and warehouse in it are
    kept between runs (a user's repeated run), otherwise they are fresh too (a first run)."""
    with tempfile.TemporaryDirectory(prefix="bench_run_") as tmp:
        base = state or Path(tmp)
        home = base / "dagster_home"
        env = dict(os.environ, DAGSTER_HOME=str(home),
                   ANVISNING_WAREHOUSE=str(base / "warehouse" / "anvisning.duckdb"))
        child = run_child([str(ANVISNING), "run", "--year", str(year),
                           "--data-dir", str(ROOT / "data"),
                           "--out-dir", str(Path(tmp) / "out")], env)
        return waterfall(child, event_log(home))


def event_log(home: Path) -> list:
    """Every event record of the only run in the Dagster home `home`."""
    import dagster as dg

    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        instance = dg.DagsterInstance.get()
        try:
            (run,) = instance.get_runs(limit=1)  # the newest
            records = instance.all_logs(run.run_id)
        finally:
            instance.dispose()
    finally:
        if previous is None:
            os.environ.pop("DAGSTER_HOME")
        else:
            os.environ["DAGSTER_HOME"] = previous
    return records


def waterfall(child: Child, records: list) -> RunTiming:
    """Split the child's wall time at the run's events; the phases add up to the wall time."""
    events = [(r.timestamp, r.dagster_event) for r in records if r.dagster_event is not None]
    first = events[0][0]
    run_start = next(t for t, e in events if e.event_type_value in RUN_START)
    run_end = next(t for t, e in events if e.event_type_value in RUN_END)
    started: dict[str, float] = {}
    steps: dict[str, float] = {}
    for timestamp, event in events:
        if event.event_type_value == "STEP_START":
            started[event.step_key] = timestamp
        elif event.event_type_value in STEP_END:
            steps[event.step_key] = timestamp - started[event.step_key]
    phases = {
        "start-up until the first event": first - child.started_at,
        "planning until the run starts": run_start - first,
        "steps": sum(steps.values()),
        "in the run between steps": run_end - run_start - sum(steps.values()),
        "shutdown after the run": child.exited_at - run_end,
    }
    return RunTiming(child, phases, steps, len(events))


def median_wall(command: list[str], runs: int) -> float:
    return statistics.median(run_child(command, dict(os.environ)).wall for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="number of rounds (default 5)")
    parser.add_argument("--year", type=int, default=2026, help="share year (default 2026)")
    args = parser.parse_args()

    import_command = [sys.executable, "-c", f"import {IMPORTS}"]
    run_child([str(ANVISNING), "--help"], dict(os.environ))  # warm the file cache once
    run_child(import_command, dict(os.environ))
    timings, repeats, imports = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench_state_") as state:
        one_run(args.year, Path(state))  # the first run creates the home and the warehouse
        for number in range(1, args.runs + 1):
            imports.append(run_child(import_command, dict(os.environ)).wall)
            timing = one_run(args.year)
            timings.append(timing)
            repeats.append(one_run(args.year, Path(state)).child.wall)
            print(f"round {number}/{args.runs}: import {imports[-1]:.2f} s, first run "
                  f"{timing.child.wall:.2f} s (peak {timing.child.peak_rss_mib:.0f} MiB), "
                  f"repeated run {repeats[-1]:.2f} s", file=sys.stderr)
    help_time = median_wall([str(ANVISNING), "--help"], args.runs)
    import_time = median_wall([sys.executable, "-c", "import assets.definitions"], args.runs)
    print_report(args, timings, help_time, import_time)
    print(f"repeated runs (the Dagster home and warehouse kept, a fresh out folder): median "
          f"{statistics.median(repeats):.2f} s over {args.runs} "
          f"({', '.join(f'{w:.2f}' for w in repeats)} s); target under {TARGET_SECONDS:.0f} s: "
          f"{'met' if statistics.median(repeats) < TARGET_SECONDS else 'NOT met'}")
    baseline = statistics.median(imports)
    print(f"import baseline (a), python -c \"import {IMPORTS}\": median {baseline:.2f} s "
          f"({', '.join(f'{w:.2f}' for w in imports)} s)")
    for label, walls in (("first run (fresh home and warehouse)", [t.child.wall for t in timings]),
                         ("repeated run (home and warehouse kept)", repeats)):
        ratio = statistics.median(walls) / baseline
        print(f"ratio (b)/(a), {label}: {statistics.median(walls):.2f} / {baseline:.2f} = "
              f"{ratio:.2f}; target at most {TARGET_RATIO:.0f}: "
              f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}")


def median_of(timings: list[RunTiming], read) -> float:
    return statistics.median(read(t) for t in timings)


def print_report(args, timings: list[RunTiming], help_time: float, import_time: float) -> None:
    wall = median_of(timings, lambda t: t.child.wall)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"anvisning run --year {args.year}: {args.runs} fresh runs, {os.cpu_count()} cores, "
          f"load average {load}")
    print(f"{'median over the runs':42}{'seconds':>8}{'of wall':>9}")
    rows = [("wall time, end to end", wall)]
    for phase in timings[0].phases:
        rows.append((f"  {phase}", median_of(timings, lambda t, p=phase: t.phases[p])))
        if phase == "steps":
            steps = {step: median_of(timings, lambda t, s=step: t.steps[s])
                     for step in timings[0].steps}
            rows += [(f"    {step}", seconds)
                     for step, seconds in sorted(steps.items(), key=lambda item: -item[1])]
    for label, seconds in rows:
        print(f"{label:42}{seconds:8.2f}{seconds / wall:9.0%}")
    for label, seconds in (("CLI start-up: anvisning --help", help_time),
                           ('python -c "import assets.definitions"', import_time)):
        print(f"{label:42}{seconds:8.2f}")
    print(f"events in the run's event log: {median_of(timings, lambda t: t.events):.0f}")
    print(f"peak memory (max RSS of the child, from os.wait4): median "
          f"{median_of(timings, lambda t: t.child.peak_rss_mib):.0f} MiB, "
          f"max {max(t.child.peak_rss_mib for t in timings):.0f} MiB")
    print(f"wall times: {', '.join(f'{t.child.wall:.2f}' for t in timings)} s; "
          f"target under {TARGET_SECONDS:.0f} s: {'met' if wall < TARGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
