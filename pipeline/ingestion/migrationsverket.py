"""Migrationsverket's statistic of persons received for settlement (kommunmottagna enligt
ersättningsförordningen), read as the agency publishes it.

The export (`;`-separated CSV, UTF-8 with a BOM, or the same table saved as .xlsx) has title and
note lines, some of them quoted cells that span lines; then a header of categories, each followed
by its "varav ensamk barn" (of whom unaccompanied minors), ending with `Totalt`. Below it, per
county, the municipalities by upper-case name and without codes (the county's name in the first
column of its first row), a `Delsumma` row, and at the end a national `Totalt`. A blank cell is a
zero; thousands are grouped with a space ("1 626").

Names are matched to the register by case, hyphen against space, a "kommun" suffix and a short
table of former names, never by dropping diacritics: HÅBO is Håbo (0305), HABO is Habo (0643),
and the county a municipality is listed under must be its county in the register. Every
subtotal, the national total and each row's own total are checked against the rows they sum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError
from pipeline.core.text import checked_text, nfc
from pipeline.ingestion.readers import (
    MAX_FILE_BYTES,
    RegionRow,
    RegionTable,
    csv_rows,
    parse_figure,
    xlsx_rows,
)

SUBTOTAL, TOTAL, MINORS = "Delsumma", "Totalt", "varav ensamk barn"
NAME_COLUMN = "Kommun"
# Names the agency still uses for municipalities that have since been renamed (matching key ->
# the register's name): Malung became Malung-Sälen.
FORMER_NAMES = {"malung": "Malung-Sälen"}
_MATCHING = ("compared by case, hyphen or space, a 'kommun' suffix and former names, never "
             "without diacritics")


@dataclass(frozen=True)
class SettlementRow:
    line: int
    municipality_code: str
    municipality_name: str  # the register's name
    figures: tuple[int, ...]  # one per column of the table


@dataclass(frozen=True)
class SettlementTable:
    """The municipalities' rows; `columns` names each figure: a category, or a category and
    ", varav ensamk barn" ("Totalt", "Totalt, varav ensamk barn")."""

    columns: tuple[str, ...]
    rows: list[SettlementRow]


def matching_key(name: str) -> str:
    """How two spellings of a municipality are compared: NFC, case-folded, hyphens as spaces,
    one space between words, without a trailing "kommun" — diacritics always kept."""
    text = re.sub(r"\s+", " ", nfc(name).casefold().replace("-", " ")).strip()
    return text.removesuffix(" kommun")


def settlement_statistic(path: Path, reference_year: int, register: pl.DataFrame,
                         column: str) -> RegionTable:
    """One column of the table ("Totalt" or "Totalt, varav ensamk barn") as region rows."""
    table = read_settlement_table(path, reference_year, register)
    if column not in table.columns:
        raise InputError(path, f"the table has no column {column!r}",
                         value=", ".join(table.columns))
    at = table.columns.index(column)
    return RegionTable(NAME_COLUMN, column, [
        RegionRow(r.line, r.municipality_code, r.municipality_name, r.figures[at])
        for r in table.rows])


def read_settlement_table(path: Path, reference_year: int,
                          register: pl.DataFrame) -> SettlementTable:
    """Read the whole table, every municipality matched to the register and every sum checked;
    its title (the line labelled "Rubrik") must name the reference year."""
    if not path.is_file():
        raise InputError(path, "the file is missing")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(path, f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(path, "only .csv and .xlsx files are read", value=path.suffix)
    rows = csv_rows(path) if suffix == ".csv" else xlsx_rows(path)
    header_at = _header_index(path, rows)
    header_line, header = rows[header_at]
    # The title is the line the export labels "Rubrik": it names the year. Not the "Uppdaterad"
    # line (a date of the year after), nor the notes, which cite other years ("förordningen
    # (2010:1122)"). Its non-empty cells only: the empty ones would pad a refusal's value.
    title_line, title_cells = next(((line, cells) for line, cells in rows[:header_at]
                                    if cells and cells[0].casefold() == "rubrik"), (None, []))
    if title_line is None:
        raise InputError(path, "no title line above the header: the export names it 'Rubrik' "
                         "in the first column", line=header_line)
    title = " ".join(cell for cell in title_cells if cell)
    # a year is four digits standing alone: "Kommunmottagna 20185" names no year, not 2018
    if str(reference_year) not in re.findall(r"(?<!\d)\d{4}(?!\d)", title):
        raise InputError(path, f"the title line (Rubrik) must name the reference year "
                         f"{reference_year}", line=title_line, value=title)
    first, columns = _columns(path, header_line, header)
    reading = _Reading(path, _Names(register), first, columns)
    for line, cells in rows[header_at + 1:]:
        reading.row(line, cells)
    return reading.finish()


def _header_index(path: Path, rows: list[tuple[int, list[str]]]) -> int:
    for index, (_, cells) in enumerate(rows):
        words = [_words(cell) for cell in cells]
        if any(word == TOTAL.casefold() and later == MINORS
               for word, later in zip(words, words[1:], strict=False)):
            return index
    raise InputError(path, f"no header row: expected Migrationsverket's columns, each category "
                     f"followed by {MINORS!r}, the last one {TOTAL!r}")


def _words(cell: str) -> str:
    return re.sub(r"\s+", " ", cell).strip().casefold()


def _columns(path: Path, line: int, header: list[str]) -> tuple[int, tuple[str, ...]]:
    """The index of the first figure column and the name of each figure column."""
    first = next(i for i, cell in enumerate(header) if cell)
    end = len(header)
    while not header[end - 1]:
        end -= 1
    if first < 2 or (end - first) % 2:
        raise InputError(path, "the header has a county column, a municipality column, then "
                         f"pairs of a category and {MINORS!r}", line=line,
                         value=";".join(header))
    columns: list[str] = []
    for at in range(first, end, 2):
        category = re.sub(r"\s+", " ", header[at]).strip()
        if _words(header[at + 1]) != MINORS or not category or _words(category) == MINORS:
            raise InputError(path, f"each category column is followed by {MINORS!r}",
                             line=line, column=str(at + 2), value=header[at + 1])
        columns += [category, f"{category}, {MINORS}"]
    if columns[-2] != TOTAL:
        raise InputError(path, f"the last category is {TOTAL!r}", line=line,
                         column=str(end - 1), value=columns[-2])
    return first, tuple(columns)


class _Names:
    """The register's municipalities and counties by matching key."""

    def __init__(self, register: pl.DataFrame) -> None:
        self.by_key: dict[str, set[str]] = {}
        self.county_of: dict[str, str] = {}
        self.name_of: dict[str, str] = {}
        codes_by_name: dict[str, str] = {}
        for row in register.iter_rows(named=True):
            code = row["municipality_code"]
            self.by_key.setdefault(matching_key(row["municipality_name"]), set()).add(code)
            self.county_of[code] = row["county_name"]
            self.name_of[code] = row["municipality_name"]
            codes_by_name[row["municipality_name"]] = code
        for former, name in FORMER_NAMES.items():
            if name in codes_by_name:
                self.by_key.setdefault(former, set()).add(codes_by_name[name])
        self.counties = {matching_key(county): county for county in self.county_of.values()}


