"""Every problem of the returned forms at once, in Swedish, with municipality names.

Every cell is parsed (`values`); the rows are then checked, after the agency's agreement file,
by `rules.breaches`: the same function that refuses the agreement file, so that the two cannot
disagree on what is allowed. Here every breach is reported together, so a county board can
correct its form in one round:

* a value that cannot be read (municipality, amount, date, reference): unknown municipality,
  amount ≤ 0 or with too many decimals, a date without a year, …;
* a form for another share year ("Info" sheet);
* a municipality outside the board's own county (the form is the board's own);
* the rules of MODEL.md ("Redistribution"): giver and receiver in different counties, giver =
  receiver, an approval date outside the calendar year before the share year, a duplicate
  agreement (the same giver and receiver twice, whatever the amounts), a municipality that both
  gives and receives, a giver whose total given exceeds its calculated share ("hela andelen" is
  the whole of it).

The agreements returned are those of rows without any problem; apply them only when the problem
list is empty. A breach within the agreement file itself is not a form's problem: the December
round reports it from `rules.validate_agreements`, in English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from openpyxl.utils import get_column_letter

from pipeline.redistribution.agreements import FORM_HEADERS, INFO_SHEET, Agreement
from pipeline.redistribution.forms import messages
from pipeline.redistribution.forms.problems import Problem
from pipeline.redistribution.forms.spreadsheets import CountyForm, FormRow
from pipeline.redistribution.forms.values import (
    Municipality,
    MunicipalityIndex,
    Refused,
    municipality_index,
    parse_amount,
    parse_date,
    parse_municipality,
    parse_reference,
    shown,
)
from pipeline.redistribution.rules import GIVER as GIVER_ROLE
from pipeline.redistribution.rules import Breach, Rule, Terms, breaches

GIVER, RECEIVER, AMOUNT, APPROVED_ON, REFERENCE = range(5)


@dataclass(frozen=True)
class FormValidation:
    """The agreements of the rows without problems, and every problem found."""

    agreements: list[Agreement]
    problems: list[Problem]


# The pair's own rules come first in a row's problems, then the board's county, then these.
_PAIR_RULES = (Rule.SAME_MUNICIPALITY, Rule.DIFFERENT_COUNTIES)
_LATER_RULES = (Rule.OTHER_SHARE_YEAR, Rule.APPROVAL_OUTSIDE_YEAR, Rule.DUPLICATE,
                Rule.GIVES_AND_RECEIVES, Rule.UNKNOWN_MUNICIPALITY, Rule.NOT_POSITIVE)


@dataclass
class _Row:
    """One form row as read: its values where readable (None where refused), the problems of
    reading them and the rules it breaks (but giving too much, reported once per giver)."""

    form: CountyForm
    row: FormRow
    giver: Municipality | None = None
    receiver: Municipality | None = None
    amount: int | None = None
    amount_read: bool = False
    approved_on: date | None = None
    reference: str | None = None
    refused: list[Problem] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)

    def problem(self, column: int | None, message: str, value: str | None = None,
                rule: Rule | None = None) -> Problem:
        values = self.row.values
        if column is None:
            label, text = f"A–B ({FORM_HEADERS[GIVER]}, {FORM_HEADERS[RECEIVER]})", value
        else:
            label = f"{get_column_letter(column + 1)} ({FORM_HEADERS[column]})"
            text = shown(values[column]) if value is None else value
        return Problem(self.form.path.name, self.form.sheet, self.row.row, label, text or "",
                       message, rule)

    def terms(self) -> Terms:
        return Terms(self.form.share_year, self.giver.code if self.giver else None,
                     self.receiver.code if self.receiver else None, self.amount,
                     self.approved_on, self.amount_read)

    @property
    def where(self) -> str:
        return f"{self.form.path.name}\x00rad {self.row.row}"


def validate_county_forms(
    forms: Sequence[CountyForm],
    *,
    share_year: int,
    register: pl.DataFrame,
    calculated_units: Mapping[str, int],
    decimals: int,
    earlier: Sequence[Agreement] = (),
) -> FormValidation:
    """Check every row of every form against every rule; collect all problems.

    `calculated_units` maps municipality_code to its calculated (draft) share in units of
    10^-decimals ‰. `earlier` are agreements already read by another route (the CSV file); a
    form row that duplicates one of them, or conflicts with them, is a problem too.
    """
    index = municipality_index(register)
    counties = set(register["county_code"])
    read: list[_Row | Problem] = []
    for form in forms:
        if form.share_year != share_year:
            read.append(Problem(form.path.name, form.sheet, None, None, str(form.share_year),
                                messages.wrong_share_year(form.share_year, share_year)))
            continue
        if form.county_code not in counties:  # a forged or damaged hidden sheet
            read.append(Problem(form.path.name, INFO_SHEET, None, "county_code",
                                form.county_code, messages.unknown_county(form.county_code)))
            continue
        read += [_read(form, form_row, index, decimals) for form_row in form.rows]
    rows = [row for row in read if isinstance(row, _Row)]
    county_of = dict(zip(register["municipality_code"], register["county_code"], strict=True))
    found = breaches([*(Terms.of(a) for a in earlier), *(row.terms() for row in rows)],
                     share_year, calculated_units, county_of)
    offset = len(earlier)
    where = [*(a.source for a in earlier), *(row.where for row in rows)]
    for breach in found:
        if breach.index >= offset and breach.rule is not Rule.GIVES_TOO_MUCH:
            rows[breach.index - offset].breaches.append(breach)
    problems: list[Problem] = []
    for entry in read:
        if isinstance(entry, Problem):
            problems.append(entry)
        else:
            problems += [*entry.refused, *_rule_problems(entry, where, index, share_year,
                                                         decimals)]
    problems += _given_too_much(found, rows, offset, where, share_year, decimals)
    wrong = {(p.file, p.sheet, p.row) for p in problems}
    agreements = [_agreement(row, share_year) for row in rows
                  if (row.form.path.name, row.form.sheet, row.row.row) not in wrong]
    return FormValidation(agreements, problems)


def _read(form: CountyForm, form_row: FormRow, index: MunicipalityIndex,
          decimals: int) -> _Row:
    """A row's values, each parsed on its own; a refused value is a problem of the row."""
    values = form_row.values
    parsed = [parse_municipality(values[GIVER], index),
              parse_municipality(values[RECEIVER], index),
              parse_amount(values[AMOUNT], decimals), parse_date(values[APPROVED_ON]),
              parse_reference(values[REFERENCE])]
    giver, receiver, amount, approved_on, reference = (
        None if isinstance(result, Refused) else result for result in parsed)
    row = _Row(form, form_row, giver, receiver, amount, not isinstance(parsed[AMOUNT], Refused),
               approved_on, reference)
    row.refused = [row.problem(column, result.reason) for column, result in enumerate(parsed)
                   if isinstance(result, Refused)]
    return row


