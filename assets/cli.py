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
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from assets.job_names import DRAFT_JOB, PUBLISH_JOB, SHARE_RUN_JOB
from pipeline.core.errors import AnvisningError, describe_os_error
from pipeline.core.layout import DEFAULT_DATA_DIR, DEFAULT_OUT_DIR, Layout

EXIT_OK, EXIT_FAILED = 0, 1  # argparse exits 2 on a usage error
# Only the documented form: date.fromisoformat also reads 20261127 and 2026W485.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except AnvisningError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:
        # A missing folder, a read-only file system, a full disk: the path and the cause.
        print(f"error: {describe_os_error(error)}", file=sys.stderr)
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
    run.set_defaults(handler=_run, job=SHARE_RUN_JOB)

    draft = commands.add_parser("draft", help="ingest and draft shares, review workbooks")
    _add_run_arguments(draft)
    draft.set_defaults(handler=_run, job=DRAFT_JOB, reissue=False, reason=None,
                       decision_date=None)

    publish = commands.add_parser("publish", help="publish the share table (CSV, Excel, PDF)")
    _add_run_arguments(publish)
    _add_publish_arguments(publish)
    publish.set_defaults(handler=_run, job=PUBLISH_JOB)

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
    parser.add_argument("--ledger", type=Path, default=None,
                        help="the assignment ledger (default: <data-dir>/ledger/assignments.csv)")
    _add_folder_arguments(parser)


def _date(text: str) -> date:
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _add_folder_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                        help=f"input data folder (default: {DEFAULT_DATA_DIR})")
    parser.add_argument("--out-dir", default=DEFAULT_OUT_DIR,
                        help=f"output folder (default: {DEFAULT_OUT_DIR})")


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="share year (andelsår), e.g. 2026")
    _add_folder_arguments(parser)


def _layout(args: argparse.Namespace) -> Layout:
    return Layout(Path(args.data_dir), Path(args.out_dir))


def _ledger(args: argparse.Namespace) -> Path:
    return args.ledger if args.ledger is not None else _layout(args).ledger


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
    if args.job != DRAFT_JOB:
        op_config = {"share_table_publication": {"config": publication}}
    from assets.runner import materialise

    materialise(args.year, _layout(args), args.job, op_config)
    return EXIT_OK


def _fulfilment(args: argparse.Namespace) -> int:
    from pipeline.goals.service import fulfilment_as_of

    if args.as_of > date.today():
        raise AnvisningError(f"--as-of {args.as_of} is in the future")
    table, paths = fulfilment_as_of(args.as_of, _layout(args), _ledger(args), date.today())
    print(f"goal fulfilment as of {args.as_of}: {int(table['assigned'].sum())} assignments "
          f"since 2016-01-01; written {paths[0]} and {paths[1]}")
    return EXIT_OK


def _assign(args: argparse.Namespace) -> int:
    from pipeline.goals.service import assign

    code, name, kind, assignment_id = assign(args.date, args.connection, _layout(args),
                                             _ledger(args), date.today())
    print(f"{code} {name}")
    print(f"({kind} assignment {assignment_id} on {args.date} recorded in {_ledger(args)})",
          file=sys.stderr)
    return EXIT_OK


def _forecast(args: argparse.Namespace) -> int:
    from pipeline.goals.fulfilment import MAX_FORECAST
    from pipeline.goals.service import forecast_year

    if not 0 <= args.children <= MAX_FORECAST:
        raise AnvisningError(f"--children {args.children}: a forecast takes 0 to "
                             f"{MAX_FORECAST} children")
    today = date.today()
    as_of = args.as_of or min(today, date(args.year, 12, 31))
    path, one = forecast_year(args.year, args.children, as_of, _layout(args), _ledger(args),
                              args.municipality, today)
    print(f"forecast of {args.children} equalising assignments from the ledger as of {as_of}: "
          f"{path}")
    if one is not None:
        pct = "—" if one.fulfilment_pct is None else f"{one.fulfilment_pct:.1f} %"
        print(f"{one.municipality_code} {one.municipality_name}: {one.expected} expected "
              f"(assigned before {one.assigned_before}, after {one.assigned_after}); "
              f"goal fulfilment at the end: {pct} of a target of {one.target:.2f}")
    return EXIT_OK




if __name__ == "__main__":
    entry()