@dataclass
class _County:
    name: str  # the register's
    line: int
    sums: list[int]
    count: int = 0
    closed: bool = False


@dataclass
class _Reading:
    """The rows below the header, read in order: counties, their municipalities and subtotals,
    the national total."""

    path: Path
    names: _Names
    first: int  # the first figure column
    columns: tuple[str, ...]
    rows: list[SettlementRow] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # code -> line
    counties: dict[str, _County] = field(default_factory=dict)
    county: _County | None = None
    total_line: int | None = None

    def row(self, line: int, cells: list[str]) -> None:
        if not any(cells):
            return
        width = self.first + len(self.columns)
        cells = cells + [""] * (width - len(cells))
        extra = next((i for i, cell in enumerate(cells[width:], start=width) if cell), None)
        if extra is not None:
            raise InputError(self.path, "a cell to the right of the table", line=line,
                             column=str(extra + 1), value=cells[extra])
        if self.total_line is not None:
            raise InputError(self.path, f"a row after the national {TOTAL!r} row (line "
                             f"{self.total_line})", line=line, value=";".join(cells))
        name = cells[self.first - 1].strip()
        county = self._county(line, cells[0].strip(), name)
        figures = self._figures(line, cells)
        if name.casefold() == SUBTOTAL.casefold():
            self._subtotal(line, county, figures)
        elif name.casefold() == TOTAL.casefold():
            self._total(line, figures)
        else:
            self._check_row(line, figures)
            self._municipality(line, name, county, figures)

    def _county(self, line: int, label: str, name: str) -> _County | None:
        if not label:
            return self.county
        county = self.names.counties.get(matching_key(label))
        if county is None:
            raise InputError(self.path, "not a county of the register", line=line, column="1",
                             value=label)
        if self.county is not None and county == self.county.name:
            return self.county
        if name.casefold() == SUBTOTAL.casefold():
            raise InputError(self.path, f"a county's {SUBTOTAL!r} follows its municipalities",
                             line=line, column="1", value=label)
        if county in self.counties:
            raise InputError(self.path, "a county's municipalities are listed together; this "
                             f"county began on line {self.counties[county].line}", line=line,
                             column="1", value=label)
        self._close_check()
        self.county = _County(county, line, [0] * len(self.columns))
        self.counties[county] = self.county
        return self.county

    def _figures(self, line: int, cells: list[str]) -> tuple[int, ...]:
        figures = []
        for offset, column in enumerate(self.columns):
            at = self.first + offset
            text = cells[at].strip()
            value = parse_figure(self.path, line, column, text) if text else 0
            if value < 0:
                raise InputError(self.path, "a figure is a non-negative whole number",
                                 line=line, column=column, value=text)
            figures.append(value)
        return tuple(figures)

    def _check_row(self, line: int, figures: tuple[int, ...]) -> None:
        """A municipality's own figures: minors within their category, totals the categories'
        sums (subtotals and the national total are compared with their rows column by column)."""
        for at in range(0, len(figures), 2):
            if figures[at + 1] > figures[at]:
                raise InputError(self.path, f"{MINORS!r} cannot exceed its category "
                                 f"({figures[at]})", line=line, column=self.columns[at + 1],
                                 value=figures[at + 1])
        for part in (0, 1):
            expected = sum(figures[part:-2:2])
            if figures[-2 + part] != expected:
                raise InputError(self.path, "a row's total must equal the sum of its "
                                 f"categories ({expected})", line=line,
                                 column=self.columns[-2 + part], value=figures[-2 + part])

    def _municipality(self, line: int, name: str, county: _County | None,
                      figures: tuple[int, ...]) -> None:
        column = NAME_COLUMN
        if not name:
            raise InputError(self.path, "a row of figures needs a municipality name", line=line,
                             column=column, value="")
        checked_text(self.path, name, line=line, column=column)
        if county is None or county.closed:
            raise InputError(self.path, "a county's first row names the county in the first "
                             "column", line=line, column=column, value=name)
        codes = self.names.by_key.get(matching_key(name), set())
        if not codes:
            raise InputError(self.path, f"the name matches no municipality of the register "
                             f"({_MATCHING})", line=line, column=column, value=name)
        if len(codes) > 1:
            raise InputError(self.path, "the name matches several municipalities of the register "
                             f"({', '.join(sorted(codes))})", line=line, column=column,
                             value=name)
        (code,) = codes
        if code in self.seen:
            raise InputError(self.path, f"each municipality appears once; {code} "
                             f"{self.names.name_of[code]} was first seen on line "
                             f"{self.seen[code]}", line=line, column=column, value=name)
        if self.names.county_of[code] != county.name:
            raise InputError(self.path, f"{code} {self.names.name_of[code]} belongs to "
                             f"{self.names.county_of[code]} in the register, not to "
                             f"{county.name}", line=line, column=column, value=name)
        self.seen[code] = line
        county.sums = [a + b for a, b in zip(county.sums, figures, strict=True)]
        county.count += 1
        self.rows.append(SettlementRow(line, code, self.names.name_of[code], figures))

    def _subtotal(self, line: int, county: _County | None, figures: tuple[int, ...]) -> None:
        if county is None or county.closed or not county.count:
            raise InputError(self.path, f"a {SUBTOTAL!r} row follows its county's "
                             "municipalities", line=line, column=NAME_COLUMN, value=SUBTOTAL)
        self._compare(line, figures, county.sums,
                      f"the subtotal of {county.name} must equal the sum of its "
                      f"{county.count} municipalities")
        county.closed = True

    def _total(self, line: int, figures: tuple[int, ...]) -> None:
        self._close_check()
        sums = [sum(row.figures[i] for row in self.rows) for i in range(len(self.columns))]
        self._compare(line, figures, sums, f"the national total must equal the sum of its "
                      f"{len(self.rows)} municipalities")
        self.total_line = line

    def _compare(self, line: int, figures: tuple[int, ...], sums: list[int], rule: str) -> None:
        for column, given, expected in zip(self.columns, figures, sums, strict=True):
            if given != expected:
                raise InputError(self.path, f"{rule} ({expected})", line=line, column=column,
                                 value=given)

    def _close_check(self) -> None:
        if self.county is not None and not self.county.closed:
            raise InputError(self.path, f"{self.county.name} (from line {self.county.line}) "
                             f"has no {SUBTOTAL!r} row")

    def finish(self) -> SettlementTable:
        if self.total_line is None:
            raise InputError(self.path, f"the national {TOTAL!r} row is missing")
        return SettlementTable(self.columns, self.rows)
