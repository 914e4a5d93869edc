"""Hostile inputs: every kind of input file the pipeline reads, mutated at random, either reads
into valid data or fails with the project's own error naming the file — never another exception,
never a hang.

Each property starts from the real shipped files (data/, tests/fixtures/) and applies a few of the
mutations a statistician's tools or a careless sender produce: truncation, stray or overwritten
bytes, another delimiter or encoding, duplicated or dropped rows, absurd numbers, formulas and
control characters in text cells, broken, macro-carrying or oversized workbooks.
"""

from __future__ import annotations

import csv
import io
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from pipeline.core.errors import AnvisningError, InputError
from pipeline.core.units import total_units
from pipeline.goals.ledger import KINDS, REGISTER_SCHEMA, read_ledger
from pipeline.ingestion import readers
from pipeline.ingestion.migrationsverket import settlement_statistic
from pipeline.ingestion.register import REGISTER_COLUMNS, load_register
from pipeline.ingestion.registry import SETTLEMENT
from pipeline.ingestion.schemas import validate_statistic
from pipeline.ingestion.statistics import LoadedStatistic, load_statistic
from pipeline.model.parameters import ModelParameters, load_parameters
from pipeline.redistribution.agreements import (
    FORM_HEADERS,
    FORM_SHEET,
    INFO_SHEET,
    Agreement,
    read_agreements_csv,
)
from pipeline.redistribution.forms.spreadsheets import read_county_form
from pipeline.redistribution.forms.validation import validate_county_forms
from pipeline.redistribution.rules import validate_agreements
from tests.conftest import DATA, FIXTURES, REPO

T = TypeVar("T")

SHARE_YEAR = 2026
DECIMALS = 2
FAR_FUTURE = date(2100, 1, 1)
# A hang guard, not a speed limit: a read this long is stuck. That the work of a read is bounded
# is proved by counting it (bytes read, members unpacked, rows and cells materialised) below.
HANG_SECONDS = 120
PROPERTY = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SHEET = "xl/worksheets/sheet1.xml"
ZIP_TIME = (2025, 12, 1, 0, 0, 0)

HOSTILE_TEXT = {
    "10**30": "1" + "0" * 30, "1e308": "1e308", "-1e308": "-1e308", "NaN": "NaN", "nan": "nan",
    "inf": "inf", "-inf": "-inf", "Infinity": "Infinity", "-1": "-1", "-0": "-0", "hex": "0x1F",
    "1.5": "1.5", "1,5": "1,5", "5000 digits": "9" * 5000, "empty": "", "space": " ",
    "quote": '"', "two quotes": '""', "nbsp": "\u00a0", "arabic digits": "\u0661\u0662\u0663",
    "fullwidth digits": "\uff11\uff12\uff13", "grouped": "44 605",
    "HYPERLINK": '=HYPERLINK("http://example.invalid/","klicka")', "=1+1": "=1+1", "+1": "+1",
    "@SUM": "@SUM(A1)", "-2+3": "-2+3", "NUL": "\x00", "ESC": "\x1b[2J", "RLO": "\u202eevil",
    "BOM": "\ufeff", "CR": "\r", "LF": "\n", "TAB": "\t", "200k field": "x" * 200_000,
    "'0114": "'0114", "0114 ": "0114 ", "all": "all", "2025-02-30": "2025-02-30", "0000": "0000",
}
HOSTILE_CELLS = {
    "int 10**30": 10**30, "int -1": -1, "int 0": 0, "float 1e308": 1e308, "float -1e308": -1e308,
    "float nan": float("nan"), "float inf": float("inf"), "float -inf": float("-inf"),
    "float 1.5": 1.5, "float -0.0": -0.0, "bool True": True, "None": None,
    "datetime": datetime(2025, 12, 4, 13, 0), "formula =1/0": "=1/0",
    **{name: text for name, text in HOSTILE_TEXT.items() if not ILLEGAL_CHARACTERS_RE.search(text)},
}
# Characters openpyxl refuses to write go in through OOXML's own escape (`_xHHHH_`) and raw XML.
HOSTILE_XML_TEXT = {"_x0000_": b"_x0000_", "_x001B_": b"_x001B_[2J", "&#0;": b"&#0;",
                    "raw ESC": b"\x1b", "raw NUL": b"\x00", "escaped markup": b"&amp;lt;s&gt;",
                    "]]>": b"]]>", "undefined entity": b"&undefined;"}
OTHER_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-16", "cp1252", "utf-8", "utf-8-sig", "latin-1")
DELIMITERS = (",", ";", "\t")
TOML_VALUES = {
    "1e308": "1e308", "-1e308": "-1e308", "inf": "inf", "-inf": "-inf", "nan": "nan",
    "10**30": "1" + "0" * 30, "5000 digits": "9" * 5000, "0": "0", "-1": "-1", "1000": "1000",
    "999.999": "999.999", "true": "true", '"2"': '"2"', "array": "[1, 2]", "table": "{ a = 1 }",
    "date": "1979-05-27", "hex": "0x10", "1_000": "1_000", "5.0": "5.0",
    "HYPERLINK": '"=HYPERLINK(\\"http://example.invalid/\\")"', "NUL": '"\\u0000"',
    "ESC": '"\\u001b[2J"', "empty": '""', "3000 nested arrays": "[" * 3000 + "]" * 3000,
    "1000 nested tables": "{ a = " * 1000 + "1" + " }" * 1000,
}
LAUGHS = (b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(8))
          + b"]>")


