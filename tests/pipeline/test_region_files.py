"""The rules of reading a statistic's file (pipeline/ingestion/readers.py) one at a time, on small
files: what is refused, with which line, column, value and words, and what is read as what.
Whether the municipalities are the right ones is the schema's (test_readers.py)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.core.errors import InputError
from pipeline.ingestion.readers import (
    MAX_FIGURE,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    check_xlsx_container,
    opened_workbook,
    parse_figure,
    read_region_table,
    sheet_values,
)

YEAR = 2024


def csv_file(tmp_path: Path, text: str | bytes, name: str = "population.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def refusal(path: Path, year: int = YEAR) -> InputError:
    with pytest.raises(InputError) as raised:
        read_region_table(path, year)
    assert raised.value.file == str(path)
    return raised.value


def rows(path: Path) -> list[tuple[int, str, str, int]]:
    return [(r.line, r.municipality_code, r.municipality_name, r.value)
            for r in read_region_table(path, YEAR).rows]


# --- the file ------------------------------------------------------------------------------------

def test_a_missing_file_is_named(tmp_path):
    assert refusal(tmp_path / "population.csv").rule == "the file is missing"


@pytest.mark.parametrize("name", ["population.txt", "population.xls", "population"])
def test_only_csv_and_xlsx_files_are_read(tmp_path, name):
    error = refusal(csv_file(tmp_path, '"region","2024"\n"0114 Upplands Väsby",1\n', name))
    assert (error.rule, error.value) == ("only .csv and .xlsx files are read",
                                         Path(name).suffix)


def test_an_upper_case_suffix_is_read(tmp_path):
    path = csv_file(tmp_path, '"region","2024"\n"0114 Upplands Väsby",7\n', "population.CSV")
    assert rows(path) == [(2, "0114", "Upplands Väsby", 7)]


@pytest.mark.parametrize("text", [b"", b"  \r\n\t\n", codecs.BOM_UTF8 + b" \n"])
def test_an_empty_file_is_refused(tmp_path, text):
    assert refusal(csv_file(tmp_path, text)).rule == "the file is empty"


def test_a_file_of_empty_cells_only_is_refused_as_empty(tmp_path):
    assert refusal(csv_file(tmp_path, ",,\n , \n")).rule == "the file is empty"


# --- encodings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_with_either_byte_order_is_read(tmp_path, bom):
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    text = '"region","2024"\n"0114 Upplands Väsby",12\n'
    path = csv_file(tmp_path, bom + text.encode(codec))
    assert rows(path) == [(2, "0114", "Upplands Väsby", 12)]


@pytest.mark.parametrize(("raw", "claimed"), [
    (codecs.BOM_UTF8 + b'"region","2024"\n"0114 Upplands V\xe4sby",1\n', "utf-8"),
    # an odd number of bytes after a UTF-16 byte order mark cannot be UTF-16
    (codecs.BOM_UTF16_LE + '"region"'.encode("utf-16-le") + b"\x00", "utf-16"),
])
def test_a_file_claiming_an_encoding_it_does_not_hold_is_refused(tmp_path, raw, claimed):
    error = refusal(csv_file(tmp_path, raw))
    assert error.rule == f"unreadable encoding: the file claims {claimed} but is not"
    assert error.value.startswith("byte offset ")


def test_latin1_without_a_bom_is_read(tmp_path):
    path = csv_file(tmp_path, '"region","2024"\n"0114 Upplands Väsby",3\n'.encode("iso-8859-1"))
    assert rows(path) == [(2, "0114", "Upplands Väsby", 3)]


@pytest.mark.parametrize(("text", "line"), [
    ('"region","2024"\n\n"0114 Upplands\x1bVäsby",3\n', 3),
    ('\n"region","2024"\n"0114 Upplands\x1bVäsby",3\n', 3)])
def test_a_control_character_is_refused_naming_its_line(tmp_path, text, line):
    error = refusal(csv_file(tmp_path, text))
    assert error.line == line
    assert error.value == "control character U+001B control character"
    assert error.rule.startswith("unreadable encoding or unsafe text: the file holds ")
    assert "U+001B" in error.rule and error.rule.endswith(", not allowed in statistics")


# --- the header ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("delimiter", "title"), [
    (";", '"Folkmängd, per region"'), ("\t", '"Folkmängd, per region"'),
    (",", '"Folkmängd; per region"'), (";", "Folkmängd")])
def test_the_delimiter_is_the_first_one_outside_quotes(tmp_path, delimiter, title):
    # a title line has its delimiters inside quotes (or none): they do not count
    d = delimiter
    path = csv_file(tmp_path, f'{title}\n\n"region"{d}"Folkmängd {YEAR}"\n'
                              f'"0114 Upplands Väsby"{d}"1 234"\n"0180 Stockholm"{d}5\n')
    assert rows(path) == [(4, "0114", "Upplands Väsby", 1234), (5, "0180", "Stockholm", 5)]


def test_a_semicolon_in_a_later_name_does_not_change_the_delimiter(tmp_path):
    path = csv_file(tmp_path, '"region","2024"\n0114 Upplands;Väsby,12\n')
    assert rows(path) == [(2, "0114", "Upplands;Väsby", 12)]


def test_lines_ended_by_a_carriage_return_alone_are_read_and_counted(tmp_path):
    path = csv_file(tmp_path, '"region","2024"\r"0114 Upplands Väsby",12\r"0180 Stockholm",5\r')
    assert rows(path) == [(2, "0114", "Upplands Väsby", 12), (3, "0180", "Stockholm", 5)]


@pytest.mark.parametrize("row", ['"0114 Upplands Väsby","1"2', '"0114 Upplands Väsby"x,12'])
def test_text_after_a_closing_quote_is_refused_not_joined(tmp_path, row):
    # "1"2 would otherwise be read as the figure 12
    path = csv_file(tmp_path, f'"region","2024"\n"0180 Stockholm",5\n{row}\n')
    error = refusal(path)
    assert error.line == 3 and error.rule.startswith("not a readable CSV file (")


def test_a_quoted_windows_line_break_in_a_figure_is_shown_as_written(tmp_path):
    path = csv_file(tmp_path, '"region","2024"\r\n"0114 Upplands Väsby","1\r\n234"\r\n')
    assert refusal(path).value == "1\r\n234"


def test_a_csv_above_the_row_limit_is_refused_naming_the_first_line_too_many(tmp_path):
    path = csv_file(tmp_path, '"region","2024"\n' + '"0114 Upplands Väsby",1\n' * MAX_ROWS)
    error = refusal(path)
    assert (error.line, error.rule) == (MAX_ROWS + 1, f"more than {MAX_ROWS} lines")


def test_without_a_header_row_the_file_is_refused(tmp_path):
    error = refusal(csv_file(tmp_path, "Folkmängd\n2024\n"))
    assert error.rule == ("no header row: expected a region column and a column headed by the "
                          "year 2024")


def test_a_header_without_rows_is_refused_naming_its_line(tmp_path):
    error = refusal(csv_file(tmp_path, 'Folkmängd\n"region","2024"\n'))
    assert (error.line, error.rule) == (2, "the file has a header but no rows")


@pytest.mark.parametrize("header", ['"Region","2024"', '"REGION","Folkmängd 2024",""',
                                    '"Kommunkod","Kommun","2024"', '"kod","Namn","2024",,'])
def test_accepted_headers(tmp_path, header):
    label = header.lower().startswith('"region"')
    row = '"0114 Upplands Väsby",8' if label else '0114,Upplands Väsby,8'
    assert rows(csv_file(tmp_path, f"{header}\n{row}\n")) == [(2, "0114", "Upplands Väsby", 8)]


@pytest.mark.parametrize("header", ['"region","kommun","2024"', '"Kommunkod","2024"',
                                    '"Kommunkod","Län","2024"', '"Län","Kommun","2024"',
                                    '"Kommunkod","Kommun","Andel","2024"'])
def test_other_headers_are_refused_naming_both_accepted_forms(tmp_path, header):
    error = refusal(csv_file(tmp_path, f"{header}\n0114,Upplands Väsby,8\n"))
    assert (error.line, error.column, error.value) == (1, "1", header.replace('"', ""))
    assert error.rule == ('wrong header: expected a header "region","2024" (PxWeb export) or '
                          '"Kommunkod","Kommun","2024"')


@pytest.mark.parametrize(("header", "column"), [('"region","2023"', "2"),
                                                ('"Kommunkod","Kommun","Folkmängd 2023"', "3"),
                                                ('"region","Folkmängd 20245"', "2"),
                                                ('"region","12024"', "2")])
def test_a_figures_column_of_another_year_is_refused(tmp_path, header, column):
    error = refusal(csv_file(tmp_path, f"{header}\n0114,Upplands Väsby,8\n"))
    assert (error.line, error.column) == (1, column)
    assert error.value == header.replace('"', "").split(",")[-1]
    assert error.rule == ("wrong header: the figures column must be headed by the reference "
                          "year 2024")


# --- the rows ------------------------------------------------------------------------------------

def test_codes_lose_no_leading_zero_and_names_are_trimmed(tmp_path):
    path = csv_file(tmp_path, "Kommunkod,Kommun,2024\n114, Upplands Väsby ,8\n0180,Stockholm,9,\n")
    assert rows(path) == [(2, "0114", "Upplands Väsby", 8), (3, "0180", "Stockholm", 9)]


@pytest.mark.parametrize("row", ["0114,Upplands Väsby", "0114,Upplands Väsby,8,9"])
def test_a_row_with_another_number_of_columns_is_refused(tmp_path, row):
    error = refusal(csv_file(tmp_path, f"Kommunkod,Kommun,2024\n0180,Stockholm,9\n{row}\n"))
    assert (error.line, error.value, error.rule) == (3, row, "expected 3 columns like the header")


@pytest.mark.parametrize("code", ["01145", "O114", "", "01 14"])
def test_a_code_that_is_not_up_to_4_digits_is_refused(tmp_path, code):
    error = refusal(csv_file(tmp_path, f"Kommunkod,Kommun,2024\n{code},Upplands Väsby,8\n"))
    assert (error.line, error.column, error.value, error.rule) == (
        2, "Kommunkod", code, "a municipality code is 4 digits")


@pytest.mark.parametrize("label", ["Upplands Väsby", "114 Upplands Väsby", "0114Upplands Väsby",
                                   "0114"])
def test_a_region_label_that_is_not_a_code_and_a_name_is_refused(tmp_path, label):
    error = refusal(csv_file(tmp_path, f'"region","2024"\n"{label}",8\n'))
    assert (error.line, error.column, error.value) == (2, "region", label)
    assert error.rule == ('a region label is a 4-digit municipality code and a name, like "0114 '
                          'Upplands Väsby"')


@pytest.mark.parametrize(("header", "row", "column"), [
    (["region", "2024"], ["0114 Upplands\u202eVäsby", 8], "region"),
    (["Kommunkod", "Kommun", "2024"], ["0114", "Upplands\u202eVäsby", 8], "Kommun")])
def test_a_name_with_a_bidirectional_control_is_refused_in_either_layout(tmp_path, header, row,
                                                                         column):
    # in a CSV the whole text is checked as it is decoded; a workbook's names cell by cell
    workbook = Workbook()
    workbook.active.append(header)
    workbook.active.append(row)
    path = tmp_path / "asylum_housing_days.xlsx"
    workbook.save(path)
    error = refusal(path)
    assert (error.line, error.column) == (2, column) and "U+202E" in error.rule


# --- figures -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("44605", 44605), ("44 605", 44605), ("1\u00a0234\u202f567", 1234567), ("12\u2009345", 12345),
    (" 7 ", 7), ("0", 0), ("-3", -3), (str(MAX_FIGURE), MAX_FIGURE),
    (f"-{MAX_FIGURE}", -MAX_FIGURE)])
def test_figures_as_publishers_write_them(text, value):
    # a sign is read here: a negative figure is the schema's to refuse
    assert parse_figure(Path("x.csv"), 2, "2024", text) == value


@pytest.mark.parametrize("text", ["", "1,5", "1.5", "12 34", "1 2345", " 123 456 7", "1e3", "+5",
                                  "--5", "5-"])
def test_a_figure_that_is_not_a_whole_number_is_refused(text):
    with pytest.raises(InputError) as raised:
        parse_figure(Path("x.csv"), 2, "2024", text)
    assert (raised.value.line, raised.value.column, raised.value.value) == (2, "2024", text)
    assert raised.value.rule == "a figure is a whole number (a true zero is written 0)"


@pytest.mark.parametrize("text", [str(MAX_FIGURE + 1), f"-{MAX_FIGURE + 1}", "9" * 14,
                                  "1" + "0" * 400])
def test_a_figure_above_the_plausible_is_refused(text):
    with pytest.raises(InputError) as raised:
        parse_figure(Path("x.csv"), 2, "2024", text)
    assert (raised.value.line, raised.value.column, raised.value.value) == (2, "2024", text)
    assert raised.value.rule == "a figure above 1 000 000 000 000 is not plausible"


# --- workbooks -----------------------------------------------------------------------------------

def test_a_workbook_reads_numbers_as_whole_figures_and_skips_empty_rows(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Statistik"])
    sheet.append(["Kommunkod", "Kommun", f"Boendedygn {YEAR}"])
    sheet.append([114, "Upplands Väsby", 12.0])
    sheet.append([None, None, None])
    sheet.append(["0180", " Stockholm ", " 1 234 "])
    path = tmp_path / "asylum_housing_days.xlsx"
    workbook.save(path)
    assert rows(path) == [(3, "0114", "Upplands Väsby", 12), (5, "0180", "Stockholm", 1234)]


def test_a_figure_with_a_fraction_in_a_workbook_is_refused(tmp_path):
    workbook = Workbook()
    workbook.active.append(["Kommunkod", "Kommun", str(YEAR)])
    workbook.active.append(["0114", "Upplands Väsby", 12.5])
    path = tmp_path / "asylum_housing_days.xlsx"
    workbook.save(path)
    error = refusal(path)
    assert (error.line, error.value) == (2, "12.5")


def test_an_empty_workbook_is_refused_naming_its_sheet(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Blad1"
    path = tmp_path / "asylum_housing_days.xlsx"
    workbook.save(path)
    error = refusal(path)
    assert (error.rule, error.sheet) == ("the workbook is empty", "Blad1")


@pytest.mark.parametrize(("text", "column"), [
    ('"region","Folkmängd 2024"\n"0114 Upplands Väsby","12,5"\n', "Folkmängd 2024"),
    ("Kommunkod,Kommun,Boendedygn 2024\n0114,Upplands Väsby,12.5\n", "Boendedygn 2024"),
])
def test_a_bad_figure_is_named_by_the_figures_column_in_either_layout(tmp_path, text, column):
    error = refusal(csv_file(tmp_path, text))
    assert (error.line, error.column) == (2, column)


@pytest.mark.parametrize(("text", "region", "figures"), [
    ('"region","Folkmängd 2024"\n"0114 Upplands Väsby",12\n', "region", "Folkmängd 2024"),
    ("Kommunkod,Kommun,Boendedygn 2024,\n0114,Upplands Väsby,12\n", "Kommunkod",
     "Boendedygn 2024")])
def test_the_table_keeps_the_files_own_headings(tmp_path, text, region, figures):
    # the schema's refusals name these columns
    table = read_region_table(csv_file(tmp_path, text), YEAR)
    assert (table.region_column, table.value_column) == (region, figures)


def test_a_whole_number_stored_with_a_decimal_point_in_a_workbook_is_that_number(tmp_path):
    # some writers store 12 as "12.0": read as the float 12.0, it is the figure 12
    import zipfile

    workbook = Workbook()
    workbook.active.append(["Kommunkod", "Kommun", str(YEAR)])
    workbook.active.append(["0114", "Upplands Väsby", 12.5])
    path = tmp_path / "asylum_housing_days.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<v>12.5</v>" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<v>12.5</v>", b"<v>12.0</v>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert rows(path) == [(2, "0114", "Upplands Väsby", 12)]


# --- the container's limits ----------------------------------------------------------------------

def zip_of(path: Path, members: dict[str, bytes], declared: dict[str, int] | None = None) -> Path:
    """A zip of `members`, with the uncompressed sizes in `declared` written into its central
    directory instead of the real ones (all a zip bomb's directory shows before it is opened)."""
    import struct
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = bytearray(path.read_bytes())
    for name, size in (declared or {}).items():
        at = raw.find(b"PK\x01\x02")
        while at != -1:
            name_length = struct.unpack_from("<H", raw, at + 28)[0]
            if raw[at + 46:at + 46 + name_length] == name.encode():
                struct.pack_into("<I", raw, at + 24, size)
            at = raw.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(raw))
    return path


