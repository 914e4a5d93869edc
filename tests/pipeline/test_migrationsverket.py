"""Migrationsverket's settlement statistic (kommunmottagna) read as the agency published it: the
real 2018 export, and copies of it broken in the ways a new export could be.

Expected figures are read off the raw file's lines here (grep-like), not from the reader."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from pipeline.core.errors import InputError
from pipeline.ingestion.migrationsverket import (
    matching_key,
    read_settlement_table,
    settlement_statistic,
)
from pipeline.ingestion.schemas import validate_statistic
from pipeline.ingestion.statistics import load_statistic, statistic_file
from tests.conftest import DATA

REAL = DATA / "sources" / "migrationsverket_kommunmottagna_2018.csv"
N, E = "Totalt", "Totalt, varav ensamk barn"
BOM = "\ufeff"


def _text() -> str:
    return REAL.read_bytes().decode("utf-8")


def _write(tmp_path: Path, text: str, name: str = "kommunmottagna.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _line_of(text: str, start: str) -> int:
    """The 1-based line of the file that starts with `start`."""
    return next(i for i, line in enumerate(text.split("\n"), start=1) if line.startswith(start))


def _last_two(line: str) -> tuple[int, int]:
    """The Totalt and its 'varav ensamk barn' of a raw line: its last two cells."""
    cells = line.rstrip("\r").split(";")
    return tuple(int(c.replace(" ", "") or 0) for c in cells[-2:])


def _raw_row(text: str, name: str) -> tuple[int, int]:
    line = next(line for line in text.split("\n") if line.split(";")[2:3] == [name])
    return _last_two(line)


def _values(path: Path, register: pl.DataFrame, column: str) -> dict[str, int]:
    table = settlement_statistic(path, 2018, register, column)
    frame = validate_statistic(path, table, register, "value")
    return dict(zip(frame["municipality_code"], frame["value"], strict=True))


def _refused(path: Path, register: pl.DataFrame) -> InputError:
    with pytest.raises(InputError) as caught:
        read_settlement_table(path, 2018, register)
    return caught.value


# --- the real file -------------------------------------------------------------------------------

def test_the_real_2018_export_gives_290_municipalities_with_the_published_totals(register):
    text = _text()
    assert text.startswith(BOM)
    national = _last_two(next(line for line in text.split("\n") if line.startswith(";;Totalt;")))
    assert national == (44_216, 6_635)
    newcomers, minors = _values(REAL, register, N), _values(REAL, register, E)
    assert len(newcomers) == len(minors) == 290
    assert (sum(newcomers.values()), sum(minors.values())) == national


def test_hbo_and_habo_each_get_their_own_row(register):
    text = _text()
    newcomers, minors = _values(REAL, register, N), _values(REAL, register, E)
    assert (newcomers["0305"], minors["0305"]) == _raw_row(text, "HÅBO") == (86, 15)
    assert (newcomers["0643"], minors["0643"]) == _raw_row(text, "HABO") == (58, 12)
    assert matching_key("HABO") != matching_key("Håbo")


def test_stockholm_and_space_grouped_figures(register):
    assert _values(REAL, register, N)["0180"] == 3333
    assert _values(REAL, register, E)["0180"] == 517


def test_every_county_subtotal_and_the_national_total_are_checked_and_pass(register):
    table = read_settlement_table(REAL, 2018, register)
    assert table.columns[-2:] == (N, E)
    assert len(table.columns) == 12
    assert {row.municipality_code for row in table.rows} == set(register["municipality_code"])


def test_the_shipped_2018_folder_reads_n_and_e_from_the_one_real_export(register):
    folder = DATA / "statistics" / "2018"
    for statistic in ("newcomers_settled", "minors_received"):
        assert statistic_file(folder, statistic).name == "kommunmottagna.csv"
    assert (folder / "kommunmottagna.csv").read_bytes() == REAL.read_bytes()
    newcomers = load_statistic(folder, "newcomers_settled", 2018, register)
    minors = load_statistic(folder, "minors_received", 2018, register)
    assert newcomers.values["newcomers_settled"].sum() == 44_216
    assert minors.values["minors_received"].sum() == 6_635
    assert not newcomers.file.illustrative and not minors.file.illustrative
    assert "Migrationsverket" in minors.file.source


# --- mutated copies ------------------------------------------------------------------------------

def test_a_county_subtotal_off_by_one_names_its_line_column_and_value(tmp_path, register):
    text = _text().replace("BLEKINGE LÄN;;Delsumma;28;;92;34;167;18;76;46;429;;792;98",
                           "BLEKINGE LÄN;;Delsumma;28;;92;34;167;18;76;46;429;;793;98")
    error = _refused(_write(tmp_path, text), register)
    assert error.line == _line_of(text, "BLEKINGE LÄN;;Delsumma")
    assert (error.column, error.value) == (N, 793)
    assert "Blekinge län" in error.rule and "(792)" in error.rule


def test_a_national_total_off_by_one_is_refused(tmp_path, register):
    text = _text().replace(";;Totalt;5 028;116;11 068;2 265;7 859;1 534;3 699;2 710;16 562;10;"
                           "44 216;6 635", ";;Totalt;5 028;116;11 068;2 265;7 859;1 534;3 699;"
                           "2 710;16 562;10;44 216;6 636")
    error = _refused(_write(tmp_path, text), register)
    assert error.line == _line_of(text, ";;Totalt;")
    assert (error.column, error.value) == (E, 6636)
    assert "national total" in error.rule and "(6635)" in error.rule


def test_a_renamed_municipality_is_unmatched_with_its_line(tmp_path, register):
    text = _text().replace(";;KARLSHAMN;", ";;KARLSHAMM;")
    error = _refused(_write(tmp_path, text), register)
    assert (error.line, error.value) == (_line_of(text, "BLEKINGE LÄN;;KARLSHAMM"), "KARLSHAMM")
    assert "matches no municipality" in error.rule


def test_a_missing_municipality_is_named(tmp_path, register):
    text = _text()
    # Take Sölvesborg out and its figures from Blekinge's subtotal and the national total, so
    # that every sum still holds and only the row is missing.
    row = next(line for line in text.split("\n") if line.startswith(";;SÖLVESBORG;"))
    figures = [int(c.replace(" ", "") or 0) for c in row.rstrip("\r").split(";")[3:]]

    def minus(line: str) -> str:
        cells = line.rstrip("\r").split(";")
        kept = [int(c.replace(" ", "") or 0) - f for c, f in zip(cells[3:], figures,
                                                                  strict=True)]
        return ";".join(cells[:3] + [str(v) if v else "" for v in kept]) + "\r"

    lines = [minus(line) if line.startswith(("BLEKINGE LÄN;;Delsumma", ";;Totalt;")) else line
             for line in text.split("\n") if line != row]
    path = _write(tmp_path, "\n".join(lines))
    table = settlement_statistic(path, 2018, register, N)
    with pytest.raises(InputError, match="this one is missing") as caught:
        validate_statistic(path, table, register, "newcomers_settled")
    assert caught.value.value == "1083 Sölvesborg"


def test_hbo_and_habo_swapped_are_refused_by_their_counties(tmp_path, register):
    text = _text().replace(";;HABO;", ";;@@;").replace(";;HÅBO;", ";;HABO;")
    text = text.replace(";;@@;", ";;HÅBO;")
    error = _refused(_write(tmp_path, text), register)
    assert (error.line, error.value) == (_line_of(text, ";;HÅBO;"), "HÅBO")
    assert "0305 Håbo belongs to Uppsala län" in error.rule and "Jönköpings län" in error.rule


def test_a_repeated_municipality_names_the_first_line(tmp_path, register):
    text = _text()
    first, knivsta = _line_of(text, ";;HÅBO;"), _line_of(text, ";;KNIVSTA;")
    assert first < knivsta
    error = _refused(_write(tmp_path, text.replace(";;KNIVSTA;", ";;HÅBO;")), register)
    assert (error.line, error.value) == (knivsta, "HÅBO")
    assert f"first seen on line {first}" in error.rule


def test_an_ambiguous_name_is_refused(tmp_path, register):
    # A register in which two municipalities differ only by hyphen against space.
    doubled = register.with_columns(
        pl.when(pl.col("municipality_code") == "0115").then(pl.lit("Upplands-Väsby"))
        .otherwise(pl.col("municipality_name")).alias("municipality_name"))
    error = _refused(_write(tmp_path, _text()), doubled)
    assert error.value == "UPPLANDS-VÄSBY" and "several municipalities" in error.rule
    assert "0114" in error.rule and "0115" in error.rule


def test_extra_title_lines_are_skipped(tmp_path, register):
    text = _text().replace(BOM, BOM + "Migrationsverket;Statistik;;\n\n;Kontrollerad;;\n", 1)
    newcomers = _values(_write(tmp_path, text), register, N)
    assert newcomers == _values(REAL, register, N)
    table = read_settlement_table(_write(tmp_path, text), 2018, register)
    assert table.rows[0].line == _line_of(text, "BLEKINGE LÄN;;KARLSHAMN")


def test_a_former_name_and_other_spellings_are_the_same_municipality(tmp_path, register):
    text = (_text().replace(";;MALUNG-SÄLEN;", ";;MALUNG;")
            .replace(";;UPPLANDS-VÄSBY;", ";;Upplands Väsby kommun;"))
    values = _values(_write(tmp_path, text), register, N)
    assert values == _values(REAL, register, N)


def test_a_name_without_its_diacritics_is_not_matched(tmp_path, register):
    text = _text().replace(";;SÖLVESBORG;", ";;SOLVESBORG;")
    error = _refused(_write(tmp_path, text), register)
    assert error.value == "SOLVESBORG" and "never without diacritics" in error.rule


def test_a_file_of_another_year_is_refused(tmp_path, register):
    path = _write(tmp_path, _text())
    with pytest.raises(InputError, match="reference year 2019") as caught:
        read_settlement_table(path, 2019, register)
    # the title as a reader sees it in the file: its Rubrik line (the second, after a line of
    # empty cells), the quoted cell spanning two lines, no blank cells and none of the notes
    assert caught.value.line == 2
    assert caught.value.value == ("Rubrik Kommunmottagna enligt ersättningsförordningen 2018.\n"
                                  "Uppdelad på län/kommun och kategori.")


def test_a_note_citing_another_year_does_not_make_the_file_that_years(tmp_path, register):
    # the real export's notes cite "förordningen (2010:1122)": it is still no statistic of 2010
    text = _text()
    assert "(2010:1122)" in text
    with pytest.raises(InputError, match="reference year 2010") as caught:
        read_settlement_table(_write(tmp_path, text), 2010, register)
    assert caught.value.line == 2


def test_a_row_whose_total_is_not_its_categories_is_refused(tmp_path, register):
    text = _text().replace(";;KARLSHAMN;6;;11;1;28;6;13;7;112;;170;14",
                           ";;KARLSHAMN;6;;11;1;28;6;13;7;112;;171;14")
    error = _refused(_write(tmp_path, text), register)
    assert (error.line, error.column, error.value) == (_line_of(text, "BLEKINGE LÄN;;KARLSHAMN"),
                                                       N, 171)


def test_the_same_table_saved_as_xlsx_reads_the_same(tmp_path, register):
    """As Excel saves the export: one cell per field, numbers as numbers, blank cells empty."""
    workbook = Workbook()
    sheet = workbook.active
    for cells in csv.reader(io.StringIO(_text().removeprefix(BOM), newline=""), delimiter=";"):
        sheet.append([int(c.replace(" ", "")) if re.fullmatch(r"\d{1,3}( \d{3})*", c)
                      else (c or None) for c in cells])
    path = tmp_path / "kommunmottagna.xlsx"
    workbook.save(path)
    for column in (N, E):
        assert _values(path, register, column) == _values(REAL, register, column)


def test_one_statistic_in_two_files_is_refused(tmp_path):
    (tmp_path / "kommunmottagna.csv").write_text("x", encoding="utf-8")
    (tmp_path / "minors_received.csv").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="two files for one statistic"):
        statistic_file(tmp_path, "minors_received")
