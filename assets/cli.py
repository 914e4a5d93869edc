"""`anvisning`: the command line of the yearly share run.

Every command that computes runs the same Dagster assets the UI runs, on the same instance
(DAGSTER_HOME, by default `.dagster_home/` in the working directory), so CLI runs appear in the UI's
run history. A bad input ends with one message naming file, line, column, value and rule, and a
non-zero exit — never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from pipeline.core.errors import AnvisningError

EXIT_OK, EXIT_FAILED = 0, 1  # argparse exits 2 on a usage error
RUN_LOCK_WAIT_SECONDS = int(os.environ.get("ANVISNING_RUN_LOCK_WAIT", "600"))
DRAFT_ASSETS = ["municipality_register", "population", "newcomers_settled", "minors_received",
                "asylum_housing_days", "minor_arrival_housing_days", "share_basis",
                "draft_shares", "review_workbooks"]
PUBLISH_ASSETS = [*DRAFT_ASSETS, "final_shares", "share_table_publication"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except AnvisningError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    """The console script: `main`, then exit without the interpreter's teardown of Dagster's
    and polars' modules (about 0.6 s, measured by benchmarks/bench_run.py). Every file and
    database the command wrote is closed by then; only the interpreter's own cleanup is skipped."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="anvisning",
        description="Yearly municipality shares for assigning unaccompanied minors.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="the whole share run for a share year, through Dagster")
    _add_run_arguments(run)
    _add_publish_arguments(run)
    run.set_defaults(handler=_run, selection=None)

    draft = commands.add_parser("draft", help="ingest and draft shares, review workbooks")
    _add_run_arguments(draft)
    draft.set_defaults(handler=_run, selection=DRAFT_ASSETS, reissue=False, reason=None,
                       decision_date=None)

    publish = commands.add_parser("publish", help="publish the share table (CSV, Excel, PDF)")
    _add_run_arguments(publish)
    _add_publish_arguments(publish)
    publish.set_defaults(handler=_run, selection=PUBLISH_ASSETS)

    fulfilment = commands.add_parser("fulfilment", help="goal fulfilment per municipality")
    fulfilment.add_argument("--as-of", type=_date, required=True, help="date YYYY-MM-DD")
    _add_ledger_arguments(fulfilment)
    fulfilment.set_defaults(handler=_fulfilment)

    assign = commands.add_parser("assign", help="record one assignment in the ledger")
    assign.add_argument("--date", type=_date, required=True, help="date YYYY-MM-DD")
    assign.add_argument("--connection", metavar="CODE",
                        help="a connection assignment to this municipality (anknytning)")
    _add_ledger_arguments(assign)
    assign.set_defaults(handler=_assign)

    forecast = commands.add_parser("forecast", help="forecast M equalising assignments")
    forecast.add_argument("--year", type=int, required=True, help="share year")
    forecast.add_argument("--children", type=int, required=True, metavar="M",
                          help="expected number of equalising assignments")
    forecast.add_argument("--as-of", type=_date, help="ledger state date (default: today, "
                          "or 31 December of the share year if that is earlier)")
    forecast.add_argument("--municipality", metavar="CODE", help="report on one municipality")
    _add_ledger_arguments(forecast)
    forecast.set_defaults(handler=_forecast)
    return parser


def _add_publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reissue", action="store_true",
                        help="replace an already published table (needs --reason)")
    parser.add_argument("--reason", help="why the table is reissued")
    parser.add_argument("--decision-date", type=_date,
                        help="the decision date printed on the table (default: as published, "
                        "else the last approval date of the agreements, else today)")


def _add_ledger_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ledger", type=Path, default=Path("data/ledger/assignments.csv"),
                        help="the assignment ledger (default: data/ledger/assignments.csv)")
    parser.add_argument("--data-dir", default="data", help="input data folder (default: data)")
    parser.add_argument("--out-dir", default="out", help="output folder (default: out)")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="share year (andelsår), e.g. 2026")
    parser.add_argument("--data-dir", default="data", help="input data folder (default: data)")
    parser.add_argument("--out-dir", default="out", help="output folder (default: out)")