# --- the property every read must keep ------------------------------------------------------

class Hang(BaseException):
    """Raised by the alarm; a BaseException so that no reader's `except Exception` can hide it."""


@contextmanager
def no_hang(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail a block that runs longer than `seconds`. The alarm repeats every second, because an
    exception raised inside a garbage-collector callback is swallowed; and the block fails
    afterwards all the same if it finished late."""
    late = []

    def alarm(signum, frame):
        late.append(True)
        raise Hang(f"the read did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if late:
        raise Hang(f"the read did not finish within {seconds} s")


def read_or_own_error(read: Callable[[Path], T], path: Path) -> T | None:
    """The read's result, or None when it failed with the project's own error naming the file.

    Any other exception, or a read that hangs, fails the test.
    """
    with no_hang():
        try:
            result = read(path)
        except AnvisningError as error:
            message = str(error)
            assert message.strip(), f"{type(error).__name__} with an empty message"
            assert path.name in message, f"the message does not name the file: {message!r}"
            _count(f"rejected: {type(error).__name__}")
            return None
    _count("read")
    return result


def _count(outcome: str) -> None:
    """Tally outcomes for `pytest --hypothesis-show-statistics` (a property needs both)."""
    if currently_in_test_context():
        event(outcome)


# --- sources and mutations ------------------------------------------------------------------
# A mutation is drawn as a small recipe (kind, positions, a named value) and applied afterwards,
# so that a failing example is reported as its recipe, not as a few hundred kilobytes of bytes.

class Named:
    """A hostile value that prints as its name in a failing example."""

    def __init__(self, name: str, value: object) -> None:
        self.name = name
        self.value = value

    def __repr__(self) -> str:
        return self.name


def named(values: dict[str, object]) -> st.SearchStrategy[Named]:
    return st.sampled_from([Named(name, value) for name, value in values.items()])


def any_text(max_size: int) -> st.SearchStrategy[Named]:
    return st.text(max_size=max_size).map(lambda text: Named(repr(text), text))


@dataclass(frozen=True)
class TextSource:
    """A shipped text file, decoded, ready to be mutated line by line and encoded again."""

    path: Path
    year: int
    encoding: str
    newline: str
    delimiter: str
    lines: tuple[str, ...]

    @classmethod
    def of(cls, path: Path, year: int = 0) -> TextSource:
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        else:
            try:
                raw.decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError:
                encoding = "latin-1"
        text = raw.decode(encoding)
        delimiter = max(DELIMITERS, key=lambda d: text.count(d))
        return cls(path, year, encoding, "\r\n" if b"\r\n" in raw else "\n", delimiter,
                   tuple(text.splitlines()))

    def __repr__(self) -> str:
        return f"TextSource({self.path.relative_to(REPO)})"


# Positions are drawn unbounded and taken modulo the length when applied.
position = st.integers(0, 2**20)
noise = st.binary(min_size=1, max_size=16)
byte_recipes = st.one_of(
    st.tuples(st.just("truncate"), position),
    st.tuples(st.just("insert"), position, noise),
    st.tuples(st.just("overwrite"), position, noise),
)


def apply_bytes(raw: bytes, recipes) -> bytes:
    for kind, at, *rest in recipes:
        at %= len(raw) + 1
        if kind == "truncate":
            raw = raw[:at]
        elif kind == "insert":
            raw = raw[:at] + rest[0] + raw[at:]
        else:
            raw = raw[:at] + rest[0] + raw[at + len(rest[0]):]
    return raw


field_values = st.one_of(named(HOSTILE_TEXT), any_text(12))
line_recipes = st.one_of(
    st.tuples(st.just("duplicate"), position, position),
    st.tuples(st.just("drop"), position),
    st.tuples(st.just("delimiter"), st.sampled_from(DELIMITERS), st.none() | position),
    st.tuples(st.just("field"), position, position, field_values, st.booleans()),
    st.tuples(st.just("line"), position, st.one_of(named(HOSTILE_TEXT), any_text(40))),
)


def apply_lines(lines: list[str], delimiter: str, recipes) -> list[str]:
    lines = list(lines)
    for kind, *args in recipes:
        if not lines:
            break
        if kind == "duplicate":
            lines.insert(args[0] % len(lines), lines[args[1] % len(lines)])
        elif kind == "drop":
            del lines[args[0] % len(lines)]
        elif kind == "delimiter":
            other, at = args
            for i in range(len(lines)) if at is None else [at % len(lines)]:
                lines[i] = lines[i].replace(delimiter, other)
        elif kind == "field":
            i, j, value, quoted = args
            fields = lines[i % len(lines)].split(delimiter)
            fields[j % len(fields)] = f'"{value.value}"' if quoted else str(value.value)
            lines[i % len(lines)] = delimiter.join(fields)
        else:
            lines.insert(args[0] % (len(lines) + 1), str(args[1].value))
    return lines


@dataclass(frozen=True)
class TextRecipe:
    lines: list
    encoding: str | None
    bytes: list


def text_recipes(extra_lines: st.SearchStrategy | None = None) -> st.SearchStrategy[TextRecipe]:
    steps = line_recipes if extra_lines is None else st.one_of(line_recipes, extra_lines)
    return st.builds(
        TextRecipe,
        st.lists(steps, max_size=3),
        st.none() | st.sampled_from(OTHER_ENCODINGS),
        st.lists(byte_recipes, max_size=2),
    )


def apply_text(source: TextSource, recipe: TextRecipe) -> bytes:
    lines = apply_lines(list(source.lines), source.delimiter, recipe.lines)
    text = source.newline.join(lines)
    return apply_bytes(text.encode(recipe.encoding or source.encoding, errors="replace"),
                       recipe.bytes)


def rezip(raw: bytes, change: Callable[[str, bytes], bytes | None],
          extra: dict[str, bytes] | None = None) -> bytes:
    """The archive with each member passed through `change` (None drops it), plus `extra`.

    Every member gets one fixed timestamp, so that a recipe gives the same bytes on every run
    (Hypothesis replays a failing example and must see it fail again).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        members = [(info.filename, change(info.filename, source.read(info.filename)))
                   for info in source.infolist()]
        for name, data in [*members, *(extra or {}).items()]:
            if data is not None:
                target.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data,
                                compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def fixed_times(name: str, data: bytes) -> bytes:
    """openpyxl stamps the time of saving into docProps/core.xml; a recipe needs fixed bytes."""
    if name != "docProps/core.xml":
        return data
    return re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2025-12-01T00:00:00Z", data)


def from_the_future(raw: bytes) -> bytes:
    """The archive claiming a zip version no reader supports ("version needed to extract" in the
    first central directory entry set to 10.6)."""
    at = raw.index(b"PK\x01\x02") + 6
    return raw[:at] + (106).to_bytes(2, "little") + raw[at + 2:]


def cut_short(member: str) -> Callable[[bytes], bytes]:
    return lambda raw: rezip(raw, lambda n, d: d[: len(d) // 2] if n == member else d)


cell_recipes = st.one_of(
    st.tuples(st.just("value"), position, position, named(HOSTILE_CELLS)),
    st.tuples(st.just("copy"), position),
    st.tuples(st.just("delete"), position),
    st.tuples(st.just("insert_column"), position),
)


def apply_cells(raw: bytes, recipes) -> bytes:
    """Cell-level edits a spreadsheet user makes: odd values, formulas, rows copied or removed."""
    if not recipes:
        return raw
    workbook = load_workbook(io.BytesIO(raw))
    sheet = workbook.worksheets[0]
    for kind, at, *args in recipes:
        row = at % sheet.max_row + 1
        if kind == "value":
            sheet.cell(row, args[0] % (sheet.max_column + 1) + 1).value = args[1].value
        elif kind == "copy":
            sheet.append([cell.value for cell in sheet[row]])
        elif kind == "delete":
            sheet.delete_rows(row)
        else:
            sheet.insert_cols(at % (sheet.max_column + 1) + 1)
    out = io.BytesIO()
    workbook.save(out)
    return rezip(out.getvalue(), fixed_times)


member_recipes = st.one_of(
    st.tuples(st.just("bytes"), position, byte_recipes),
    st.tuples(st.just("drop"), position),
    st.tuples(st.just("text"), position, named(HOSTILE_XML_TEXT)),
    st.tuples(st.just("entities")),
    st.tuples(st.just("macros")),
    st.tuples(st.just("dimension")),
)


def apply_member(raw: bytes, recipe) -> bytes:
    """Edits below the spreadsheet: a broken or missing part, raw XML, entities, macros."""
    if recipe is None:
        return raw
    kind, *args = recipe
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = sorted(archive.namelist())
    sheet = next((n for n in names if n.startswith("xl/worksheets/")), SHEET)
    if kind == "bytes":
        name = names[args[0] % len(names)]
        return rezip(raw, lambda n, d: apply_bytes(d, [args[1]]) if n == name else d)
    if kind == "drop":
        name = names[args[0] % len(names)]
        return rezip(raw, lambda n, d: None if n == name else d)
    if kind == "macros":
        return rezip(raw, lambda n, d: d, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 64})
    if kind == "text":
        def inject(n: str, d: bytes) -> bytes:
            if n != sheet:
                return d
            starts = [m.end() for m in re.finditer(rb"<t>|<t [^>]*>|<v>", d)] or [len(d) // 2]
            at = starts[args[0] % len(starts)]
            return d[:at] + args[1].value + d[at:]

        return rezip(raw, inject)
    if kind == "entities":
        return rezip(raw, lambda n, d: LAUGHS + d.replace(b"<t>", b"<t>&i;", 1)
                     if n == sheet else d)
    return rezip(raw, lambda n, d: re.sub(rb'<dimension ref="[^"]*"\s*/>',
                                          b'<dimension ref="A1:XFD1048576"/>', d)
                 if n == sheet else d)


@dataclass(frozen=True)
class WorkbookRecipe:
    cells: list
    member: tuple | None
    bytes: list


workbook_recipes = st.builds(WorkbookRecipe, st.lists(cell_recipes, max_size=3),
                             st.none() | member_recipes, st.lists(byte_recipes, max_size=1))


def apply_workbook(raw: bytes, recipe: WorkbookRecipe) -> bytes:
    return apply_bytes(apply_member(apply_cells(raw, recipe.cells), recipe.member), recipe.bytes)


# --- fixtures -------------------------------------------------------------------------------

# Loaded once here rather than through the `register` fixture, so that Hypothesis does not print
# the whole register with every failing example.
REGISTER = load_register(DATA / "reference" / "municipalities.csv")
STATISTIC_CSVS = [TextSource.of(p, int(p.parent.name))
                  for p in sorted(DATA.glob("statistics/*/*.csv"))]
STATISTIC_CSVS.append(TextSource.of(FIXTURES / "scb_pxweb_population_2017_latin1.csv", 2017))
STATISTIC_XLSX = sorted(DATA.glob("statistics/*/*.xlsx"))
SETTLEMENT_CSV = next(source for source in STATISTIC_CSVS
                      if source.path.stem == SETTLEMENT.stem)
AGREEMENTS_FILE = TextSource.of(DATA / "redistributions" / f"{SHARE_YEAR}.csv")
LEDGER_FILE = TextSource.of(DATA / "ledger" / "assignments.csv")
PARAMETERS_FILE = TextSource.of(DATA / "parameters.toml")
REGISTER_FILE = TextSource.of(DATA / "reference" / "municipalities.csv")
SOURCES_FILE = TextSource.of(DATA / "statistics" / "2024" / "sources.toml", 2024)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the examples."""
    return tmp_path_factory.mktemp("hostile")


UPPSALA_AGREEMENTS = [line for line in AGREEMENTS_FILE.lines[1:]
                      if line.split(",")[1].startswith("03")]


@pytest.fixture(scope="module")
def review_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A filled-in review workbook holding the shipped 2026 agreements of Uppsala län, as its
    county board returns it: a title, the form header, one agreement a row, the Info sheet."""
    workbook = Workbook()
    workbook.active.title = "Utkast"
    form = workbook.create_sheet(FORM_SHEET)
    form.append([f"Omfördelning {SHARE_YEAR}"])
    form.append(FORM_HEADERS)
    for line in UPPSALA_AGREEMENTS:
        _, giver, receiver, amount, approved_on, reference = line.split(",")
        form.append([giver, int(receiver), amount if amount == "all" else float(amount),
                     datetime.fromisoformat(approved_on), reference])
    info = workbook.create_sheet(INFO_SHEET)
    info.append(["share_year", SHARE_YEAR])
    info.append(["county_code", "03"])
    info.append(["county_name", "Uppsala län"])
    info.append(["decimals", DECIMALS])
    info.sheet_state = "hidden"
    path = tmp_path_factory.mktemp("review") / f"review_{SHARE_YEAR}_03.xlsx"
    workbook.save(path)
    return path


def write(folder: Path, name: str, raw: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(raw)
    return path


def read_statistic(path: Path, year: int) -> pl.DataFrame:
    """A statistic through its publisher's reader: Migrationsverket's settlement table (its
    minors' column) or a PxWeb or code and name table."""
    if path.stem == SETTLEMENT.stem:
        table = settlement_statistic(path, year, REGISTER, "Totalt, varav ensamk barn")
    else:
        table = readers.read_region_table(path, year)
    return validate_statistic(path, table, REGISTER, "value")


def assert_valid_statistic(values: pl.DataFrame) -> None:
    assert values.columns == ["municipality_code", "value"]
    assert values.schema["value"] == pl.Int64
    assert values["municipality_code"].to_list() == sorted(REGISTER["municipality_code"])
    assert values["value"].min() >= 0
    assert values["value"].max() <= readers.MAX_FIGURE


def agreements_reader(read: Callable[[Path, int], list[Agreement]]
                      ) -> Callable[[Path], list[Agreement]]:
    """Read, then check every redistribution rule against an even draft (each municipality
    holds 1000 ‰ / 290, more than any shipped agreement moves)."""
    codes = REGISTER["municipality_code"].to_list()
    even = dict.fromkeys(codes, total_units(DECIMALS) // len(codes))

    def read_and_validate(path: Path) -> list[Agreement]:
        agreements = read(path, DECIMALS)
        validate_agreements(agreements, SHARE_YEAR, even, REGISTER, DECIMALS)
        return agreements

    return read_and_validate


def read_form(path: Path, decimals: int) -> list[Agreement]:
    """A returned form through the county-form reader and its Swedish rules; every problem is
    an InputError (the first one), as the December round reports them."""
    form = read_county_form(path)
    codes = REGISTER["municipality_code"].to_list()
    even = dict.fromkeys(codes, total_units(decimals) // len(codes))
    checked = validate_county_forms([form], share_year=SHARE_YEAR, register=REGISTER,
                                    calculated_units=even, decimals=decimals)
    if checked.problems:
        first = checked.problems[0]
        raise InputError(path, first.message, sheet=first.sheet, line=first.row,
                         column=first.column, value=first.value)
    return checked.agreements


def assert_valid_agreements(agreements: list[Agreement]) -> None:
    codes = set(REGISTER["municipality_code"])
    for agreement in agreements:
        assert agreement.share_year == SHARE_YEAR
        assert {agreement.giver_code, agreement.receiver_code} <= codes
        assert agreement.amount_units is None or agreement.amount_units > 0
        assert isinstance(agreement.approved_on, date)
        assert agreement.reference.strip()


# --- the work a read does, counted ---------------------------------------------------------
# That a hostile file costs a reader bounded work is proved by counting the work, not by timing
# it: a loaded machine makes every read slow, and a count is the same on every machine.

@dataclass
class Work:
    """What the readers did inside a `counted()` block."""

    bytes_read: int = 0  # from any file, by any code in this process (Linux's rchar)
    members_opened: list[str] = field(default_factory=list)  # archive members unpacked
    rows: int = 0  # CSV records parsed, worksheet rows handed out (padding rows included)
    cells: int = 0  # worksheet values handed out (padding cells included)


class CountedRecords:
    """A csv.reader that counts the records it parses."""

    def __init__(self, reader, work: Work) -> None:
        self._reader = reader
        self._work = work

    def __iter__(self) -> CountedRecords:
        return self

    def __next__(self) -> list[str]:
        record = next(self._reader)
        self._work.rows += 1
        return record

    @property
    def line_num(self) -> int:
        return self._reader.line_num


def _process_bytes_read() -> int:
    try:
        fields = dict(line.split(":") for line in Path("/proc/self/io").read_text().splitlines())
    except OSError:
        pytest.skip("bytes read are counted from Linux's /proc/self/io")
    return int(fields["rchar"])


@contextmanager
def counted() -> Iterator[Work]:
    """Count the bytes read, the archive members opened (openpyxl opens every part it reads
    through zipfile) and the records and worksheet rows and cells read while the block runs."""
    work = Work()
    open_member, records, iter_rows = zipfile.ZipFile.open, csv.reader, ReadOnlyWorksheet.iter_rows

    def counted_open(self, name, *args, **kwargs):
        work.members_opened.append(getattr(name, "filename", name))
        return open_member(self, name, *args, **kwargs)

    def counted_records(*args, **kwargs) -> CountedRecords:
        return CountedRecords(records(*args, **kwargs), work)

    def counted_rows(self, *args, **kwargs):
        for row in iter_rows(self, *args, **kwargs):
            work.rows += 1
            work.cells += len(row)
            yield row

    before = _process_bytes_read()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zipfile.ZipFile, "open", counted_open)
        patch.setattr(csv, "reader", counted_records)
        patch.setattr(ReadOnlyWorksheet, "iter_rows", counted_rows)
        try:
            yield work
        finally:
            work.bytes_read = _process_bytes_read() - before


def assert_bounded_sheet_work(work: Work) -> None:
    """At most one row past the limit, and no row wider than the columns the reader reads."""
    assert 0 < work.rows <= readers.MAX_ROWS + 1, work
    assert work.cells <= work.rows * readers.MAX_COLUMNS, work


def test_the_counters_see_the_work_of_an_ordinary_read():
    """What the bounds below rely on: a read of a shipped file shows up in every counter."""
    source = STATISTIC_CSVS[0]
    with counted() as work:
        read_statistic(source.path, source.year)
    assert work.bytes_read >= source.path.stat().st_size
    assert work.rows == len(source.lines)
    year = int(STATISTIC_XLSX[0].parent.name)
    with counted() as work:
        read_statistic(STATISTIC_XLSX[0], year)
    assert SHEET in work.members_opened
    assert work.rows == len(REGISTER) + 1 and work.cells == work.rows * readers.MAX_COLUMNS


# --- statistics: CSV (PxWeb and code/name/value) and XLSX -----------------------------------

@settings(PROPERTY)
@given(source=st.sampled_from(STATISTIC_CSVS), recipe=text_recipes())
def test_a_mutated_statistic_csv_reads_or_fails_with_an_input_error(workdir, source, recipe):
    path = write(workdir / str(source.year), source.path.name, apply_text(source, recipe))
    values = read_or_own_error(lambda p: read_statistic(p, source.year), path)
    if values is not None:
        assert_valid_statistic(values)


@settings(PROPERTY)
@given(recipe=text_recipes())
def test_a_mutated_settlement_table_reads_or_fails_with_an_input_error(workdir, recipe):
    """Migrationsverket's own export, mutated: its reader gives 290 valid rows or one
    InputError, never another exception."""
    source = SETTLEMENT_CSV
    path = write(workdir / str(source.year), source.path.name, apply_text(source, recipe))
    values = read_or_own_error(lambda p: read_statistic(p, source.year), path)
    if values is not None:
        assert_valid_statistic(values)


@PROPERTY
@given(source=st.sampled_from(STATISTIC_XLSX), recipe=workbook_recipes)
def test_a_mutated_statistic_workbook_reads_or_fails_with_an_input_error(workdir, source,
                                                                         recipe):
    path = write(workdir / source.parent.name, source.name,
                 apply_workbook(source.read_bytes(), recipe))
    values = read_or_own_error(lambda p: read_statistic(p, int(source.parent.name)), path)
    if values is not None:
        assert_valid_statistic(values)


def test_every_shipped_statistic_reads_untouched():
    for source in STATISTIC_CSVS:
        assert_valid_statistic(read_statistic(source.path, source.year))
    for path in STATISTIC_XLSX:
        assert_valid_statistic(read_statistic(path, int(path.parent.name)))


@pytest.mark.parametrize("source", STATISTIC_CSVS, ids=repr)
def test_a_trailing_empty_column_reads_like_the_original(tmp_path, source):
    """Spreadsheets often save a trailing delimiter on every line; the figures stay the same."""
    original = read_statistic(source.path, source.year)
    lines = [line + source.delimiter if line else line for line in source.lines]
    path = write(tmp_path, source.path.name,
                 source.newline.join(lines).encode(source.encoding))
    assert read_statistic(path, source.year).equals(original)


@pytest.mark.parametrize("path", STATISTIC_XLSX, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_formatted_but_empty_column_in_a_workbook_reads_like_the_original(tmp_path, path):
    year = int(path.parent.name)
    original = read_statistic(path, year)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    column = sheet.max_column + 1
    for row in range(1, sheet.max_row + 1):
        sheet.cell(row, column).number_format = "0.00"
    target = tmp_path / path.name
    workbook.save(target)
    assert read_statistic(target, year).equals(original)


@pytest.mark.parametrize("figure", ["10**30", "5000 digits", "1e308", "NaN", "inf", "-1"])
def test_an_absurd_figure_is_an_input_error(tmp_path, figure):
    source = STATISTIC_CSVS[0]
    lines = apply_lines(list(source.lines), source.delimiter,
                        [("field", 1, -1, Named(figure, HOSTILE_TEXT[figure]), False)])
    path = write(tmp_path, source.path.name, "\n".join(lines).encode())
    assert read_or_own_error(lambda p: read_statistic(p, source.year), path) is None


@pytest.mark.parametrize("raw", [b"", b"Kommunkod,Kommun,2024\n0114,Upplands V\xe4sby,1\n",
                                 b"%PDF-1.4\n", b"PK\x03\x04" + b"\x00" * 64,
                                 b"PK\x05\x06" + b"\x00" * 18],
                         ids=["empty", "csv", "pdf", "zip-header-only", "empty-zip"])
def test_an_xlsx_that_is_not_a_workbook_is_an_input_error(tmp_path, raw):
    path = write(tmp_path, "newcomers_settled.xlsx", raw)
    assert read_or_own_error(lambda p: read_statistic(p, 2024), path) is None


def test_an_xlsx_with_macros_is_an_input_error(tmp_path):
    path = write(tmp_path, "newcomers_settled.xlsx",
                 apply_member(STATISTIC_XLSX[0].read_bytes(), ("macros",)))
    with pytest.raises(AnvisningError, match="macros"):
        read_statistic(path, int(STATISTIC_XLSX[0].parent.name))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    source = STATISTIC_XLSX[0]
    bomb = tmp_path / source.name
    with zipfile.ZipFile(io.BytesIO(source.read_bytes())) as original, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in original.infolist():
            archive.writestr(info.filename, original.read(info.filename))
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(readers.MAX_XLSX_UNPACKED_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    with counted() as work, pytest.raises(AnvisningError, match="zip bomb"):
        read_statistic(bomb, int(source.parent.name))
    assert work.members_opened == []  # refused on the archive's directory alone


def test_a_workbook_with_more_than_max_rows_is_refused_after_max_rows(tmp_path):
    source = STATISTIC_XLSX[0]
    last = 3 * readers.MAX_ROWS
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, last + 1))
    raw = rezip(source.read_bytes(),
                lambda n, d: re.sub(rb"<dimension .*</sheetData>",
                                    f'<dimension ref="A1:A{last}"/>'
                                    f"<sheetData>{rows}</sheetData>".encode(), d, flags=re.S)
                if n == SHEET else d)
    path = write(tmp_path, source.name, raw)
    with counted() as work, \
            pytest.raises(AnvisningError, match=f"more than {readers.MAX_ROWS}"):
        read_statistic(path, int(source.parent.name))
    assert work.rows == readers.MAX_ROWS + 1


def test_a_csv_with_more_than_max_rows_is_refused_after_max_rows(tmp_path):
    source = STATISTIC_CSVS[0]
    lines = list(source.lines) + [source.lines[-1]] * (3 * readers.MAX_ROWS)
    path = write(tmp_path, source.path.name, "\n".join(lines).encode())
    with counted() as work, \
            pytest.raises(AnvisningError, match=f"more than {readers.MAX_ROWS}"):
        read_statistic(path, source.year)
    assert work.rows == readers.MAX_ROWS + 1


def test_a_workbook_claiming_the_whole_sheet_is_not_padded_to_it(tmp_path):
    """A <dimension> of A1:XFD1048576 and a far last row must not make the reader pad millions
    of cells."""
    source = STATISTIC_XLSX[0]
    raw = apply_member(source.read_bytes(), ("dimension",))
    raw = rezip(raw, lambda n, d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>')
        if n == SHEET else d)
    path = write(tmp_path, source.name, raw)
    with counted() as work:
        read_or_own_error(lambda p: read_statistic(p, int(source.parent.name)), path)
    assert_bounded_sheet_work(work)


def test_a_workbook_with_a_far_right_cell_on_every_row_is_read_to_max_columns(tmp_path):
    """A cell in column XFD widens its row to 16 384 values: 10 000 such rows are a 60 KB file
    that took 13 s and 2.8 GB to reject before the reader bounded the columns it reads."""
    source = STATISTIC_XLSX[0]
    rows = "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>'
                   for n in range(1, readers.MAX_ROWS + 1))
    raw = rezip(source.read_bytes(),
                lambda n, d: re.sub(rb"<sheetData>.*</sheetData>",
                                    f"<sheetData>{rows}</sheetData>".encode(), d, flags=re.S)
                if n == SHEET else d)
    path = write(tmp_path, source.name, raw)
    with counted() as work:
        read_or_own_error(lambda p: read_statistic(p, int(source.parent.name)), path)
    assert_bounded_sheet_work(work)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_oversize_file_is_refused_without_reading_it(tmp_path, suffix):
    path = tmp_path / f"population{suffix}"
    with path.open("wb") as sparse:
        sparse.truncate(readers.MAX_FILE_BYTES + 1)
    with counted() as work, pytest.raises(AnvisningError, match="larger than"):
        read_statistic(path, 2024)
    # Not a byte of its contents: what the block reads is a few /proc lines, not 20 MiB.
    assert work.bytes_read < 64 * 1024 and work.members_opened == [] and work.rows == 0


def test_a_workbook_declaring_too_small_a_range_is_read_whole(tmp_path):
    """Some writers declare a too-small used range (<dimension>); every row is still read."""
    source = STATISTIC_XLSX[0]
    raw = rezip(source.read_bytes(), lambda n, d: re.sub(
        rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:C10"/>', d) if n == SHEET else d)
    path = write(tmp_path, source.name, raw)
    year = int(source.parent.name)
    assert read_statistic(path, year).equals(read_statistic(source, year))


BROKEN_BELOW_THE_CELLS = {
    "zip-from-the-future": from_the_future,
    "sheet-xml-cut-short": cut_short(SHEET),
    "no-worksheet": lambda raw: rezip(raw, lambda n, d: None if n == SHEET else d),
    "sheet-part-renamed": lambda raw: rezip(raw, lambda n, d: d.replace(b"sheet1", b"sheet 1")
                                            if n == "xl/_rels/workbook.xml.rels" else d),
    "entity-expansion": lambda raw: apply_member(raw, ("entities",)),
    "control-byte-in-sheet-xml": lambda raw: apply_member(raw, ("text", 0,
                                                                Named("raw ESC", b"\x1b"))),
}


@pytest.mark.parametrize("breakage", BROKEN_BELOW_THE_CELLS.values(),
                         ids=BROKEN_BELOW_THE_CELLS.keys())
def test_a_workbook_broken_below_the_cells_is_an_input_error(tmp_path, breakage):
    source = STATISTIC_XLSX[0]
    path = write(tmp_path, source.name, breakage(source.read_bytes()))
    assert read_or_own_error(lambda p: read_statistic(p, int(source.parent.name)), path) is None


# --- the other inputs: agreements, the ledger, parameters, register, sources.toml -----------

@PROPERTY
@given(recipe=text_recipes())
def test_a_mutated_agreement_csv_reads_or_fails_with_an_input_error(workdir, recipe):
    path = write(workdir / "redistributions", AGREEMENTS_FILE.path.name,
                 apply_text(AGREEMENTS_FILE, recipe))
    agreements = read_or_own_error(agreements_reader(read_agreements_csv), path)
    if agreements is not None:
        assert_valid_agreements(agreements)


@settings(PROPERTY)
@given(recipe=workbook_recipes)
def test_a_mutated_review_workbook_reads_or_fails_with_an_input_error(workdir, review_workbook,
                                                                      recipe):
    path = write(workdir / "redistributions" / str(SHARE_YEAR), f"review_{SHARE_YEAR}_03.xlsx",
                 apply_workbook(review_workbook.read_bytes(), recipe))
    agreements = read_or_own_error(agreements_reader(read_form), path)
    if agreements is not None:
        assert_valid_agreements(agreements)


def test_the_unmutated_agreement_sources_are_valid(review_workbook):
    from_csv = agreements_reader(read_agreements_csv)(AGREEMENTS_FILE.path)
    from_workbook = agreements_reader(read_form)(review_workbook)
    assert len(from_csv) == len(AGREEMENTS_FILE.lines) - 1
    assert len(from_workbook) == len(UPPSALA_AGREEMENTS) == 3


@pytest.mark.parametrize("raw", [
    (AGREEMENTS_FILE.lines[0] + "\n2026,0181,0192,0.50,2025-12-04,Länsstyrelsen AB\n"
     ).encode("cp1252"),
    f"{AGREEMENTS_FILE.lines[0]}\n2026,0181,0192,0.50,2025-12-04,{'x' * 200_000}\n".encode(),
    apply_bytes(AGREEMENTS_FILE.path.read_bytes(), [("insert", 80, b"\xff\xfe\x00")]),
], ids=["cp1252", "field-over-csv-limit", "stray-bytes"])
def test_known_hostile_agreement_files_are_input_errors(tmp_path, raw):
    path = write(tmp_path, AGREEMENTS_FILE.path.name, raw)
    assert read_or_own_error(agreements_reader(read_agreements_csv), path) is None


BROKEN_REVIEW_WORKBOOKS = {
    "not-a-zip": lambda raw: raw[: len(raw) // 3],
    "zip-from-the-future": from_the_future,
    "form-sheet-cut-short": cut_short("xl/worksheets/sheet2.xml"),
}


@pytest.mark.parametrize("breakage", BROKEN_REVIEW_WORKBOOKS.values(),
                         ids=BROKEN_REVIEW_WORKBOOKS.keys())
def test_known_hostile_review_workbooks_are_input_errors(tmp_path, review_workbook, breakage):
    path = write(tmp_path, review_workbook.name, breakage(review_workbook.read_bytes()))
    assert read_or_own_error(agreements_reader(read_form), path) is None


@settings(PROPERTY)
@given(recipe=text_recipes())
def test_a_mutated_ledger_reads_or_fails_with_an_input_error(workdir, recipe):
    path = write(workdir / "ledger", LEDGER_FILE.path.name, apply_text(LEDGER_FILE, recipe))
    codes = REGISTER["municipality_code"].to_list()
    ledger = read_or_own_error(lambda p: read_ledger(p, codes, FAR_FUTURE), path)
    if ledger is not None:
        assert ledger.schema == pl.Schema(REGISTER_SCHEMA)
        assert ledger.null_count().sum_horizontal().item() == 0
        assert set(ledger["municipality_code"]) <= set(codes)
        assert set(ledger["kind"]) <= set(KINDS)
        assert ledger["assignment_id"].is_unique().all()


@pytest.mark.parametrize("recipe", [
    TextRecipe([("field", 1, 0, Named("quote", '"'), False)], None, []),
    TextRecipe([], "utf-16", []),
    TextRecipe([], None, [("insert", 300, b"\xf6")]),
], ids=["unclosed-quote-on-line-2", "utf-16", "latin-1-byte"])
def test_known_hostile_ledgers_are_input_errors(tmp_path, recipe):
    path = write(tmp_path, LEDGER_FILE.path.name, apply_text(LEDGER_FILE, recipe))
    codes = REGISTER["municipality_code"].to_list()
    assert read_or_own_error(lambda p: read_ledger(p, codes, FAR_FUTURE), path) is None


# A TOML mutation: the value of the n-th `key = value` line replaced by a hostile one.
toml_value_recipes = st.tuples(st.just("toml"), position, named(TOML_VALUES))


def apply_toml(source: TextSource, recipe: TextRecipe) -> bytes:
    lines = list(source.lines)
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*\w+\s*=", line)]
    plain = []
    for step in recipe.lines:
        if step[0] == "toml":
            i = keyed[step[1] % len(keyed)]
            lines[i] = f"{lines[i].split('=', 1)[0]}= {step[2].value}"
        else:
            plain.append(step)
    edited = TextSource(source.path, source.year, source.encoding, source.newline, "=",
                        tuple(lines))
    return apply_text(edited, TextRecipe(plain, recipe.encoding, recipe.bytes))


@settings(PROPERTY)
@given(recipe=text_recipes(toml_value_recipes))
def test_mutated_parameters_read_or_fail_with_an_input_error(workdir, recipe):
    path = write(workdir / "parameters", PARAMETERS_FILE.path.name,
                 apply_toml(PARAMETERS_FILE, recipe))
    parameters = read_or_own_error(lambda p: load_parameters(p, SHARE_YEAR), path)
    if parameters is not None:
        assert isinstance(parameters, ModelParameters)
        assert 0 <= parameters.decimals <= 4
        assert 0 <= parameters.floor_promille < 1000
        assert 0 <= parameters.reception_adjustment <= 1
        assert parameters.reference_year_offset >= 1


@pytest.mark.parametrize("value", ["5000 digits", "3000 nested arrays", "1000 nested tables"])
def test_known_hostile_parameter_files_are_input_errors(tmp_path, value):
    keyed = [line for line in PARAMETERS_FILE.lines if re.match(r"^\s*\w+\s*=", line)]
    decimals = next(i for i, line in enumerate(keyed) if line.startswith("decimals"))
    recipe = TextRecipe([("toml", decimals, Named(value, TOML_VALUES[value]))], None, [])
    path = write(tmp_path, PARAMETERS_FILE.path.name, apply_toml(PARAMETERS_FILE, recipe))
    assert read_or_own_error(lambda p: load_parameters(p, SHARE_YEAR), path) is None


@settings(PROPERTY)
@given(recipe=text_recipes())
def test_a_mutated_register_reads_or_fails_with_an_input_error(workdir, recipe):
    path = write(workdir / "reference", REGISTER_FILE.path.name,
                 apply_text(REGISTER_FILE, recipe))
    register = read_or_own_error(load_register, path)
    if register is not None:
        assert register.columns == REGISTER_COLUMNS
        assert all(re.fullmatch(r"[0-9]{4}", code) for code in register["municipality_code"])


@settings(PROPERTY)
@given(recipe=text_recipes(toml_value_recipes))
def test_a_mutated_sources_toml_reads_or_fails_with_an_input_error(workdir, recipe):
    folder = workdir / "sources" / "2024"
    write(folder, "population.csv", (DATA / "statistics" / "2024" / "population.csv").read_bytes())
    path = write(folder, SOURCES_FILE.path.name, apply_toml(SOURCES_FILE, recipe))
    loaded = read_or_own_error(lambda p: load_statistic(p.parent, "population", 2024, REGISTER),
                               path)
    if loaded is not None:
        assert isinstance(loaded, LoadedStatistic)
        assert isinstance(loaded.file.illustrative, bool)
        assert isinstance(loaded.file.source, str)
