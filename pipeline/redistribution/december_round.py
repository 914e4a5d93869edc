"""The December round: every agreement of a share year, from the agency's agreement file and the
forms the county boards returned, checked together.

The county boards' forms are read whatever spreadsheet format they were saved in; every problem
in them is collected at once, in Swedish, and written back as one validation report per county
(`granskning_<Y>_<län>_<namn>.xlsx` beside the review workbooks), so that a form with three
mistakes takes one round, not three. Files in the forms folder that are not forms are named in
notices, never skipped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.core.errors import AnvisningError
from pipeline.core.layout import Layout
from pipeline.redistribution.agreements import Agreement, read_agreements_csv
from pipeline.redistribution.forms.problems import Notice, Problem
from pipeline.redistribution.forms.report import (
    problems_by_county,
    report_name,
    write_validation_report,
)
from pipeline.redistribution.forms.spreadsheets import read_county_forms
from pipeline.redistribution.forms.validation import validate_county_forms
from pipeline.redistribution.rules import validate_agreements

REPORT_GLOB = "granskning_{year}_*.xlsx"


class FormProblems(AnvisningError):
    """The returned forms have problems: all of them, in Swedish, one per line."""

    def __init__(self, share_year: int, problems: list[Problem], reports: list[Path],
                 notices: list[Notice] = ()) -> None:
        self.problems = [problem.describe() for problem in problems]
        where = f"; rapporter: {', '.join(str(p) for p in reports)}" if reports else ""
        # the files that are not forms are named here too, as they are when the forms are right
        lines = [f"{len(problems)} fel i de returnerade blanketterna för {share_year}; "
                 f"inget publiceras{where}", *(f"  - {line}" for line in self.problems),
                 *(f"  ! lästes inte / not read: {notice.message}" for notice in notices)]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Round:
    agreements: list[Agreement]
    notices: list[Notice]
    forms: list[Path]  # every spreadsheet read as a form


def collect_agreements(layout: Layout, share_year: int, register: pl.DataFrame,
                       calculated_units: Mapping[str, int], decimals: int, *,
                       write_reports: bool = True, illustrative: bool = False,
                       issuer: str = "") -> Round:
    """Every valid agreement of `share_year`, or FormProblems listing every problem of the forms
    (after writing each county's report, unless `write_reports` is off: a reader of what was
    applied). `register` has the municipality and county codes and names; `calculated_units`
    the draft share of each municipality in units. A report is marked illustrative when the
    draft's inputs are (`illustrative`) or its forms say so; `issuer` is its author."""
    csv_path = layout.agreements_csv(share_year)
    from_csv = read_agreements_csv(csv_path, decimals) if csv_path.is_file() else []
    read = read_county_forms(layout.returned_forms(share_year))
    checked = validate_county_forms(read.forms, share_year=share_year, register=register,
                                    calculated_units=calculated_units, decimals=decimals,
                                    earlier=from_csv)
    problems = [*read.problems, *checked.problems]
    reports = (_write_reports(layout, share_year, read.forms, problems, read.notices, register,
                              illustrative, issuer) if write_reports else [])
    if problems:
        raise FormProblems(share_year, problems, reports, read.notices)
    agreements = [*from_csv, *checked.agreements]
    # The same rules over both routes: what is left to refuse is in the agreement file itself
    # (the forms were checked after it), said in English to the statistician who keeps it.
    validate_agreements(agreements, share_year, dict(calculated_units), register, decimals)
    return Round(agreements, read.notices, [form.path for form in read.forms])


def _write_reports(layout: Layout, share_year: int, forms: list, problems: list[Problem],
                   notices: list[Notice], register: pl.DataFrame, illustrative: bool,
                   issuer: str) -> list[Path]:
    """A report for each county with a problem; earlier reports of counties now without one are
    removed, so no stale report is sent back."""
    folder = layout.review_folder(share_year)
    names = dict(zip(register["county_code"], register["county_name"], strict=False))
    # a form naming no county of the register (a forged "Info" sheet) is reported as one of an
    # unknown county, like an unreadable file
    known = [form for form in forms if form.county_code in names]
    by_county, unattributed = problems_by_county(known, problems)
    written = []
    for county, found in sorted(by_county.items()):
        own = [form for form in forms if form.county_code == county]
        if found:
            written.append(write_validation_report(
                folder, share_year, county, names[county], found, notices,
                illustrative=illustrative or any(form.illustrative for form in own),
                contacts=[(form.path.name, form.contact) for form in own], issuer=issuer))
    if unattributed:
        written.append(write_validation_report(folder, share_year, "00", "okänt län",
                                               unattributed, notices, illustrative=illustrative,
                                               issuer=issuer))
    keep = {path.name for path in written}
    for stale in folder.glob(REPORT_GLOB.format(year=share_year)) if folder.is_dir() else []:
        if stale.name not in keep:
            stale.unlink()
    return written


__all__ = ["FormProblems", "Round", "collect_agreements", "report_name"]
