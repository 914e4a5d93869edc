"""The agency's agreement file and the county boards' forms are refused by one set of rules
(`rules.breaches`): the same mistake made in both is refused in both, by the same rule, at the
same agreement, whatever words each front end says it in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.presentation.formats import PLAIN
from pipeline.redistribution.agreements import Agreement
from pipeline.redistribution.forms.spreadsheets import CountyForm, FormRow
from pipeline.redistribution.forms.validation import validate_county_forms
from pipeline.redistribution.rules import AgreementError, Rule, validate_agreements
from tests.redistribution_forms.form_data import DECIMALS, SHARE_UNITS, YEAR

DAY = date(2025, 12, 5)
FIRST_FORM_ROW = 5
# Four municipalities of Västra Götalands län (the form's county) and one of Stockholms län.
CODES = ["1499", "1496", "1497", "1401", "0114"]


def in_the_file(rows: list[tuple]) -> list[Agreement]:
    return [Agreement(YEAR, giver, receiver, amount, day, f"Lst {i}", f"2026.csv line {i + 2}")
            for i, (giver, receiver, amount, day) in enumerate(rows)]


def on_a_form(rows: list[tuple]) -> CountyForm:
    """The same agreements as a county board types them: "hela andelen" for all, a decimal
    comma."""
    typed = [FormRow(FIRST_FORM_ROW + i, (giver, receiver, "hela andelen" if amount is None
                                          else PLAIN.fixed(amount, DECIMALS), day,
                                          f"Lst {i}"))
             for i, (giver, receiver, amount, day) in enumerate(rows)]
    return CountyForm(path=Path("vg.xlsx"), share_year=YEAR, county_code="14",
                      county_name="Västra Götalands län", decimals=DECIMALS, header_row=4,
                      rows=typed)


def refusals(register, units: dict[str, int], rows: list[tuple]
             ) -> tuple[tuple[Rule, int] | None, set[tuple[Rule, int]]]:
    """What each front end refuses: the file's first breach as (rule, form row it would be),
    and every rule problem of the form as (rule, row)."""
    try:
        validate_agreements(in_the_file(rows), YEAR, units, register, DECIMALS)
        from_file = None
    except AgreementError as error:
        from_file = (error.breach.rule, FIRST_FORM_ROW + error.breach.index)
    checked = validate_county_forms([on_a_form(rows)], share_year=YEAR, register=register,
                                    calculated_units=units, decimals=DECIMALS)
    return from_file, {(p.rule, p.row) for p in checked.problems if p.rule is not None}


MISTAKES = [
    ("giver is receiver", [("1499", "1499", 50, DAY)], {}, Rule.SAME_MUNICIPALITY, 0),
    ("another county", [("1499", "0114", 50, DAY)], {}, Rule.DIFFERENT_COUNTIES, 0),
    ("approved in the share year", [("1499", "1496", 50, date(2026, 1, 1))], {},
     Rule.APPROVAL_OUTSIDE_YEAR, 0),
    ("approved two years before", [("1499", "1496", 50, date(2024, 12, 31))], {},
     Rule.APPROVAL_OUTSIDE_YEAR, 0),
    ("the same pair twice", [("1499", "1496", 50, DAY), ("1499", "1496", 10, DAY)], {},
     Rule.DUPLICATE, 1),
    ("a giver that received", [("1499", "1496", 50, DAY), ("1496", "1497", 10, DAY)], {},
     Rule.GIVES_AND_RECEIVES, 1),
    ("a receiver that gave", [("1496", "1497", 50, DAY), ("1499", "1496", 10, DAY)], {},
     Rule.GIVES_AND_RECEIVES, 1),
    ("one unit more than the share", [("1499", "1496", 200, DAY), ("1499", "1497", 146, DAY)],
     {}, Rule.GIVES_TOO_MUCH, 1),
    ("all, and more", [("1499", "1496", None, DAY), ("1499", "1497", 1, DAY)], {},
     Rule.GIVES_TOO_MUCH, 1),
    ("all of a zero share", [("1499", "1496", None, DAY)], {"1499": 0}, Rule.NOT_POSITIVE, 0),
]


@pytest.mark.parametrize(("mistake", "rows", "changes", "rule", "at"), MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_the_same_mistake_is_refused_by_the_same_rule_in_the_file_and_on_a_form(
        register, calculated, mistake, rows, changes, rule, at) -> None:
    from_file, on_form = refusals(register, calculated | changes, rows)
    assert from_file == (rule, FIRST_FORM_ROW + at), mistake
    assert on_form == {(rule, FIRST_FORM_ROW + at)}, mistake


@given(st.data())
def test_the_file_is_refused_exactly_when_the_form_is_and_for_a_rule_the_form_names(
        register, calculated, data) -> None:
    units = calculated | {code: data.draw(st.sampled_from([0, 100, SHARE_UNITS]))
                          for code in CODES}
    rows = data.draw(st.lists(st.tuples(
        st.sampled_from(CODES), st.sampled_from(CODES),
        st.one_of(st.none(), st.integers(1, 400)),
        st.sampled_from([DAY, date(2026, 1, 1)])), min_size=1, max_size=5))
    from_file, on_form = refusals(register, units, rows)
    assert (from_file is None) == (not on_form)
    assert from_file is None or from_file in on_form
