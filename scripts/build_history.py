"""Build the published share table of every share year 2017–2026, in order, in one process.

    .venv/bin/python scripts/build_history.py [--data-dir data] [--out-dir out]   # = make run

Each share year Y runs the `share_run` job through `cli.runner.materialise` (the in-process
runner the CLI uses, on the repository's Dagster instance and warehouse, so every partition is in
the UI), decided on 15 December of Y − 1. Share year 2021 has the history's one reissue: the
Kalmar county board's agreement of 21 December 2020 was approved after the table had been
published on 15 December, so 2021 is first published without it (from a copy of the data folder
whose 2021.csv holds only the agreements approved by then) and then reissued with it, with a
reason. Running the command again on existing outputs republishes nothing: every year, the
reissued one included, reports "unchanged".
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assets.defs.automation.job_names import PUBLISH_JOB, SHARE_RUN_JOB
from pipeline.core.errors import AnvisningError
from pipeline.core.layout import DEFAULT_DATA_DIR, DEFAULT_OUT_DIR, Layout
from pipeline.publication.store import published_paths

FIRST_SHARE_YEAR, LAST_SHARE_YEAR = 2017, 2026
# The first publication of a reissued year is run from a copy of the data folder kept here, so
# the paths its manifest names stay valid.
FIRST_EDITION_DIR = ".history"


@dataclass(frozen=True)
class Reissue:
    """A share year published on its decision date without a late agreement, then reissued."""

    share_year: int
    decision_date: date
    reason: str


REISSUES = {2021: Reissue(2021, date(2020, 12, 21),
                          "Omfördelning i Kalmar län godkänd i efterhand")}


def decision_date(share_year: int) -> date:
    """The December decision of the year before the share year."""
    return date(share_year - 1, 12, 15)


def publication(decision: date, reissue_reason: str | None = None) -> dict:
    config = {"decision_date": decision.isoformat(), "reissue_reason": reissue_reason}
    return {"share_table_publication": {"config": config}}


def first_edition_layout(layout: Layout, share_year: int, decision: date) -> Layout:
    """A data folder that is `layout`'s, except that the year's agreements are only those
    approved on or before the first decision (links to everything else)."""
    root = layout.out_dir / FIRST_EDITION_DIR / str(share_year) / "data"
    agreements = root / "redistributions"
    agreements.mkdir(parents=True, exist_ok=True)
    for entry in layout.data_dir.iterdir():
        if entry.name != "redistributions":
            _link(root / entry.name, entry)
    _link(agreements / "sources.toml", layout.redistributions / "sources.toml")
    lines = layout.agreements_csv(share_year).read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    approved_on = header.split(",").index("approved_on")
    kept = [row for row in rows if date.fromisoformat(row.split(",")[approved_on]) <= decision]
    (agreements / f"{share_year}.csv").write_text("\n".join([header, *kept]) + "\n",
                                                  encoding="utf-8")
    return Layout(root, layout.out_dir)


def _link(link: Path, target: Path) -> None:
    if not link.is_symlink():
        link.symlink_to(target.resolve())


def build(layout: Layout, years: range) -> None:
    from cli.runner import materialise

    for year in years:
        reissue = REISSUES.get(year)
        if reissue is None:
            materialise(year, layout, SHARE_RUN_JOB, publication(decision_date(year)))
            continue
        if not published_paths(layout.year_out(year), year)["manifest"].exists():
            first = first_edition_layout(layout, year, decision_date(year))
            materialise(year, first, PUBLISH_JOB, publication(decision_date(year)))
        materialise(year, layout, SHARE_RUN_JOB,
                    publication(reissue.decision_date, reissue.reason))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    parser.add_argument("--out-dir", default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        build(Layout(Path(args.data_dir), Path(args.out_dir)),
              range(FIRST_SHARE_YEAR, LAST_SHARE_YEAR + 1))
    except AnvisningError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"history {FIRST_SHARE_YEAR}–{LAST_SHARE_YEAR} built in "
          f"{time.monotonic() - started:.1f} s; outputs in {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
