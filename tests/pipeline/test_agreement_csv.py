"""Reading the agreement CSV (data/redistributions/<Y>.csv) before any rule of redistribution:
its size, its encoding, its header and its rows, each refusal naming the file, the line, the
value and the rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.redistribution.agreements import (
    MAX_AGREEMENT_BYTES,
    Agreement,
    read_agreements_csv,
)

HEADER = "share_year,giver_code,receiver_code,amount_promille,approved_on,reference"
ROW = "2026,0114,0115,1.25,2025-12-10,Lst AB 851-1-2025"


def written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "2026.csv"
    path.write_bytes(data)
    return path


def refusal(path: Path) -> InputError:
    with pytest.raises(InputError) as raised:
        read_agreements_csv(path, 2)
    assert raised.value.file == str(path)
    return raised.value


def agreement(path: Path, line: int) -> Agreement:
    return Agreement(2026, "0114", "0115", 125, date(2025, 12, 10), "Lst AB 851-1-2025",
                     f"{path} line {line}")


def test_a_file_above_the_size_limit_is_refused_and_one_at_it_is_read(tmp_path):
    # blank lines are no agreements: the file is padded with them to exactly the limit
    head = f"{HEADER}\n{ROW}\n".encode()
    path = written(tmp_path, head + b"\n" * (MAX_AGREEMENT_BYTES - len(head)))
    assert read_agreements_csv(path, 2) == [agreement(path, 2)]
    path.write_bytes(path.read_bytes() + b"\n")
    error = refusal(path)
    assert (error.file, error.line, error.rule) == (
        str(path), None, "an agreement file is at most 1048576 bytes")


@pytest.mark.parametrize(("before", "line"), [("", 3), ("\n", 4)])
def test_a_file_that_is_not_utf8_is_refused_naming_the_line_and_byte(tmp_path, before, line):
    # "Lst Göteborg" in ISO-8859-1 on line 3 (4 after a blank first line): ö is the byte 0xF6,
    # not UTF-8
    path = written(tmp_path, f"{before}{HEADER}\n{ROW}\n".encode()
                   + "2026,0117,0115,all,2025-12-11,Lst Göteborg\n".encode("iso-8859-1"))
    error = refusal(path)
    assert (error.line, error.value, error.rule) == (
        line, "byte 0xF6", "unreadable encoding: an agreement file is UTF-8")


def test_a_bom_is_not_part_of_the_header(tmp_path):
    path = written(tmp_path, f"\ufeff{HEADER}\n{ROW}\n".encode())
    assert read_agreements_csv(path, 2) == [agreement(path, 2)]


def test_a_file_holding_a_nul_character_is_refused(tmp_path):
    error = refusal(written(tmp_path, f"{HEADER}\n{ROW}\x00\n".encode()))
    assert error.rule == "unreadable encoding: the file holds NUL characters"


@pytest.mark.parametrize(("text", "value"), [
    ("", ""),
    ("share_year,giver_code,receiver_code,amount_promille,approved_on\n",
     "share_year,giver_code,receiver_code,amount_promille,approved_on"),
    (f"{ROW}\n", ROW),
])
def test_a_file_without_the_header_is_refused_on_line_1(tmp_path, text, value):
    error = refusal(written(tmp_path, text.encode()))
    assert (error.line, error.value, error.rule) == (
        1, value, f"the header must be exactly {HEADER}")


def test_spaces_around_the_header_names_and_blank_rows_are_allowed(tmp_path):
    header = " share_year , giver_code,receiver_code,amount_promille,approved_on, reference "
    path = written(tmp_path, f"{header}\n\n , , , , , \n{ROW}\n".encode())
    assert read_agreements_csv(path, 2) == [agreement(path, 4)]


@pytest.mark.parametrize("row", ["2026,0114,0115,1.25,2025-12-10",
                                 f"{ROW},extra"])
def test_a_row_with_another_number_of_fields_is_refused(tmp_path, row):
    error = refusal(written(tmp_path, f"{HEADER}\n{ROW}\n{row}\n".encode()))
    assert (error.line, error.value, error.rule) == (3, row, "a row has 6 fields")


def test_a_field_too_large_for_the_csv_reader_is_a_refusal_not_a_crash(tmp_path):
    error = refusal(written(tmp_path, f"{HEADER}\n{ROW[:-1]}{'9' * 200_000}\n".encode()))
    assert error.rule.startswith("not a readable CSV file (field larger than field limit")


def test_each_agreement_names_the_line_it_was_read_from(tmp_path):
    path = written(tmp_path, f"{HEADER}\n\n{ROW}\n\n\n{ROW.replace('1.25', 'all')}\n".encode())
    first, second = read_agreements_csv(path, 2)
    assert (first.source, second.source) == (f"{path} line 3", f"{path} line 6")
    assert second.amount_units is None


def test_a_quoted_windows_line_break_is_refused_as_the_carriage_return_it_holds(tmp_path):
    # The file's own characters reach the rules untranslated: the first one not allowed in the
    # reference is the carriage return (U+000D) of its CR LF, not a line feed made of it
    row = ROW.replace("Lst AB 851-1-2025", '"Lst AB\r\n851-1-2025"')
    error = refusal(written(tmp_path, f"{HEADER}\r\n{row}\r\n".encode()))
    assert error.column == "reference"
    assert "U+000D" in error.rule and "U+000A" not in error.rule


def test_lines_ended_by_a_carriage_return_alone_are_counted(tmp_path):
    # Excel's "CSV (Macintosh)" ends lines with CR alone: the bad row is still line 3
    path = written(tmp_path, f"{HEADER}\r{ROW}\r2026,114,0115,1,2025-12-10,X\r".encode())
    error = refusal(path)
    assert (error.line, error.column, error.value) == (3, "giver_code", "114")


def test_a_row_spanning_lines_is_named_by_the_line_it_starts_on(tmp_path):
    # A quoted field may hold a line break: the row is named where a reader finds its start, and
    # the rows after it by their own lines. Header on line 1; the row of lines 2-3 holds a
    # reference with a line break (refused); alone, a row of lines 2-3 read right is "line 2".
    spanning = ROW.replace("2026,", '"2026\n",')
    path = written(tmp_path, f"{HEADER}\n{spanning}\n{ROW}\n".encode())
    assert [a.source for a in read_agreements_csv(path, 2)] == [f"{path} line 2",
                                                                f"{path} line 4"]
    broken = ROW.replace("Lst AB 851-1-2025", '"Lst AB\n851-1-2025"')
    error = refusal(written(tmp_path, f"{HEADER}\n{ROW}\n{broken}\n".encode()))
    assert (error.line, error.column) == (3, "reference")
    error = refusal(written(tmp_path, f"{HEADER}\n{spanning}\n2026,114,0115,1,2025-12-10,X\n"
                            .encode()))
    assert (error.line, error.column, error.value) == (4, "giver_code", "114")