def _rule_problems(row: _Row, where: list[str], index: MunicipalityIndex, share_year: int,
                   decimals: int) -> list[Problem]:
    """The row's breaches in Swedish, with the board's own county checked between the pair's
    rules and the rest."""
    def in_order(rules: tuple[Rule, ...]) -> list[Problem]:
        chosen = sorted((b for b in row.breaches if b.rule in rules),
                        key=lambda b: (rules.index(b.rule), b.role != GIVER_ROLE))
        return [_in_swedish(row, b, where, share_year, decimals) for b in chosen]

    differ = any(breach.rule is Rule.DIFFERENT_COUNTIES for breach in row.breaches)
    return [*in_order(_PAIR_RULES), *_outside_own_county(row, index, differ),
            *in_order(_LATER_RULES)]


def _in_swedish(row: _Row, breach: Breach, where: list[str], share_year: int,
                decimals: int) -> Problem:
    giver, receiver, rule = row.giver, row.receiver, breach.rule
    elsewhere = _elsewhere(where[breach.other], row) if breach.other is not None else ""
    match rule:
        case Rule.OTHER_SHARE_YEAR:
            return row.problem(None, messages.wrong_share_year(row.form.share_year, share_year),
                               str(row.form.share_year), rule)
        case Rule.UNKNOWN_MUNICIPALITY if breach.role == GIVER_ROLE:
            return row.problem(GIVER, messages.no_calculated_share(giver.name), rule=rule)
        case Rule.UNKNOWN_MUNICIPALITY:
            return row.problem(RECEIVER, messages.no_calculated_share(receiver.name, gives=False),
                               rule=rule)
        case Rule.SAME_MUNICIPALITY:
            return row.problem(RECEIVER, messages.same_municipality(giver.name), rule=rule)
        case Rule.DIFFERENT_COUNTIES:
            return row.problem(RECEIVER, messages.different_counties(
                giver.name, giver.county_name, receiver.name, receiver.county_name), rule=rule)
        case Rule.NOT_POSITIVE:
            message = (messages.whole_share_is_zero(giver.name, decimals) if row.amount is None
                       else messages.AMOUNT_NOT_POSITIVE)
            return row.problem(AMOUNT, message, rule=rule)
        case Rule.APPROVAL_OUTSIDE_YEAR:
            return row.problem(APPROVED_ON, messages.date_outside_year(row.approved_on,
                                                                       share_year), rule=rule)
        case Rule.DUPLICATE:
            values = row.row.values
            return row.problem(None, messages.duplicate(giver.name, receiver.name, elsewhere),
                               f"{shown(values[GIVER])} → {shown(values[RECEIVER])}", rule)
        case Rule.GIVES_AND_RECEIVES if breach.role == GIVER_ROLE:
            return row.problem(GIVER, messages.gives_and_receives(giver.name, elsewhere,
                                                                  gives_there=False), rule=rule)
        case Rule.GIVES_AND_RECEIVES:
            return row.problem(RECEIVER, messages.gives_and_receives(receiver.name, elsewhere,
                                                                     gives_there=True), rule=rule)
        case Rule.GIVES_TOO_MUCH:
            counted = ", ".join(_elsewhere(where[i], row) for i in breach.counted)
            return row.problem(AMOUNT, messages.gives_too_much(
                giver.name, breach.total_units, breach.calculated_units, counted, decimals),
                rule=rule)