def _run(args: argparse.Namespace) -> int:
    if args.reissue and not (args.reason and args.reason.strip()):
        raise AnvisningError('--reissue needs --reason "<why the table is replaced>"')
    if args.reason and not args.reissue:
        raise AnvisningError("--reason goes with --reissue")
    publication = {
        "reissue_reason": args.reason if args.reissue else None,
        "decision_date": args.decision_date.isoformat() if args.decision_date else None,
    }
    op_config = None
    if args.selection is None or "share_table_publication" in args.selection:
        op_config = {"share_table_publication": {"config": publication}}
    return materialise(args.year, Path(args.data_dir), Path(args.out_dir), args.selection,
                       op_config)


def _fulfilment(args: argparse.Namespace) -> int:
    from pipeline.goals.service import fulfilment_as_of

    if args.as_of > date.today():
        raise AnvisningError(f"--as-of {args.as_of} is in the future")
    table, paths = fulfilment_as_of(args.as_of, args.ledger, Path(args.data_dir),
                                    Path(args.out_dir), date.today())
    print(f"goal fulfilment as of {args.as_of}: {int(table['assigned'].sum())} assignments "
          f"since 2016-01-01; written {paths[0]} and {paths[1]}")
    return EXIT_OK


def _assign(args: argparse.Namespace) -> int:
    from pipeline.goals.service import assign

    code, name, kind, assignment_id = assign(args.date, args.connection, args.ledger,
                                             Path(args.data_dir), Path(args.out_dir),
                                             date.today())
    print(f"{code} {name}")
    print(f"({kind} assignment {assignment_id} on {args.date} recorded in {args.ledger})",
          file=sys.stderr)
    return EXIT_OK


def _forecast(args: argparse.Namespace) -> int:
    from pipeline.goals.service import forecast_year

    if args.children < 0:
        raise AnvisningError(f"--children must be 0 or more, not {args.children}")
    today = date.today()
    as_of = args.as_of or min(today, date(args.year, 12, 31))
    path, one = forecast_year(args.year, args.children, as_of, args.ledger, args.municipality,
                              Path(args.data_dir), Path(args.out_dir), today)
    print(f"forecast of {args.children} equalising assignments from the ledger as of {as_of}: "
          f"{path}")
    if one is not None:
        pct = "—" if one.fulfilment_pct is None else f"{one.fulfilment_pct:.1f} %"
        print(f"{one.municipality_code} {one.municipality_name}: {one.expected} expected "
              f"(assigned before {one.assigned_before}, after {one.assigned_after}); "
              f"goal fulfilment at the end: {pct} of a target of {one.target:.2f}")
    return EXIT_OK


def materialise(share_year: int, data_dir: Path, out_dir: Path,
                selection: Sequence[str] | None, op_config: dict | None = None) -> int:
    """Run the share_run job (or a selection of its assets) for one share-year partition."""
    _default_dagster_home()
    import dagster as dg

    from assets.definitions import SHARE_RUN_JOB, defs
    from assets.partitions import share_years
    from assets.resources import warehouse_path

    if str(share_year) not in share_years.get_partition_keys():
        keys = share_years.get_partition_keys()
        raise AnvisningError(f"share year {share_year} is outside {keys[0]}–{keys[-1]}")
    job = defs.resolve_job_def(SHARE_RUN_JOB)
    instance = dg.DagsterInstance.get()
    run_id = str(uuid.uuid4())
    run_config = {
        "resources": {"settings": {"config": {"data_dir": str(data_dir),
                                              "out_dir": str(out_dir)}},
                      "warehouse": {"config": {"database": warehouse_path()}}},
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    }
    if op_config:
        run_config["ops"] = op_config
    asset_selection = [dg.AssetKey(key) for key in selection] if selection else None
    started = time.monotonic()
    with _share_year_lock(warehouse_path(), share_year):
        print(f"anvisning: share year {share_year}, run {run_id[:8]} "
              f"(Dagster instance {os.environ['DAGSTER_HOME']})")
        with _Progress(instance, run_id):
            result = job.execute_in_process(
                run_config=run_config, instance=instance, partition_key=str(share_year),
                raise_on_error=False, run_id=run_id, asset_selection=asset_selection,
            )
    if not result.success:
        raise AnvisningError(_failure_message(result))
    print(f"done in {time.monotonic() - started:.1f} s; outputs in {out_dir / str(share_year)}")
    return EXIT_OK


