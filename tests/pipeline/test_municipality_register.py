"""The municipality register (data/reference/municipalities.csv): each of its rules refuses a
broken file naming the line, the column, the value and the rule, and a good file reads as text
codes with their leading zeros, sorted by code."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.ingestion.register import MAX_REGISTER_BYTES, load_register

HEADER = "municipality_code,municipality_name,county_code,county_name"
ROWS = ["0180,Stockholm,01,Stockholms län", "0114,Upplands Väsby,01,Stockholms län",
        "1280,Malmö,12,Skåne län"]


def written(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "municipalities.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refusal(path: Path) -> InputError:
    with pytest.raises(InputError) as raised:
        load_register(path)
    assert raised.value.file == str(path)
    return raised.value


def test_a_register_reads_as_text_codes_sorted_by_code(tmp_path):
    # a blank line (also one of empty fields) is no municipality
    register = load_register(written(tmp_path, HEADER, ROWS[0], "", ",,,", *ROWS[1:]))
    assert register.columns == HEADER.split(",")
    assert register.rows() == [("0114", "Upplands Väsby", "01", "Stockholms län"),
                               ("0180", "Stockholm", "01", "Stockholms län"),
                               ("1280", "Malmö", "12", "Skåne län")]


@pytest.mark.parametrize(("row", "column", "value", "rule"), [
    ("114,Upplands Väsby,01,Stockholms län", "municipality_code", "114",
     "a municipality code is 4 digits"),
    ("01145,Upplands Väsby,01,Stockholms län", "municipality_code", "01145",
     "a municipality code is 4 digits"),
    ("0114,Upplands Väsby,12,Skåne län", "county_code", "12",
     "the county code is the first two digits of the municipality code"),
    ("0114,Upplands Väsby,1,Stockholms län", "county_code", "1",
     "the county code is the first two digits of the municipality code"),
    ("0114,Upplands Väsby,011,Stockholms län", "county_code", "011",
     "the county code is the first two digits of the municipality code"),
    ("0114, ,01,Stockholms län", "municipality_name", " ",
     "every municipality and county has a name"),
    ("0114,Upplands Väsby,01, ", "municipality_name", "Upplands Väsby",
     "every municipality and county has a name"),
])
def test_a_broken_row_is_refused_naming_line_column_value_and_rule(tmp_path, row, column,
                                                                     value, rule):
    error = refusal(written(tmp_path, HEADER, ROWS[0], row))
    assert (error.line, error.column, error.value, error.rule) == (3, column, value, rule)


def test_a_row_with_another_number_of_fields_is_refused(tmp_path):
    error = refusal(written(tmp_path, HEADER, ROWS[0], "0114,Upplands Väsby,01"))
    assert (error.line, error.value, error.rule) == (3, "0114,Upplands Väsby,01",
                                                     "a row has 4 fields")


def test_a_municipality_listed_twice_is_refused_at_its_second_line(tmp_path):
    error = refusal(written(tmp_path, HEADER, ROWS[1], ROWS[0], ROWS[1]))
    assert (error.line, error.column, error.value, error.rule) == (
        4, "municipality_code", "0114", "each municipality appears once; first seen on line 2")


def test_another_header_is_refused_on_line_1(tmp_path):
    error = refusal(written(tmp_path, "code,name,county_code,county_name", *ROWS))
    assert (error.line, error.value) == (1, "code,name,county_code,county_name")
    assert error.rule == f"the header must be exactly {HEADER}"


def test_a_register_without_municipalities_is_refused(tmp_path):
    assert refusal(written(tmp_path, HEADER)).rule == "the register lists no municipality"


def test_a_missing_register_is_refused(tmp_path):
    error = refusal(tmp_path / "municipalities.csv")
    assert error.rule == "the municipality register is missing"


def test_a_register_above_the_size_limit_is_refused_unread(tmp_path):
    path = written(tmp_path, HEADER, *ROWS)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" * (MAX_REGISTER_BYTES - path.stat().st_size + 1))
    assert refusal(path).rule == f"the register is larger than {MAX_REGISTER_BYTES} bytes"
    # exactly at the limit it is read (the blank lines are no municipalities)
    path.write_bytes(path.read_bytes()[:MAX_REGISTER_BYTES])
    assert load_register(path).height == 3


def test_a_register_of_four_municipalities_is_read_by_row(tmp_path):
    # four rows of four fields: each row is one municipality, never one column
    register = load_register(written(tmp_path, HEADER, *ROWS, "1281,Lund,12,Skåne län"))
    assert register["municipality_code"].to_list() == ["0114", "0180", "1280", "1281"]
    assert register.row(3) == ("1281", "Lund", "12", "Skåne län")


@pytest.mark.parametrize(("row", "column", "character"), [
    ('0114,"Upplands\nVäsby",01,Stockholms län', "municipality_name", "U+000A"),
    ('0114,Upplands Väsby,01,"Stockholms\nlän"', "county_name", "U+000A"),
    ('0114,"Upplands\r\nVäsby",01,Stockholms län', "municipality_name", "U+000D"),
])
def test_a_name_holding_a_line_break_is_refused_naming_its_column(tmp_path, row, column,
                                                                   character):
    # line breaks pass the whole file's check (they end its lines); inside a name they are
    # refused, and a Windows line break by its first character, the carriage return
    path = tmp_path / "municipalities.csv"
    path.write_bytes("\r\n".join([HEADER, ROWS[0], row, ""]).encode())
    error = refusal(path)
    # the row starts on line 3 (header, Stockholm) and is named there, not where it ends
    assert (error.line, error.column) == (3, column) and character in error.rule


def test_lines_ended_by_a_carriage_return_alone_are_counted(tmp_path):
    path = tmp_path / "municipalities.csv"
    path.write_bytes("\r".join([HEADER, ROWS[0], "114,Upplands Väsby,01,Stockholms län", ""])
                     .encode())
    assert (refusal(path).line, refusal(path).value) == (3, "114")


def test_a_field_too_large_for_the_csv_reader_is_a_refusal_naming_its_line(tmp_path):
    error = refusal(written(tmp_path, HEADER, ROWS[0], f"0114,{'V' * 200_000},01,Stockholms län"))
    assert error.line == 3
    assert error.rule.startswith("not a readable CSV file (field larger than field limit")


def test_a_register_that_is_not_text_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "municipalities.csv"
    path.write_bytes(f"{HEADER}\n0114,Upplands\x00Väsby,01,Stockholms län\n".encode())
    assert refusal(path).line == 2



def test_a_row_spanning_lines_is_named_by_the_line_it_starts_on(tmp_path):
    # a quoted code holding a line break spans lines 3-4 and is refused on line 3, where it
    # starts (no field of the register may hold a line break, so no later row can follow one)
    error = refusal(written(tmp_path, HEADER, ROWS[0], '"0114\n",Upplands Väsby,01,Stockholms län'))
    assert (error.line, error.column, error.value) == (3, "municipality_code", "0114\n")


@pytest.mark.parametrize(("cells", "column", "value"), [
    ('"0114\n",Upplands Väsby,01,Stockholms län', "municipality_code", "0114\n"),
    ('0114,Upplands Väsby,"01\n",Stockholms län', "county_code", "01\n"),
    ("\u0660\u0661\u0661\u0664,Upplands Väsby,\u0660\u0661,Stockholms län", "municipality_code",
     "\u0660\u0661\u0661\u0664"),
    ("０１１４,Upplands Väsby,01,Stockholms län", "municipality_code", "０１１４"),
])
def test_a_code_is_four_ascii_digits_and_nothing_after_them(tmp_path, cells, column, value):
    # a line break after the digits (in quotes), Arabic-Indic or full-width digits: not a code
    error = refusal(written(tmp_path, HEADER, ROWS[0], cells))
    assert (error.line, error.column, error.value) == (3, column, value)
