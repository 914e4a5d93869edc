"""`anvisning`: the command line of the yearly share run.

Every command that computes runs the same Dagster jobs the UI runs, on the same instance
(DAGSTER_HOME, by default `.dagster_home/` in the working directory), so CLI runs appear in the UI's
run history. A bad input ends with one message naming file, line, column, value and rule, and a
non-zero exit — never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from assets.defs.automation.job_names import DRAFT_JOB, PUBLISH_JOB, SHARE_RUN_JOB, VARIANTS_JOB
from cli.options import CommandParser, check_project, with_given_folders
from pipeline.core.errors import AnvisningError, describe_os_error
from pipeline.core.folders import check_folder
from pipeline.core.layout import DEFAULT_DATA_DIR, DEFAULT_OUT_DIR, Layout
from pipeline.core.text import checked_option

EXIT_OK, EXIT_FAILED = 0, 1  # argparse exits 2 on a usage error
# Only the documented form: date.fromisoformat also reads 20261127 and 2026W485.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_ASSIGNMENT = date(2016, 1, 1)

COMMANDS = {
    "run": ("the whole share run for a share year: ingest, draft, review workbooks, "
            "redistributions, publication, goal fulfilment",
            "anvisning run                      # the latest share year with statistics\n"
            "anvisning run --year 2026\n"
            "anvisning run --year 2026 --reissue --reason \"Omfördelning i Kalmar län\""),
    "draft": ("the autumn step: ingest and validate the statistics, draft shares and the 21 "
              "county boards' review workbooks; nothing is published",
              "anvisning draft --year 2027\n"
              "anvisning draft --year 2026 --out-dir /tmp/utkast"),
    "publish": ("the December step: everything up to the published share table (CSV, Excel, "
                "PDF) and what depends on it; a published table is replaced only with "
                "--reissue --reason",
                "anvisning publish --year 2026\n"
                "anvisning publish --year 2026 --decision-date 2025-12-15\n"
                "anvisning publish --year 2026 --reissue --reason \"Rättad folkmängd\""),
    "variants": ("the August step: ingest the statistics and compute every model variant of "
                 "<data-dir>/variants.toml beside the standard draft (which it leaves as it is), "
                 "compared per municipality and county -> <out>/<Y>/variants/: a CSV, a "
                 "workbook and the memo 'Underlag för förslag till andelstal <Y>' (PDF); nothing "
                 "is reviewed or published",
                 "anvisning variants                 # the latest share year with statistics\n"
                 "anvisning variants --year 2025"),
    "fulfilment": ("goal fulfilment (måluppfyllelse) per municipality on a date, against that "
                   "year's published share table -> <out>/fulfilment_<DATE>.csv and .xlsx",
                   "anvisning fulfilment --as-of 2026-06-30"),
    "assign": ("record one assignment in the register: equalising by the rule (the lowest goal "
               "fulfilment), or a connection assignment to a municipality the child has ties to;"
               " with where and when the child arrived; prints the municipality",
               "anvisning assign --date 2026-12-07 --arrival-date 2026-12-03 "
               "--arrival-municipality Sigtuna\n"
               "anvisning assign --date 2026-12-07 --arrival-date 2026-12-05 "
               "--arrival-municipality 1280 --connection Göteborg\n"
               "anvisning assign --date 2026-11-01 --arrival-date 2026-10-28 "
               "--arrival-municipality Malmö --late   # entered after later ones"),
    "transfer": ("record a transfer in the register: the day the assigned municipality took over "
                 "the child's care and the arrival municipality's temporary care ended",
                 "anvisning transfer --assignment A0008442 --date 2026-12-09"),
    "migrate-register": ("bring a register without arrival columns to today's form, from the "
                         "agency's arrival records (assignment_id,arrival_date,"
                         "arrival_municipality_code; one per assignment)",
                         "anvisning migrate-register --arrivals ankomster.csv"),
    "site": ("the public statistics site in Swedish -> <out>/site/index.html: a map and table "
             "of goal fulfilment and shares, a page per county and per municipality; opens "
             "from the folder without network",
             "anvisning site\n"
             "anvisning site --as-of 2026-06-30 --out-dir /tmp/publicera"),
    "instance": ("set up the Dagster instance of DAGSTER_HOME, where the run history is kept, "
                 "and name its database: on a server, the check that PostgreSQL answers",
                 "anvisning instance\n"
                 "DAGSTER_HOME=/srv/anvisning/dagster_home anvisning instance"),
    "forecast": ("what each municipality receives of M more equalising assignments, exactly as "
                 "the rule will assign them -> <out>/<Y>/forecast_<Y>_<DATE>_<M>.csv",
                 "anvisning forecast --children 500\n"
                 "anvisning forecast --year 2026 --children 500 --municipality Malmö"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.project_folders:  # declared with --data-dir/--out-dir (not by `instance`)
            _check_folders(args)
            check_project(args.data_dir)
        return args.handler(args)
    except AnvisningError as error:
        print(f"error: {with_given_folders(str(error), args)}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:
        # A missing folder, a read-only file system, a full disk: the path and the cause.
        print(f"error: {describe_os_error(error)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    """The console script."""
    raise SystemExit(main())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="anvisning",
        description="Yearly municipality shares (andelstal) for assigning unaccompanied "
        "minors: the share run, goal fulfilment, assignments and forecasts.",
        epilog="Run `anvisning COMMAND --help` for a command's options and examples.",
    )
    parser.set_defaults(project_folders=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=CommandParser)

    def command(name: str) -> argparse.ArgumentParser:
        summary, examples = COMMANDS[name]
        description = textwrap.fill(summary[0].upper() + summary[1:] + ".", width=79)
        return commands.add_parser(name, help=summary, description=description,
                                   epilog="examples:\n" + _indent(examples),
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    run = command("run")
    _add_run_arguments(run)
    _add_publish_arguments(run)
    run.set_defaults(handler=_run, job=SHARE_RUN_JOB)

    draft = command("draft")
    _add_run_arguments(draft)
    draft.set_defaults(handler=_run, job=DRAFT_JOB, reissue=False, reason=None,
                       decision_date=None, publication_date=None)

    publish = command("publish")
    _add_run_arguments(publish)
    _add_publish_arguments(publish)
    publish.set_defaults(handler=_run, job=PUBLISH_JOB)

    variants = command("variants")
    _add_run_arguments(variants)
    variants.set_defaults(handler=_run, job=VARIANTS_JOB, reissue=False, reason=None,
                          decision_date=None, publication_date=None)

    fulfilment = command("fulfilment")
    fulfilment.add_argument("--as-of", type=_date, required=True, metavar="DATE",
                            help="the day to count up to, YYYY-MM-DD (not in the future)")
    _add_ledger_arguments(fulfilment)
    fulfilment.set_defaults(handler=_fulfilment)

    assign = command("assign")
    assign.add_argument("--date", type=_date, required=True, metavar="DATE",
                        help="the day of the assignment, YYYY-MM-DD, from 2016-01-01 to today")
    assign.add_argument("--arrival-date", type=_date, required=True, metavar="DATE",
                        help="the day the child made itself known to the authorities, "
                        "YYYY-MM-DD, on or before --date")
    assign.add_argument("--arrival-municipality", required=True, metavar="MUNICIPALITY",
                        help="the arrival municipality (ankomstkommun): code, name or "
                        "\"code name\"")
    assign.add_argument("--connection", metavar="MUNICIPALITY",
                        help="a connection assignment (anknytning) to this municipality: code, "
                        "name or \"code name\"")
    assign.add_argument("--late", action="store_true",
                        help="enter an assignment dated before the register's last recorded "
                        "one (it changes the queue for assignments already made); it is "
                        "recorded as late")
    _add_ledger_arguments(assign)
    assign.set_defaults(handler=_assign)

    transfer = command("transfer")
    transfer.add_argument("--assignment", required=True, metavar="ID",
                          help="the assignment's id, as `assign` printed it (A0008442)")
    transfer.add_argument("--date", type=_date, required=True, metavar="DATE",
                          help="the day of the transfer, YYYY-MM-DD, from the assignment date "
                          "to today")
    _add_ledger_arguments(transfer)
    transfer.set_defaults(handler=_transfer)

    migrate = command("migrate-register")
    migrate.add_argument("--arrivals", type=Path, required=True, metavar="FILE",
                         help="CSV: assignment_id,arrival_date,arrival_municipality_code")
    _add_ledger_arguments(migrate)
    migrate.set_defaults(handler=_migrate)

    site = command("site")
    site.add_argument("--as-of", type=_date, metavar="DATE",
                      help="the day the site shows (default: today); its year must be published")
    _add_folder_arguments(site)
    site.set_defaults(handler=_site)

    instance = command("instance")
    instance.set_defaults(handler=_instance)

    forecast = command("forecast")
    forecast.add_argument("--year", type=int, metavar="YEAR",
                          help="share year (default: the latest share year with statistics)")
    forecast.add_argument("--children", type=int, required=True, metavar="M",
                          help="expected number of equalising assignments")
    forecast.add_argument("--as-of", type=_date, metavar="DATE",
                          help="the ledger as it stood on this day (default: today, or 31 "
                          "December of the share year if that is earlier)")
    forecast.add_argument("--municipality", metavar="MUNICIPALITY",
                          help="also report on one municipality: code, name or \"code name\"")
    _add_ledger_arguments(forecast)
    forecast.set_defaults(handler=_forecast)
    return parser


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


def _add_publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reissue", action="store_true",
                        help="replace an already published table (needs --reason); the earlier "
                        "version is kept")
    parser.add_argument("--reason", help="why the table is reissued (printed on the new "
                        "version)")
    parser.add_argument("--decision-date", type=_date, metavar="DATE",
                        help="the decision date printed on the table (default: as published, "
                        "else the last approval date of the agreements, else the configured "
                        "day in December of the year before)")
    parser.add_argument("--publication-date", type=_date, metavar="DATE",
                        help="the date a new version states as published (default: its "
                        "decision date)")


def _add_ledger_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ledger", type=Path, default=None, metavar="FILE",
                        help="the register's assignments (default: <data-dir>/ledger/"
                        "assignments.csv; its transfers are transfers.csv beside it)")
    _add_folder_arguments(parser)


def _date(text: str) -> date:
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _add_folder_arguments(parser: argparse.ArgumentParser) -> None:
    """--data-dir and --out-dir; a command that has them reads the project's folders, which
    `main` checks before the command runs."""
    parser.set_defaults(project_folders=True)
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR, metavar="DIR",
                        help=f"input data folder (default: {DEFAULT_DATA_DIR})")
    parser.add_argument("--out-dir", default=DEFAULT_OUT_DIR, metavar="DIR",
                        help=f"output folder (default: {DEFAULT_OUT_DIR})")


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, metavar="YEAR",
                        help="share year (andelsår), e.g. 2026 (default: the latest share year "
                        "whose statistics are in the data folder)")
    _add_folder_arguments(parser)


def _check_folders(args: argparse.Namespace) -> None:
    """--data-dir and --out-dir before anything runs: a file, a folder that cannot be read or
    written, or a missing data folder is named with the OS's own words, not taken for something
    else later (a file as --out-dir is not "a missing out folder")."""
    # A missing data folder is left to check_project, which also says how to point at one.
    if Path(args.data_dir).exists():
        check_folder("--data-dir", Path(args.data_dir), must_exist=True)
    check_folder("--out-dir", Path(args.out_dir), must_exist=False)


def _layout(args: argparse.Namespace) -> Layout:
    return Layout(Path(args.data_dir), Path(args.out_dir))


def _ledger(args: argparse.Namespace) -> Path:
    return args.ledger if args.ledger is not None else _layout(args).ledger


def _share_year(args: argparse.Namespace) -> int:
    """--year, or the latest share year with statistics (said aloud); a year without data is
    refused naming the years that have it."""
    from pipeline.ingestion.available import check_share_year, latest_share_year

    if args.year is None:
        year = latest_share_year(_layout(args))
        print(f"anvisning: share year {year} (the latest with statistics in "
              f"{_layout(args).statistics_root}; choose another with --year)", flush=True)
        return year
    check_share_year(_layout(args), args.year)
    return args.year


def _run(args: argparse.Namespace) -> int:
    if args.reissue and not (args.reason and args.reason.strip()):
        raise AnvisningError('--reissue needs --reason "<why the table is replaced>"')
    if args.reason and not args.reissue:
        raise AnvisningError("--reason goes with --reissue")
    if args.reason:
        checked_option("--reason", args.reason)
    share_year = _share_year(args)
    publication = {
        "reissue_reason": args.reason if args.reissue else None,
        "decision_date": args.decision_date.isoformat() if args.decision_date else None,
        # Given on the command line, a date after 1 January of the share year is meant.
        "decision_date_explicit": args.decision_date is not None,
        "publication_date": (args.publication_date.isoformat() if args.publication_date
                             else None),
    }
    op_config = None
    if args.job in (SHARE_RUN_JOB, PUBLISH_JOB):
        op_config = {"share_table_publication": {"config": publication}}
    tags = {"anvisning/command": "reissue" if args.reissue else args.command}
    if args.reissue:
        tags["anvisning/reason"] = args.reason.strip()
    if args.decision_date:
        tags["anvisning/decision_date"] = args.decision_date.isoformat()
    from cli.runner import materialise

    materialise(share_year, _layout(args), args.job, op_config, tags)
    return EXIT_OK


def _fulfilment(args: argparse.Namespace) -> int:
    from pipeline.goals.service import fulfilment_as_of

    if args.as_of > date.today():
        raise AnvisningError(f"--as-of {args.as_of}: the date is in the future")
    table, paths = fulfilment_as_of(args.as_of, _layout(args), _ledger(args), date.today())
    print(f"goal fulfilment as of {args.as_of}: {int(table['assigned'].sum())} assignments "
          f"since 2016-01-01; written {paths[0]} and {paths[1]}")
    return EXIT_OK


def _assign(args: argparse.Namespace) -> int:
    from pipeline.goals.ledger import Arrival
    from pipeline.goals.service import assign

    today = date.today()
    if not FIRST_ASSIGNMENT <= args.date <= today:
        raise AnvisningError(f"--date {args.date}: an assignment is dated from "
                             f"{FIRST_ASSIGNMENT} up to today ({today})")
    if args.arrival_date > args.date:
        raise AnvisningError(f"--arrival-date {args.arrival_date}: the child's arrival must be "
                             f"on or before its assignment (--date {args.date})")
    arrival = Arrival(args.arrival_date, _municipality(args, "--arrival-municipality",
                                                       args.arrival_municipality))
    connection = (_municipality(args, "--connection", args.connection)
                  if args.connection is not None else None)
    code, name, kind, assignment_id = assign(args.date, connection, arrival, _layout(args),
                                             _ledger(args), today, late=args.late)
    print(f"{code} {name}")
    late = ", recorded as late" if args.late else ""
    print(f"({kind} assignment {assignment_id} on {args.date}{late} recorded in "
          f"{_ledger(args)})", file=sys.stderr)
    _after_assignment(args, today)
    return EXIT_OK


def _transfer(args: argparse.Namespace) -> int:
    from pipeline.goals.service import transfer

    done = transfer(args.assignment, args.date, _layout(args), _ledger(args), date.today())
    print(f"transfer of {done.assignment_id} (arrived in {done.arrival_municipality_code}, "
          f"assigned to {done.municipality_code} on {done.assigned_on}) on {args.date} "
          "recorded")
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    from pipeline.goals.service import migrate

    count = migrate(args.arrivals, _layout(args), _ledger(args), date.today())
    print(f"{_ledger(args)}: {count} assignments now carry their arrival; transfers are "
          "recorded with `anvisning transfer`")
    return EXIT_OK


def _after_assignment(args: argparse.Namespace, today: date) -> None:
    """The goal fulfilment files of the days the assignment counts in, rewritten; what could
    not be, and the site, said to be out of date with the command that updates them."""
    from pipeline.goals.refresh import refresh_after_assignment, site_folder

    layout = _layout(args)
    refreshed = refresh_after_assignment(layout, _ledger(args), args.date, today)
    for day in refreshed.updated:
        print(f"(updated {layout.fulfilment_csv(day)} and .xlsx with this assignment)",
              file=sys.stderr)
    ledger = f" --ledger {shlex.quote(str(args.ledger))}" if args.ledger is not None else ""
    for day, reason in refreshed.stale:
        print(with_given_folders(
            f"warning: {layout.fulfilment_csv(day)} and .xlsx are out of date: they do not "
            f"count this assignment ({reason}); `anvisning fulfilment --as-of {day}{ledger}` "
            "updates them", args), file=sys.stderr)
    site = site_folder(layout)
    if site is not None:
        print(with_given_folders(
            f"note: the statistics site in {site} does not count this assignment yet; "
            f"`anvisning site` updates it", args), file=sys.stderr)


def _forecast(args: argparse.Namespace) -> int:
    from pipeline.goals.fulfilment import MAX_FORECAST
    from pipeline.goals.plausible import far_above_prognosis
    from pipeline.goals.service import forecast_year

    if not 0 <= args.children <= MAX_FORECAST:
        raise AnvisningError(f"--children {args.children}: a forecast takes 0 to "
                             f"{MAX_FORECAST} children")
    share_year = _share_year(args)
    municipality = (_municipality(args, "--municipality", args.municipality)
                    if args.municipality is not None else None)
    today = date.today()
    as_of = args.as_of or min(today, date(share_year, 12, 31))
    warning = far_above_prognosis(args.children, _layout(args).prognosis, share_year)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    written = forecast_year(share_year, args.children, as_of, _layout(args), _ledger(args),
                            municipality, today)
    what = {"written": "written to", "unchanged": "unchanged in",
            "replaced": "replaced the earlier forecast in"}[written.state]
    print(f"forecast of {args.children} new equalising assignments from the ledger as of "
          f"{as_of}: {what} {written.path}"
          + (" (the ledger up to that day has changed since)" if written.state == "replaced"
             else ""))
    print(f"  assigned_since_2016: the ledger's assignments from 2016-01-01 to {as_of}; "
          f"forecast_new_assignments: of the {args.children} new ones; "
          "assigned_since_2016_after_forecast: the two together")
    one = written.municipality
    if one is not None:
        print(f"{one.municipality_code} {one.municipality_name}: {one.expected} of the new "
              f"assignments (assigned since 2016: {one.assigned_before} before, "
              f"{one.assigned_after} after); "
              + (f"goal fulfilment at the end: {one.fulfilment_pct:.1f} % of a target of "
                 f"{one.target:.2f}" if one.share_units > 0
                 else "no share (0 ‰): not assigned by the rule"))
    return EXIT_OK


def _site(args: argparse.Namespace) -> int:
    from pipeline.site import build_site_from_folders

    as_of = args.as_of or date.today()
    if as_of > date.today():
        raise AnvisningError(f"--as-of {as_of}: the date is in the future")
    index = build_site_from_folders(Path(args.data_dir), Path(args.out_dir), as_of)
    print(f"statistics site as of {as_of}: open {index} in a browser (no network needed)")
    return EXIT_OK


def _instance(args: argparse.Namespace) -> int:
    from cli.instance_database import describe_database
    from cli.runner import prepare_instance

    prepare_instance()
    home = Path(os.environ["DAGSTER_HOME"])
    print(f"Dagster instance {home}: {describe_database(home)}; ready")
    return EXIT_OK


def _municipality(args: argparse.Namespace, option: str, typed: str) -> str:
    """A municipality option as a code: a code, a name or "code name", as the county form takes
    them; an error names the option and what was typed."""
    from pipeline.ingestion.register import load_register
    from pipeline.redistribution.forms.values import (
        Refused,
        municipality_index,
        parse_municipality,
    )

    found = parse_municipality(typed, municipality_index(load_register(_layout(args).register)))
    if isinstance(found, Refused):
        raise AnvisningError(f"{option} {typed!r}: {found.reason}")
    return found.code


if __name__ == "__main__":
    entry()
