"""Where the county boards' review round stands (granskningsomgångens läge), county by county.

Each county is in one of these states, in Swedish as the statistician shows them to the boards:

* `inte skickad` (not sent): no review workbook has been written for it yet;
* `skickad` (sent): its review workbook is written in `out/<Y>/review/`, no form has come back,
  and the deadline has not passed;
* `returnerad` (returned): a form has come back, but it cannot be validated yet because the
  share year's draft, which the forms are checked against, is not in the warehouse;
* `giltig` (valid): every form it returned reads and follows every rule;
* `med fel` (with errors): a form it returned has at least one problem (listed, in Swedish);
* `saknas` (missing): nothing has come back and the deadline of `data/review.toml` has passed.

The forms are read and validated by the December round's own functions (`forms.spreadsheets`,
`forms.validation`, `forms.report`), so a form valid here is a form the share run applies.
Nothing is written: the validation reports are written by the share run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from pipeline.core.layout import Layout
from pipeline.redistribution.agreements import read_agreements_csv
from pipeline.redistribution.forms.problems import Problem
from pipeline.redistribution.forms.report import problems_by_county
from pipeline.redistribution.forms.spreadsheets import read_county_forms
from pipeline.redistribution.forms.validation import validate_county_forms
from pipeline.redistribution.review_round import review_deadline

NOT_SENT, SENT, RETURNED = "inte skickad", "skickad", "returnerad"
VALID, WITH_ERRORS, MISSING = "giltig", "med fel", "saknas"
STATUSES = (NOT_SENT, SENT, RETURNED, VALID, WITH_ERRORS, MISSING)


@dataclass(frozen=True)
class CountyStatus:
    """One county board's place in the round: its state, the files it returned and, once
    validated, every problem in them (Swedish, one line each)."""

    county_code: str
    county_name: str
    status: str
    files: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class RoundStatus:
    """The round of one share year: the deadline, whether the forms could be validated, each
    county's state, and the files of the folder that are not any county's form (a spreadsheet
    that cannot be read, a PDF, a lock file), each with why."""

    share_year: int
    deadline: date
    validated: bool
    counties: list[CountyStatus]
    not_read: list[str]

    def count(self, status: str) -> int:
        return sum(county.status == status for county in self.counties)


def county_status(sent: bool, returned: bool, problems: Sequence[str] | None,
                  past_deadline: bool) -> str:
    """The state of one county; `problems` is None while its forms cannot be validated."""
    if returned:
        if problems is None:
            return RETURNED
        return WITH_ERRORS if problems else VALID
    if past_deadline:
        return MISSING
    return SENT if sent else NOT_SENT


def round_status(layout: Layout, share_year: int, register: pl.DataFrame,
                 draft: pl.DataFrame | None, decimals: int, today: date) -> RoundStatus:
    """Every county of `register` (code and name columns) in the round of `share_year` on
    `today`. `draft` has the share year's draft (register columns and `share_units`), or is None
    when the warehouse holds none: then returned forms are read but not validated."""
    deadline = review_deadline(layout.review_round, share_year)
    read = read_county_forms(layout.returned_forms(share_year))
    problems: list[Problem] = list(read.problems)
    if draft is not None:
        agreements_csv = layout.agreements_csv(share_year)
        checked = validate_county_forms(
            read.forms, share_year=share_year,
            register=draft.select("municipality_code", "municipality_name", "county_code",
                                  "county_name"),
            calculated_units=dict(zip(draft["municipality_code"], draft["share_units"],
                                      strict=True)),
            decimals=decimals,
            earlier=(read_agreements_csv(agreements_csv, decimals)
                     if agreements_csv.is_file() else []))
        problems += checked.problems
    by_county, unattributed = problems_by_county(read.forms, problems)
    files: dict[str, list[str]] = {}
    names = dict(zip(register["county_code"], register["county_name"], strict=False))
    for form in read.forms:
        files.setdefault(form.county_code, []).append(form.path.name)
        names.setdefault(form.county_code, form.county_name)  # a code outside the register
    counties = []
    for code in sorted(names):
        found = ([p.describe() for p in by_county.get(code, [])] if draft is not None
                 else None)
        sent = layout.review_workbook(share_year, code, names[code]).is_file()
        counties.append(CountyStatus(
            code, names[code],
            county_status(sent, code in files, found, today > deadline),
            tuple(files.get(code, ())), tuple(found or ())))
    not_read = ([p.describe() for p in unattributed]
                + [f"{n.file}: {n.message}" for n in read.notices])
    return RoundStatus(share_year, deadline, draft is not None, counties, not_read)
