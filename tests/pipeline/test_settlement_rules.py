"""Each rule of reading Migrationsverket's settlement table (pipeline/ingestion/migrationsverket.py)
on a small table of three municipalities in two counties, broken one way at a time; the real
export is test_migrationsverket.py's."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.core.errors import InputError
from pipeline.ingestion.migrationsverket import (
    matching_key,
    read_settlement_table,
    settlement_statistic,
)
from pipeline.ingestion.readers import MAX_FILE_BYTES

REGISTER = pl.DataFrame({
    "municipality_code": ["0980", "1080", "1082"],
    "municipality_name": ["Gotland", "Karlskrona", "Karlshamn"],
    "county_code": ["09", "10", "10"],
    "county_name": ["Gotlands län", "Blekinge län", "Blekinge län"],
})
LINES = [
    "Rubrik;Kommunmottagna 2018;;;;;",                          # 1
    "Uppdaterad;2019-03-25;;;;;",                               # 2
    ";;;Kvot;varav ensamk barn;Totalt;varav ensamk barn",       # 3
    "BLEKINGE LÄN;;KARLSHAMN;2;1;2;1",                          # 4
    ";;KARLSKRONA;3;;3;",                                       # 5
    "BLEKINGE LÄN;;Delsumma;5;1;5;1",                           # 6
    "GOTLANDS LÄN;;GOTLAND;1 004;2;1 004;2",                    # 7
    "GOTLANDS LÄN;;Delsumma;1 004;2;1 004;2",                   # 8
    ";;Totalt;1 009;3;1 009;3",                                 # 9
]


def written(tmp_path: Path, lines: list[str], name: str = "kommunmottagna.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def changed(line: int, text: str | None) -> list[str]:
    """LINES with line `line` (1-based) replaced by `text`, or removed when it is None."""
    lines = list(LINES)
    if text is None:
        del lines[line - 1]
    else:
        lines[line - 1] = text
    return lines


def refusal(tmp_path: Path, lines: list[str], year: int = 2018,
            register: pl.DataFrame = REGISTER) -> InputError:
    path = written(tmp_path, lines)
    with pytest.raises(InputError) as raised:
        read_settlement_table(path, year, register)
    assert raised.value.file == str(path)
    return raised.value


def test_the_table_reads_each_municipality_with_the_registers_code_and_name(tmp_path):
    table = read_settlement_table(written(tmp_path, LINES), 2018, REGISTER)
    assert table.columns == ("Kvot", "Kvot, varav ensamk barn", "Totalt",
                             "Totalt, varav ensamk barn")
    assert [(r.line, r.municipality_code, r.municipality_name, r.figures) for r in table.rows] == [
        (4, "1082", "Karlshamn", (2, 1, 2, 1)), (5, "1080", "Karlskrona", (3, 0, 3, 0)),
        (7, "0980", "Gotland", (1004, 2, 1004, 2))]


def test_one_column_of_it_is_a_statistic(tmp_path):
    path = written(tmp_path, LINES)
    table = settlement_statistic(path, 2018, REGISTER, "Totalt, varav ensamk barn")
    assert (table.region_column, table.value_column) == ("Kommun", "Totalt, varav ensamk barn")
    assert [(r.line, r.municipality_code, r.municipality_name, r.value) for r in table.rows] == [
        (4, "1082", "Karlshamn", 1), (5, "1080", "Karlskrona", 0), (7, "0980", "Gotland", 2)]
    with pytest.raises(InputError) as raised:
        settlement_statistic(path, 2018, REGISTER, "Kvot, varav")
    assert raised.value.file == str(path)
    assert raised.value.rule == "the table has no column 'Kvot, varav'"
    assert raised.value.value == ("Kvot, Kvot, varav ensamk barn, Totalt, "
                                  "Totalt, varav ensamk barn")


@pytest.mark.parametrize("name", ["kommunmottagna.CSV", "kommunmottagna.xlsx"])
def test_either_format_is_read_whatever_the_case_of_its_suffix(tmp_path, name):
    if name.endswith(".xlsx"):
        from openpyxl import Workbook

        workbook = Workbook()
        for line in LINES:
            workbook.active.append([c or None for c in line.split(";")])
        path = tmp_path / name
        workbook.save(path)
    else:
        path = written(tmp_path, LINES, name)
    assert len(read_settlement_table(path, 2018, REGISTER).rows) == 3


def test_a_missing_file_or_another_format_is_refused(tmp_path):
    missing = tmp_path / "kommunmottagna.csv"
    with pytest.raises(InputError) as raised:
        read_settlement_table(missing, 2018, REGISTER)
    assert (raised.value.file, raised.value.rule) == (str(missing), "the file is missing")
    path = written(tmp_path, LINES, "kommunmottagna.txt")
    with pytest.raises(InputError) as raised:
        read_settlement_table(path, 2018, REGISTER)
    assert (raised.value.file, raised.value.rule, raised.value.value) == (
        str(path), "only .csv and .xlsx files are read", ".txt")


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no room on disk (nothing is written)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_a_file_above_20_mib_is_refused_before_it_is_read(tmp_path):
    assert MAX_FILE_BYTES == 20 * 2**20
    path = sparse(tmp_path / "kommunmottagna.csv", 20 * 2**20 + 1)
    with pytest.raises(InputError) as raised:
        read_settlement_table(path, 2018, REGISTER)
    error = raised.value
    assert (error.file, error.rule, error.line, error.column, error.value) == (
        str(path), "the file is larger than 20 MiB", None, None, None)
    # exactly 20 MiB is within the limit: refused here only for its suffix, never read
    path = sparse(tmp_path / "kommunmottagna.txt", 20 * 2**20)
    with pytest.raises(InputError) as raised:
        read_settlement_table(path, 2018, REGISTER)
    assert (raised.value.rule, raised.value.value) == ("only .csv and .xlsx files are read",
                                                       ".txt")


YEAR_RULE = "the title line (Rubrik) must name the reference year 2018"
NO_TITLE = ("no title line above the header: the export names it 'Rubrik' in the first "
            "column")


@pytest.mark.parametrize(("lines", "line", "rule"), [
    # the title must name the year; the date the table was updated does not count
    (changed(1, "Rubrik;Kommunmottagna;;;;;"), 1, YEAR_RULE),
    (["Rubrik;Kommunmottagna;;;;;", "Uppdaterad;2018-12-31", *LINES[2:]], 1, YEAR_RULE),
    # nor does a note line citing the year (the real export's notes cite "(2010:1122)")
    ([";;;;;;", "Rubrik;Kommunmottagna;;;;;", ";Enligt förordningen (2018:1)", *LINES[1:]], 2,
     YEAR_RULE),
    # without its Rubrik line a table names no year: refused on the header's line
    (["Kommunmottagna 2018;;;;;;", *LINES[1:]], 3, NO_TITLE),
    (LINES[1:], 2, NO_TITLE),
])
def test_the_title_must_name_the_reference_year(tmp_path, lines, line, rule):
    error = refusal(tmp_path, lines)
    assert (error.line, error.rule) == (line, rule)


@pytest.mark.parametrize(("lines", "line", "value"), [
    (changed(1, "Rubrik;Kommunmottagna;;;;;"), 1, "Rubrik Kommunmottagna"),
    # the Rubrik line alone, its empty cells left out, wherever it stands above the header
    ([";;;;;;", "Rubrik;;Kommunmottagna;;;;", ";;Flyktingar 2018;;;;", *LINES[1:]], 2,
     "Rubrik Kommunmottagna"),
    # a year is four digits standing alone: 20185 is not 2018
    (changed(1, "Rubrik;Kommunmottagna 20185;;;;;"), 1, "Rubrik Kommunmottagna 20185"),
])
def test_a_title_without_the_year_is_shown_as_read(tmp_path, lines, line, value):
    error = refusal(tmp_path, lines)
    assert (error.line, error.column, error.value, error.rule) == (line, None, value, YEAR_RULE)


def test_the_year_may_stand_next_to_other_signs_in_the_title(tmp_path):
    lines = changed(1, "Rubrik;Kommunmottagna (2018);;;;;")
    assert len(read_settlement_table(written(tmp_path, lines), 2018, REGISTER).rows) == 3


def test_a_file_without_the_header_row_is_refused(tmp_path):
    error = refusal(tmp_path, changed(3, ";;;Kvot;varav barn;Totalt;varav barn"))
    assert error.rule == ("no header row: expected Migrationsverket's columns, each category "
                          "followed by 'varav ensamk barn', the last one 'Totalt'")


@pytest.mark.parametrize(("header", "column", "value", "rule"), [
    (";Kvot;varav ensamk barn;Totalt;varav ensamk barn", None,
     ";Kvot;varav ensamk barn;Totalt;varav ensamk barn",
     "the header has a county column, a municipality column, then pairs of a category and "
     "'varav ensamk barn'"),
    (";;;Kvot;Totalt;varav ensamk barn", None, ";;;Kvot;Totalt;varav ensamk barn",
     "the header has a county column, a municipality column, then pairs of a category and "
     "'varav ensamk barn'"),
    (";;;Kvot;Övrigt;Totalt;varav ensamk barn;;", "5", "Övrigt",
     "each category column is followed by 'varav ensamk barn'"),
    (";;;varav ensamk barn;varav ensamk barn;Totalt;varav ensamk barn", "5",
     "varav ensamk barn", "each category column is followed by 'varav ensamk barn'"),
    (";;;Totalt;varav ensamk barn;Summa;varav ensamk barn", "6", "Summa",
     "the last category is 'Totalt'"),
    (";;;Kvot;varav ensamk barn;Totalt;varav ensamk barn;Summa;varav ensamk barn;", "8",
     "Summa", "the last category is 'Totalt'"),
])
def test_a_header_of_another_shape_is_refused(tmp_path, header, column, value, rule):
    error = refusal(tmp_path, changed(3, header))
    assert (error.line, error.column, error.value, error.rule) == (3, column, value, rule)


def test_a_table_without_the_blank_column_between_county_and_municipality_is_read(tmp_path):
    """The smallest layout: county, municipality, then the figures from the third column."""
    lines = LINES[:2] + [line.replace(";;", ";", 1) for line in LINES[2:]]
    assert lines[2:4] == [";;Kvot;varav ensamk barn;Totalt;varav ensamk barn",
                          "BLEKINGE LÄN;KARLSHAMN;2;1;2;1"]
    table = read_settlement_table(written(tmp_path, lines), 2018, REGISTER)
    assert [(r.line, r.municipality_code, r.figures) for r in table.rows] == [
        (4, "1082", (2, 1, 2, 1)), (5, "1080", (3, 0, 3, 0)), (7, "0980", (1004, 2, 1004, 2))]


def test_a_row_without_its_trailing_blank_cells_reads_them_as_zero(tmp_path):
    table = read_settlement_table(written(tmp_path, changed(5, ";;KARLSKRONA;3;;3")), 2018,
                                  REGISTER)
    assert [(r.line, r.figures) for r in table.rows][1] == (5, (3, 0, 3, 0))


def test_header_words_are_compared_by_case_and_spacing_only(tmp_path):
    lines = changed(3, ";;;  Kvot  flykting ;VARAV  ensamk barn;Totalt;Varav ensamk  barn")
    assert read_settlement_table(written(tmp_path, lines), 2018, REGISTER).columns[:2] == (
        "Kvot flykting", "Kvot flykting, varav ensamk barn")


@pytest.mark.parametrize(("lines", "line", "column", "value", "rule"), [
    (changed(5, ";;KARLSKRONA;3;;3;;x"), 5, "8", "x", "a cell to the right of the table"),
    ([*LINES, ";;KARLSKRONA;3;;3;"], 10, None, ";;KARLSKRONA;3;;3;",
     "a row after the national 'Totalt' row (line 9)"),
    (changed(7, "SKÅNE LÄN;;GOTLAND;1 004;2;1 004;2"), 7, "1", "SKÅNE LÄN",
     "not a county of the register"),
    (changed(5, ";;KARLSKRONA;-3;;-3;"), 5, "Kvot", "-3",
     "a figure is a non-negative whole number"),
    (changed(4, "BLEKINGE LÄN;;KARLSHAMN;2;3;2;3"), 4, "Kvot, varav ensamk barn", 3,
     "'varav ensamk barn' cannot exceed its category (2)"),
    (changed(4, "BLEKINGE LÄN;;KARLSHAMN;2;1;2;3"), 4, "Totalt, varav ensamk barn", 3,
     "'varav ensamk barn' cannot exceed its category (2)"),
    (changed(5, ";;KARLSKRONA;3;;3x;"), 5, "Totalt", "3x",
     "a figure is a whole number (a true zero is written 0)"),
    (changed(4, "BLEKINGE LÄN;;KARLSHAMN;2;1;2;2"), 4, "Totalt, varav ensamk barn", 2,
     "a row's total must equal the sum of its categories (1)"),
    (changed(5, ";;;3;;3;"), 5, "Kommun", "", "a row of figures needs a municipality name"),
    # a line break inside a quoted name passes the whole-file check but not the name's
    (changed(5, ';;"KARLS\nKRONA";3;;3;'), 5, "Kommun", "KARLS\\nKRONA",
     "the text holds U+000A control character, which is not allowed in a name, reference or "
     "parameter"),
    # an unsafe name: refused as the file is decoded, by the inert-text guard in its own words
    (changed(5, ";;KARLSKRONA\u202e;3;;3;"), 5, None, None, None),
    (changed(5, ";;KARLSKRONAN;3;;3;"), 5, "Kommun", "KARLSKRONAN",
     "the name matches no municipality of the register (compared by case, hyphen or space, a "
     "'kommun' suffix and former names, never without diacritics)"),
    (changed(5, ";;KARLSHAMN;3;;3;"), 5, "Kommun", "KARLSHAMN",
     "each municipality appears once; 1082 Karlshamn was first seen on line 4"),
    (LINES[:4] + ["BLEKINGE LÄN;;Delsumma;2;1;2;1", "GOTLANDS LÄN;;KARLSKRONA;3;;3;"], 6,
     "Kommun", "KARLSKRONA",
     "1080 Karlskrona belongs to Blekinge län in the register, not to Gotlands län"),
    (changed(8, "GOTLANDS LÄN;;Delsumma;1 004;2;1 005;2"), 8, "Totalt", 1005,
     "the subtotal of Gotlands län must equal the sum of its 1 municipalities (1004)"),
    (changed(6, "BLEKINGE LÄN;;Delsumma;5;1;5;2"), 6, "Totalt, varav ensamk barn", 2,
     "the subtotal of Blekinge län must equal the sum of its 2 municipalities (1)"),
    (changed(9, ";;Totalt;1 009;3;1 009;4"), 9, "Totalt, varav ensamk barn", 4,
     "the national total must equal the sum of its 3 municipalities (3)"),
])
def test_a_row_breaking_a_rule_is_refused(tmp_path, lines, line, column, value, rule):
    error = refusal(tmp_path, lines)
    assert (error.line, error.column) == (line, column)
    if rule is None:
        assert "U+202E" in error.rule
    else:
        assert (error.value, error.rule) == (value, rule)


def test_a_name_matching_two_municipalities_names_both_codes(tmp_path):
    # a register in which Karlskrona (1080) were spelled like Karlshamn (1082) but for its case
    register = REGISTER.with_columns(
        pl.when(pl.col("municipality_code") == "1080").then(pl.lit("KARLSHAMN"))
        .otherwise(pl.col("municipality_name")).alias("municipality_name"))
    error = refusal(tmp_path, LINES, register=register)
    assert (error.line, error.column, error.value, error.rule) == (
        4, "Kommun", "KARLSHAMN",
        "the name matches several municipalities of the register (1080, 1082)")


@pytest.mark.parametrize(("lines", "line", "column", "value", "rule"), [
    # a municipality before any county, or after its county's subtotal
    (changed(4, ";;KARLSHAMN;2;1;2;1"), 4, "Kommun", "KARLSHAMN",
     "a county's first row names the county in the first column"),
    (LINES[:6] + [";;GOTLAND;1 004;2;1 004;2"] + LINES[7:], 7, "Kommun", "GOTLAND",
     "a county's first row names the county in the first column"),
    # a subtotal without municipalities, or twice
    (LINES[:6] + ["GOTLANDS LÄN;;Delsumma;0;;0;"] + LINES[6:], 7, "1", "GOTLANDS LÄN",
     "a county's 'Delsumma' follows its municipalities"),
    (LINES[:6] + [";;Delsumma;5;1;5;1"] + LINES[6:], 7, "Kommun", "Delsumma",
     "a 'Delsumma' row follows its county's municipalities"),
    (changed(4, ";;Delsumma;0;;0;"), 4, "Kommun", "Delsumma",
     "a 'Delsumma' row follows its county's municipalities"),
    # a county's municipalities apart
    (LINES[:8] + ["BLEKINGE LÄN;;Delsumma;0;;0;"] + LINES[8:], 9, "1", "BLEKINGE LÄN",
     "a county's 'Delsumma' follows its municipalities"),
    (LINES[:8] + ["BLEKINGE LÄN;;KARLSHAMN;0;;0;"] + LINES[8:], 9, "1", "BLEKINGE LÄN",
     "a county's municipalities are listed together; this county began on line 4"),
])
def test_counties_and_their_subtotals_are_in_order(tmp_path, lines, line, column, value, rule):
    error = refusal(tmp_path, lines)
    assert (error.line, error.column, error.value, error.rule) == (line, column, value, rule)


@pytest.mark.parametrize(("lines", "rule"), [
    (changed(6, None), "Blekinge län (from line 4) has no 'Delsumma' row"),
    (changed(8, None), "Gotlands län (from line 7) has no 'Delsumma' row"),
    (LINES[:8], "the national 'Totalt' row is missing"),
])
def test_a_missing_subtotal_or_total_is_named(tmp_path, lines, rule):
    error = refusal(tmp_path, lines)
    assert (error.line, error.rule) == (None, rule)


def test_a_countys_name_on_its_later_rows_and_blank_rows_are_allowed(tmp_path):
    lines = LINES[:4] + ["BLEKINGE LÄN;;KARLSKRONA;3;;3;", ";;;;;;"] + LINES[5:]
    table = read_settlement_table(written(tmp_path, lines), 2018, REGISTER)
    assert [r.line for r in table.rows] == [4, 5, 8]


@pytest.mark.parametrize(("name", "key"), [
    ("Upplands-Väsby", "upplands väsby"), ("UPPLANDS  VÄSBY KOMMUN", "upplands väsby"),
    (" Håbo ", "håbo"), ("Malung-Sälen", "malung sälen"), ("Kommunen", "kommunen")])
def test_the_matching_key_of_a_name(name, key):
    assert matching_key(name) == key