def container_refusal(path: Path) -> InputError:
    with pytest.raises(InputError) as raised:
        check_xlsx_container(path)
    assert raised.value.file == str(path)
    return raised.value


def test_a_workbook_unpacking_to_more_than_the_limit_is_refused_by_its_directory(tmp_path):
    workbook = b"<workbook/>"
    members = {"xl/workbook.xml": workbook, "xl/media/padding.bin": b"0"}
    at_limit = MAX_XLSX_UNPACKED_BYTES - len(workbook)
    check_xlsx_container(zip_of(tmp_path / "a.xlsx", members, {"xl/media/padding.bin": at_limit}))
    error = container_refusal(zip_of(tmp_path / "b.xlsx", members,
                                     {"xl/media/padding.bin": at_limit + 1}))
    assert (error.rule, error.value) == ("the workbook unpacks to more than 100 MiB (zip bomb?)",
                                         f"{MAX_XLSX_UNPACKED_BYTES + 1} bytes")


@pytest.mark.parametrize(("members", "rule"), [
    ({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\x00"},
     "workbooks with macros are not accepted"),
    ({"xl/workbook.xml": b"<workbook/>", "XL/VBAPROJECT.BIN": b"\x00"},
     "workbooks with macros are not accepted"),
    ({"xl/styles.xml": b"<styles/>"}, "not a valid .xlsx workbook (no xl/workbook.xml)"),
])
def test_a_workbook_with_macros_or_without_its_workbook_part_is_refused(tmp_path, members, rule):
    assert container_refusal(zip_of(tmp_path / "a.xlsx", members)).rule == rule


def test_a_file_that_is_not_a_zip_is_refused_as_no_workbook(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"Kommunkod;Kommun;2024\n")
    assert container_refusal(path).rule == (
        "not a valid .xlsx workbook (not a readable zip archive)")


def test_a_sheet_above_the_row_limit_is_refused_at_the_first_row_too_many(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Blad1"
    for n in range(3):
        workbook.active.append([n])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    with opened_workbook(path) as opened:
        assert len(sheet_values(path, opened.worksheets[0], 3)) == 3
    with pytest.raises(InputError) as raised, opened_workbook(path) as opened:
        sheet_values(path, opened.worksheets[0], 2)
    assert (raised.value.file, raised.value.sheet, raised.value.line, raised.value.rule) == (
        str(path), "Blad1", 3, "more than 2 rows")


def test_a_file_above_the_size_limit_is_refused_and_one_at_it_is_not(tmp_path):
    path = tmp_path / "population.csv"
    with path.open("wb") as sparse:
        sparse.truncate(MAX_FILE_BYTES + 1)
    error = refusal(path)
    assert (error.rule, error.value) == ("the file is larger than 20 MiB",
                                         f"{MAX_FILE_BYTES + 1} bytes")
    with path.open("wb") as sparse:
        sparse.truncate(MAX_FILE_BYTES)
    assert not refusal(path).rule.startswith("the file is larger")
