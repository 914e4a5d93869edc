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
import json
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
TARGET_RATIO = 2.5  # issue 22 (issue 16 asked for 2)
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


def run_shape(records: list) -> dict:
    """The shape of a real run, from its event log and the definitions: per step, the assets it
    materialised (with their dependencies) and the checks it evaluated (with `blocking`)."""
    from assets.run_definitions import run_defs

    materialised: dict[str, list[list[str]]] = {}
    for record in records:
        event = record.dagster_event
        if event is not None and event.event_type_value == "ASSET_MATERIALIZATION":
            materialised.setdefault(event.step_key, []).append(list(event.asset_key.path))
    steps = []
    for step, keys in materialised.items():
        definition = run_defs.resolve_assets_def(keys[0])
        chosen = {tuple(key) for key in keys}
        specs = [{"key": list(spec.key.path),
                  "deps": [list(dep.asset_key.path) for dep in spec.deps]}
                 for spec in definition.specs if tuple(spec.key.path) in chosen]
        checks = [{"name": check.name, "asset": list(check.asset_key.path),
                   "blocking": check.blocking}
                  for check in definition.check_specs if tuple(check.asset_key.path) in chosen]
        steps.append({"name": step, "assets": specs, "checks": checks})
    return {"steps": steps}


FLOOR_JOB = "floor"


def floor_run(shape_file: str, year: int) -> None:
    """The child of the floor: import IMPORTS, build a job of the real run's shape whose steps do
    nothing, and run it in process on the Dagster instance of DAGSTER_HOME, as the CLI runs the
    real job (its console logger silenced the same way)."""
    exec(f"import {IMPORTS}")  # the same libraries as the baseline
    import dagster as dg

    shape = json.loads(Path(shape_file).read_text(encoding="utf-8"))
    partitions = dg.StaticPartitionsDefinition([str(year)])

    def step(description: dict) -> dg.AssetsDefinition:
        specs = [dg.AssetSpec(dg.AssetKey(asset["key"]),
                              deps=[dg.AssetKey(dep) for dep in asset["deps"]])
                 for asset in description["assets"]]
        checks = [dg.AssetCheckSpec(check["name"], asset=dg.AssetKey(check["asset"]),
                                    blocking=check["blocking"])
                  for check in description["checks"]]

        @dg.multi_asset(name=description["name"], specs=specs, check_specs=checks,
                        partitions_def=partitions, can_subset=False)
        def nothing():
            for spec in specs:
                yield dg.MaterializeResult(asset_key=spec.key)
                for check in checks:
                    if check.asset_key == spec.key:
                        yield dg.AssetCheckResult(asset_key=spec.key, check_name=check.name,
                                                  passed=True)
        return nothing

    steps = [step(description) for description in shape["steps"]]
    defs = dg.Definitions(assets=steps, jobs=[dg.define_asset_job(
        FLOOR_JOB, selection=dg.AssetSelection.assets(*steps),
        executor_def=dg.in_process_executor)])
    result = defs.resolve_job_def(FLOOR_JOB).execute_in_process(
        instance=dg.DagsterInstance.get(), partition_key=str(year),
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})
    if not result.success:
        raise SystemExit("the floor's run failed")


def one_floor(shape_file: Path, year: int) -> tuple[Child, int]:
    """One floor run in a fresh Dagster home; its child and the number of its events."""
    with tempfile.TemporaryDirectory(prefix="bench_floor_") as tmp:
        home = Path(tmp) / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        child = run_child([sys.executable, __file__, "--floor-child", str(shape_file),
                           "--year", str(year)], dict(os.environ, DAGSTER_HOME=str(home)))
        return child, len([r for r in event_log(home) if r.dagster_event is not None])


def median_wall(command: list[str], runs: int) -> float:
    return statistics.median(run_child(command, dict(os.environ)).wall for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="number of rounds (default 5)")
    parser.add_argument("--year", type=int, default=2026, help="share year (default 2026)")
    parser.add_argument("--floor-child", metavar="SHAPE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_child:
        floor_run(args.floor_child, args.year)
        return

    import_command = [sys.executable, "-c", f"import {IMPORTS}"]
    run_child([str(ANVISNING), "--help"], dict(os.environ))  # warm the file cache once
    run_child(import_command, dict(os.environ))
    timings, repeats, imports, floors = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench_state_") as state:
        # the first run creates the home and the warehouse; its event log shows the run's shape
        one_run(args.year, Path(state))
        shape = run_shape(event_log(Path(state) / "dagster_home"))
        shape_file = Path(state) / "shape.json"
        shape_file.write_text(json.dumps(shape), encoding="utf-8")
        for number in range(1, args.runs + 1):
            imports.append(run_child(import_command, dict(os.environ)).wall)
            floor, floor_events = one_floor(shape_file, args.year)
            floors.append(floor.wall)
            timing = one_run(args.year)
            timings.append(timing)
            repeats.append(one_run(args.year, Path(state)).child.wall)
            print(f"round {number}/{args.runs}: import {imports[-1]:.2f} s, Dagster floor "
                  f"{floors[-1]:.2f} s, first run {timing.child.wall:.2f} s (peak "
                  f"{timing.child.peak_rss_mib:.0f} MiB), repeated run {repeats[-1]:.2f} s",
                  file=sys.stderr)
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
    floor = statistics.median(floors)
    print(f"Dagster's floor, a run of the same shape doing nothing ({floor_events} events; "
          f"the run's: {median_of(timings, lambda t: t.events):.0f}): median {floor:.2f} s "
          f"({', '.join(f'{w:.2f}' for w in floors)} s) = {floor / baseline:.2f} × the import "
          f"baseline; the first run's own work beyond it: "
          f"{statistics.median(t.child.wall for t in timings) - floor:.2f} s")
    for label, walls in (("first run (fresh home and warehouse)", [t.child.wall for t in timings]),
                         ("repeated run (home and warehouse kept)", repeats)):
        ratio = statistics.median(walls) / baseline
        print(f"ratio (b)/(a), {label}: {statistics.median(walls):.2f} / {baseline:.2f} = "
              f"{ratio:.2f}; target at most {TARGET_RATIO:.1f}: "
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