@contextmanager
def _share_year_lock(warehouse: str, share_year: int) -> Iterator[None]:
    """One CLI run per share year at a time: a second one says so and waits (flock, released by
    the kernel even if the first run is killed)."""
    from filelock import FileLock, Timeout

    lock = FileLock(f"{warehouse}.run-{share_year}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"anvisning: another run for share year {share_year} is in progress; waiting "
              f"up to {RUN_LOCK_WAIT_SECONDS // 60} minutes for it to finish", flush=True)
        try:
            lock.acquire(timeout=RUN_LOCK_WAIT_SECONDS)
        except Timeout:
            raise AnvisningError(f"another run for share year {share_year} is still in "
                                 "progress; try again when it has finished") from None
    try:
        yield
    finally:
        lock.release()


def _default_dagster_home() -> None:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path.cwd() / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")


def _failure_message(result) -> str:
    """The user's error from a failed run: our own error's message, without Dagster's wrapping."""
    ours = _error_class_names(AnvisningError)
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        error = event.step_failure_data.error
        while error is not None:
            if error.cls_name in ours:
                return re.sub(rf"^[\w.]*{error.cls_name}: ", "", error.message.strip())
            error = error.cause
        return f"step {event.step_key} failed: {event.step_failure_data.error.message.strip()}"
    failed_checks = [e.asset_check_evaluation_data for e in result.all_events
                     if e.event_type_value == "ASSET_CHECK_EVALUATION"
                     and not e.asset_check_evaluation_data.passed]
    if failed_checks:
        names = ", ".join(f"{c.asset_key.to_user_string()}:{c.check_name}" for c in failed_checks)
        return f"blocking asset checks failed: {names}"
    return "the run failed; see the run in the Dagster UI"


def _error_class_names(base: type) -> set[str]:
    names = {base.__name__}
    for sub in base.__subclasses__():
        names |= _error_class_names(sub)
    return names


class _Progress:
    """Prints each step, materialisation and check of a run as it happens, read from the
    instance's event log (the same events the UI shows)."""

    def __init__(self, instance, run_id: str) -> None:
        self._instance = instance
        self._run_id = run_id
        self._seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _Progress:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._print_new()

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            self._print_new()

    def _print_new(self) -> None:
        try:
            records = self._instance.all_logs(self._run_id)
        except Exception:  # the run may not be stored yet
            return
        for record in records[self._seen:]:
            line = _describe(record)
            if line:
                print(line, flush=True)
        self._seen = len(records)


def _describe(record) -> str | None:
    event = record.dagster_event
    if event is None:
        return None
    kind = event.event_type_value
    if kind == "STEP_START":
        return f"  ▸ {event.step_key}"
    if kind == "ASSET_MATERIALIZATION":
        materialization = event.event_specific_data.materialization
        meta = materialization.metadata
        detail = []
        if "dagster/row_count" in meta:
            detail.append(f"{meta['dagster/row_count'].value} rows")
        if "national_total" in meta:
            detail.append(f"total {meta['national_total'].value:,}".replace(",", " "))
        if meta.get("illustrative") and meta["illustrative"].value:
            detail.append("ILLUSTRATIVE")
        for key in ("message", "workbooks", "as_of"):
            if key in meta:
                detail.append(f"{key.replace('_', ' ')} {meta[key].value}")
        return f"    ✓ {materialization.asset_key.to_user_string()}  {', '.join(detail)}"
    if kind == "ASSET_CHECK_EVALUATION":
        check = event.event_specific_data
        if not check.passed:
            return f"    ✗ check {check.asset_key.to_user_string()}:{check.check_name} failed"
        return None
    if kind == "STEP_FAILURE":
        return f"  ✗ {event.step_key} failed"
    return None


if __name__ == "__main__":
    entry()
