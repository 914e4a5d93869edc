"""Every problem of the returned forms at once, in Swedish, with municipality names.

The rules are those of MODEL.md ("Redistribution") that
`rules.validate_agreements` enforces one at a time, in English; here every
cell is parsed (`values`) and every rule checked, and all problems are returned together so a
county board can correct its form in one round:

* a value that cannot be read (municipality, amount, date, reference): unknown municipality,
  amount ≤ 0 or with too many decimals, a date without a year, …;
* a form for another share year ("Info" sheet);
* giver and receiver in different counties, or a municipality outside the board's own county;
* giver = receiver;
* an approval date outside the calendar year before the share year;
* a duplicate agreement (the same giver and receiver twice, whatever the amounts);
* a municipality that both gives and receives;
* a giver whose total given exceeds its calculated share ("hela andelen" is the whole of it).

The agreements returned are those of rows without any problem; apply them only when the problem
list is empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
from openpyxl.utils import get_column_letter

from pipeline.redistribution.agreements import FORM_HEADERS, Agreement
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

GIVER, RECEIVER, AMOUNT, APPROVED_ON, REFERENCE = range(5)


@dataclass(frozen=True)
class FormValidation:
    """The agreements of the rows without problems, and every problem found."""

    agreements: list[Agreement]
    problems: list[Problem]


@dataclass
class _Row:
    form: CountyForm
    row: FormRow
    giver: Municipality | None = None
    receiver: Municipality | None = None
    amount: int | None = None
    amount_read: bool = False
    approved_on: object = None
    reference: str | None = None


@dataclass
class _State:
    """What the rows before the current one did: pairs, givers, receivers, amounts given."""

    pairs: dict[tuple[str, str], str] = field(default_factory=dict)
    givers: dict[str, str] = field(default_factory=dict)
    receivers: dict[str, str] = field(default_factory=dict)
    given: dict[str, list[tuple[int, str, _Row | None]]] = field(default_factory=dict)


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
    problems: list[Problem] = []
    state = _State()
    for agreement in earlier:
        _remember(state, agreement.giver_code, agreement.receiver_code, agreement.source)
        amount = (calculated_units.get(agreement.giver_code, 0)
                  if agreement.amount_units is None else agreement.amount_units)
        state.given.setdefault(agreement.giver_code, []).append((amount, agreement.source, None))
    rows: list[_Row] = []
    for form in forms:
        if form.share_year != share_year:
            problems.append(Problem(form.path.name, form.sheet, None, None,
                                    str(form.share_year),
                                    messages.wrong_share_year(form.share_year, share_year)))
            continue
        own_county = index.county_name(form.county_code) or form.county_name
        for form_row in form.rows:
            row = _Row(form, form_row)
            rows.append(row)
            problems += _check_row(row, index, own_county, share_year, calculated_units, decimals,
                                   state)
    problems += _totals(state, index, calculated_units, decimals)
    wrong = {(p.file, p.sheet, p.row) for p in problems}
    agreements = [_agreement(row, share_year) for row in rows
                  if (row.form.path.name, row.form.sheet, row.row.row) not in wrong]
    return FormValidation(agreements, problems)


def validate_county_form(form: CountyForm, **kwargs) -> FormValidation:
    """validate_county_forms for one form (same keyword arguments)."""
    return validate_county_forms([form], **kwargs)


def _check_row(row: _Row, index: MunicipalityIndex, own_county: str, share_year: int,
               calculated_units: Mapping[str, int], decimals: int,
               state: _State) -> list[Problem]:
    problems: list[Problem] = []
    values = row.row.values

    def problem(column: int | None, message: str, value: str | None = None) -> None:
        if column is None:
            label, text = f"A–B ({FORM_HEADERS[GIVER]}, {FORM_HEADERS[RECEIVER]})", value
        else:
            label = f"{get_column_letter(column + 1)} ({FORM_HEADERS[column]})"
            text = shown(values[column]) if value is None else value
        problems.append(Problem(row.form.path.name, row.form.sheet, row.row.row, label,
                                text or "", message))

    # 1. every value on its own
    parsed = [parse_municipality(values[GIVER], index),
              parse_municipality(values[RECEIVER], index),
              parse_amount(values[AMOUNT], decimals), parse_date(values[APPROVED_ON]),
              parse_reference(values[REFERENCE])]
    for column, result in enumerate(parsed):
        if isinstance(result, Refused):
            problem(column, result.reason)
    giver, receiver, amount, approved_on, reference = (
        None if isinstance(result, Refused) else result for result in parsed)
    row.giver, row.receiver, row.approved_on, row.reference = (giver, receiver, approved_on,
                                                               reference)
    row.amount_read = not isinstance(parsed[AMOUNT], Refused)
    row.amount = amount

    # 2. the rules of one agreement
    if giver is not None and receiver is not None:
        if giver.code == receiver.code:
            problem(RECEIVER, messages.same_municipality(giver.name))
        elif giver.county_code != receiver.county_code:
            problem(RECEIVER, messages.different_counties(giver.name, giver.county_name,
                                                          receiver.name, receiver.county_name))
    county_code = row.form.county_code
    outside = [(column, m) for column, m in ((GIVER, giver), (RECEIVER, receiver))
               if m is not None and m.county_code != county_code]
    counties_differ = (giver is not None and receiver is not None
                       and giver.county_code != receiver.county_code)
    if outside and not (counties_differ and len(outside) == 1):
        for column, municipality in outside:
            problem(column, messages.outside_own_county(municipality.name,
                                                        municipality.county_name, own_county))
    if approved_on is not None and approved_on.year != share_year - 1:
        problem(APPROVED_ON, messages.date_outside_year(approved_on, share_year))

    # 3. the rules between agreements
    if giver is not None and receiver is not None and giver.code != receiver.code:
        pair = (giver.code, receiver.code)
        if pair in state.pairs:
            problem(None, messages.duplicate(giver.name, receiver.name,
                                             _elsewhere(state.pairs[pair], row)),
                    f"{shown(values[GIVER])} → {shown(values[RECEIVER])}")
        else:
            state.pairs[pair] = _where(row)
    if giver is not None and receiver is not None and giver.code == receiver.code:
        giver = receiver = None  # already reported; not a giver or receiver elsewhere
    if giver is not None and giver.code in state.receivers:
        problem(GIVER, messages.gives_and_receives(
            giver.name, _elsewhere(state.receivers[giver.code], row), gives_there=False))
    if receiver is not None and receiver.code in state.givers:
        problem(RECEIVER, messages.gives_and_receives(
            receiver.name, _elsewhere(state.givers[receiver.code], row), gives_there=True))
    if giver is not None:
        state.givers.setdefault(giver.code, _where(row))
    if receiver is not None:
        state.receivers.setdefault(receiver.code, _where(row))

    # 4. what the giver gives, checked against its share once every row is read
    if giver is not None and row.amount_read:
        calculated = calculated_units.get(giver.code)
        if calculated is None:
            problem(GIVER, messages.no_calculated_share(giver.name))
        elif amount is None and calculated <= 0:
            problem(AMOUNT, messages.whole_share_is_zero(giver.name, decimals))
        else:
            units = calculated if amount is None else amount
            state.given.setdefault(giver.code, []).append((units, _where(row), row))
    return problems


def _totals(state: _State, index: MunicipalityIndex, calculated_units: Mapping[str, int],
            decimals: int) -> list[Problem]:
    """One problem per giver that gives more than its calculated share in total, at the row
    where the total first exceeds it."""
    problems = []
    for code, entries in state.given.items():
        calculated = calculated_units.get(code)
        total = sum(units for units, _, _ in entries)
        if calculated is None or total <= calculated:
            continue
        running = 0
        for units, _, row in entries:
            running += units
            if running > calculated and row is not None:
                where = ", ".join(_elsewhere(where, row) for _, where, _ in entries)
                name = index.by_code[code].name if code in index.by_code else code
                problems.append(Problem(
                    row.form.path.name, row.form.sheet, row.row.row,
                    f"C ({FORM_HEADERS[AMOUNT]})", shown(row.row.values[AMOUNT]),
                    messages.gives_too_much(name, total, calculated, where, decimals)))
                break
    return problems


def _remember(state: _State, giver: str, receiver: str, where: str) -> None:
    state.pairs.setdefault((giver, receiver), where)
    state.givers.setdefault(giver, where)
    state.receivers.setdefault(receiver, where)


def _where(row: _Row) -> str:
    return f"{row.form.path.name}\x00rad {row.row.row}"


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
