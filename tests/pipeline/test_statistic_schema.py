"""A statistic's rows against the municipality register (pipeline/ingestion/schemas.py): one row
for every municipality, known codes, the register's names, non-negative figures; the first broken
rule in file order is one error naming the line, the column, the value and the rule."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest

from pipeline.core.errors import InputError
from pipeline.ingestion.readers import RegionRow, RegionTable
from pipeline.ingestion.schemas import _first_failure, statistic_schema, validate_statistic

PATH = Path("data/statistics/2024/population.csv")
REGISTER = pl.DataFrame({
    "municipality_code": ["0114", "0115", "0305"],
    "municipality_name": ["Upplands Väsby", "Vallentuna", "Håbo"],
    "county_code": ["01", "01", "03"],
    "county_name": ["Stockholms län", "Stockholms län", "Uppsala län"],
})
GOOD = [("0305", "Håbo", 30), ("0114", "Upplands Väsby", 10), ("0115", "Vallentuna", 20)]


def table(rows, start: int = 2) -> RegionTable:
    return RegionTable("region", "Folkmängd 2024",
                       [RegionRow(start + i, *row) for i, row in enumerate(rows)])


def refusal(rows) -> InputError:
    with pytest.raises(InputError) as raised:
        validate_statistic(PATH, table(rows), REGISTER, "population")
    assert raised.value.file == str(PATH)
    return raised.value


def test_a_complete_statistic_is_returned_by_code():
    values = validate_statistic(PATH, table(GOOD), REGISTER, "population")
    assert values.columns == ["municipality_code", "population"]
    assert values.rows() == [("0114", 10), ("0115", 20), ("0305", 30)]


def test_a_name_written_with_combining_marks_is_the_registers_name():
    nfd = unicodedata.normalize("NFD", "Håbo")
    assert nfd != "Håbo"
    values = validate_statistic(PATH, table([("0305", nfd, 30), *GOOD[1:]]), REGISTER, "v")
    assert values["v"].to_list() == [10, 20, 30]


def test_a_municipality_listed_twice_is_refused_at_its_second_row():
    error = refusal([*GOOD, ("0114", "Upplands Väsby", 11)])
    assert (error.line, error.column, error.value) == (5, "region", "0114")
    assert error.rule == "each municipality appears once (duplicated code); first seen on line 3"


@pytest.mark.parametrize(("code", "rule"), [
    ("9999", "the code is not a municipality in the register"),
    ("114", "a municipality code is 4 digits")])
def test_a_code_outside_the_register_is_refused(code, rule):
    error = refusal([*GOOD, (code, "Någonstans", 1)])
    assert (error.line, error.column, error.value, error.rule) == (5, "region", code, rule)


def test_a_negative_figure_is_refused_in_the_figures_column():
    error = refusal([GOOD[0], ("0114", "Upplands Väsby", -10), GOOD[2]])
    assert (error.line, error.column, error.value, error.rule) == (
        3, "Folkmängd 2024", -10, "a figure is a non-negative whole number")


def test_a_name_other_than_the_registers_is_refused_naming_both():
    error = refusal([("0305", "Habo", 30), *GOOD[1:]])
    assert (error.line, error.column, error.value) == (2, "region", "0305 Habo")
    assert error.rule == "the name differs from the register's name for this code ('Håbo')"


def test_the_first_broken_rule_in_file_order_is_the_one_reported():
    error = refusal([GOOD[0], GOOD[1], ("0115", "Vallentuna", -1), ("9999", "X", 1)])
    assert (error.line, error.rule) == (4, "a figure is a non-negative whole number")
    error = refusal([GOOD[0], ("9999", "X", 1), GOOD[1], ("0115", "Vallentuna", -1)])
    assert (error.line, error.rule) == (3, "the code is not a municipality in the register")


@pytest.mark.parametrize(("rows", "value", "rule"), [
    (GOOD[:2], "0115 Vallentuna",
     "every municipality of the register must have a row; this one is missing"),
    (GOOD[:1], "0114 Upplands Väsby",
     "every municipality of the register must have a row; this one is missing (and 1 more)"),
])
def test_a_municipality_without_a_row_is_named_after_every_row_passes(rows, value, rule):
    error = refusal(rows)
    assert (error.line, error.column, error.value, error.rule) == (None, "region", value, rule)


def test_a_broken_row_before_a_duplicate_is_the_one_reported():
    error = refusal([("0114", "Upplands Väsby", -1), GOOD[0], GOOD[2], ("0305", "Håbo", 30)])
    assert (error.line, error.rule) == (2, "a figure is a non-negative whole number")


def test_a_statistic_without_rows_names_the_first_missing_municipality():
    error = refusal([])
    assert (error.value, error.rule) == (
        "0114 Upplands Väsby",
        "every municipality of the register must have a row; this one is missing (and 2 more)")


@pytest.mark.parametrize(("row", "column", "value", "rule"), [
    # an unknown code with a negative figure: the code's rule comes before the figure's
    (("9999", "Någonstans", -1), "region", "9999",
     "the code is not a municipality in the register"),
    # a code of three digits is also outside the register: the form's rule comes first
    (("114", "Någonstans", -1), "region", "114", "a municipality code is 4 digits"),
    # a wrong name with a negative figure: the figure's rule comes before the name's
    (("0305", "Habo", -1), "Folkmängd 2024", -1, "a figure is a non-negative whole number"),
])
def test_a_row_breaking_two_rules_reports_the_rule_that_comes_first(row, column, value, rule):
    error = refusal([GOOD[1], GOOD[2], row])
    assert (error.line, error.column, error.value, error.rule) == (4, column, value, rule)


def test_a_row_repeating_a_code_and_breaking_another_rule_is_reported_as_the_repeat():
    error = refusal([*GOOD, ("0114", "Upplands Väsby", -1)])
    assert (error.line, error.column, error.value, error.rule) == (
        5, "region", "0114",
        "each municipality appears once (duplicated code); first seen on line 3")


def test_of_two_codes_repeated_the_first_repeat_in_the_file_is_reported():
    # 0114 on lines 2 and 4, 0115 on lines 3 and 5: line 3 is 0115's first row, not a repeat
    error = refusal([GOOD[1], GOOD[2], GOOD[1], GOOD[2], GOOD[0]])
    assert (error.line, error.column, error.value, error.rule) == (
        4, "region", "0114",
        "each municipality appears once (duplicated code); first seen on line 2")


def test_a_broken_row_between_a_code_and_its_repeat_is_the_one_reported():
    error = refusal([GOOD[1], ("9999", "Någonstans", 1), GOOD[1], GOOD[0], GOOD[2]])
    assert (error.line, error.column, error.value, error.rule) == (
        3, "region", "9999", "the code is not a municipality in the register")


def test_rows_out_of_line_order_report_the_broken_row_with_the_smallest_line():
    rows = [RegionRow(6, "9999", "Någonstans", 1), RegionRow(3, "0114", "Upplands Väsby", -1),
            RegionRow(2, "0305", "Håbo", 30), RegionRow(4, "0115", "Vallentuna", 20)]
    with pytest.raises(InputError) as raised:
        validate_statistic(PATH, RegionTable("region", "Folkmängd 2024", rows), REGISTER, "v")
    assert (raised.value.line, raised.value.column, raised.value.value, raised.value.rule) == (
        3, "Folkmängd 2024", -1, "a figure is a non-negative whole number")


def test_a_repeat_is_the_row_of_the_larger_line_whatever_the_order_of_the_rows():
    rows = [RegionRow(5, "0114", "Upplands Väsby", 10), RegionRow(2, "0305", "Håbo", 30),
            RegionRow(4, "0115", "Vallentuna", 20), RegionRow(3, "0114", "Upplands Väsby", 11)]
    with pytest.raises(InputError) as raised:
        validate_statistic(PATH, RegionTable("region", "Folkmängd 2024", rows), REGISTER, "v")
    assert (raised.value.line, raised.value.column, raised.value.value, raised.value.rule) == (
        5, "region", "0114",
        "each municipality appears once (duplicated code); first seen on line 3")


@pytest.mark.parametrize("row", [("9999", "Någonstans", -1), ("114", "Någonstans", -1),
                                 ("0305", "Habo", -1), ("0114", "Upplands Väsby", -1)])
def test_the_report_does_not_rest_on_the_order_pandera_lists_the_failures_in(row):
    # the failures of a statistic whose line 5 breaks two rules (or one: a duplicate with a
    # negative figure breaks uniqueness and the figure's rule), given to the report in
    # pandera's order and reversed: the same rule is reported either way
    rows = [*GOOD, row]
    frame = pl.DataFrame(
        {"line": [2, 3, 4, 5], "municipality_code": [r[0] for r in rows],
         "municipality_name": [r[1] for r in rows], "value": [r[2] for r in rows]},
        schema={"line": pl.Int64, "municipality_code": pl.String, "municipality_name": pl.String,
                "value": pl.Int64},
    ).join(REGISTER.select("municipality_code", register_name="municipality_name"),
           on="municipality_code", how="left", maintain_order="left")
    with pytest.raises(pa.errors.SchemaErrors) as raised:
        statistic_schema(REGISTER).validate(frame, lazy=True)
    failures = raised.value.failure_cases
    assert failures.height >= 2
    given, reversed_ = (_first_failure(PATH, frame, cases, table(rows))
                        for cases in (failures, failures.reverse()))
    assert (reversed_.line, reversed_.column, reversed_.value, reversed_.rule) == (
        given.line, given.column, given.value, given.rule)
    assert given.rule == refusal(rows).rule