def _outside_own_county(row: _Row, index: MunicipalityIndex, counties_differ: bool
                        ) -> list[Problem]:
    """A municipality outside the board's county, unless giver and receiver are in different
    counties with one of them in the board's own (that rule already says it)."""
    own_county = index.county_name(row.form.county_code) or row.form.county_name
    outside = [(column, m) for column, m in ((GIVER, row.giver), (RECEIVER, row.receiver))
               if m is not None and m.county_code != row.form.county_code]
    if not outside or (counties_differ and len(outside) == 1):
        return []
    return [row.problem(column, messages.outside_own_county(m.name, m.county_name, own_county))
            for column, m in outside]


def _given_too_much(found: list[Breach], rows: list[_Row], offset: int, where: list[str],
                    share_year: int, decimals: int) -> list[Problem]:
    """One problem per giver that gives more than its calculated share in total, at the first
    form row from which its running total exceeds it (in the order the givers first give)."""
    first: dict[str, Breach] = {}
    for breach in found:
        if breach.rule is Rule.GIVES_TOO_MUCH and breach.index >= offset:
            first.setdefault(rows[breach.index - offset].giver.code, breach)
    return [_in_swedish(rows[breach.index - offset], breach, where, share_year, decimals)
            for breach in sorted(first.values(), key=lambda breach: breach.counted[0])]


def _elsewhere(where: str, row: _Row) -> str:
    """'rad 5' in the same file, 'fil.xlsx rad 5' in another; an earlier route as it is named."""
    if "\x00" not in where:
        return where
    file, place = where.split("\x00", 1)
    return place if file == row.form.path.name else f"{file} {place}"


def _agreement(row: _Row, share_year: int) -> Agreement:
    return Agreement(share_year=share_year, giver_code=row.giver.code,
                     receiver_code=row.receiver.code, amount_units=row.amount,
                     approved_on=row.approved_on, reference=row.reference,
                     source=f"{row.form.path} sheet {row.form.sheet!r} row {row.row.row}")
