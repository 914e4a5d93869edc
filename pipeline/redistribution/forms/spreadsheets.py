"""Reading every spreadsheet a county board can produce: .xlsx, .xlsm, .ods and .xls.

All four go through calamine (python-calamine), which reads values only: macros in an .xlsm are
never run, formulas give their last computed value. calamine runs in a child process with a memory
ceiling (`_calamine_child`), because a sheet with one stray far-away cell would otherwise abort the
whole pipeline. The limits of `ingestion.readers` still hold: file size, unpacked size of a zip
container, rows per sheet, columns read.

Cell values are kept as typed: text as str, numbers as int or float, dates as date or datetime
(a date-formatted cell in any of the four formats), booleans as bool.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl.utils import get_column_letter

from pipeline.core.errors import InputError
from pipeline.core.inert import describe_character, first_unsafe, shown
from pipeline.ingestion.readers import MAX_COLUMNS, MAX_FILE_BYTES, MAX_XLSX_UNPACKED_BYTES
from pipeline.redistribution.agreements import FORM_HEADERS, FORM_SHEET, INFO_SHEET, MAX_FORM_ROWS
from pipeline.redistribution.forms import messages
from pipeline.redistribution.forms.form_layout import (
    FormContact,
    contact_of,
    find_header_row,
    info_facts,
    is_example,
)
from pipeline.redistribution.forms.problems import Notice, Problem

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MAX_INFO_ROWS = 100
READ_TIMEOUT_SECONDS = 60
_CHILD = Path(__file__).with_name("_calamine_child.py")

CellValue = str | int | float | bool | date | datetime | time | timedelta


@dataclass(frozen=True)
class Cell:
    """One non-empty cell: 1-based sheet row and column, the value as the spreadsheet holds it."""

    row: int
    column: int
    value: CellValue

    @property
    def column_letter(self) -> str:
        return get_column_letter(self.column)


@dataclass(frozen=True)
class Spreadsheet:
    """The requested sheets of one file: every sheet's name, and the non-empty cells of each
    requested sheet that exists, row by row."""

    path: Path
    sheet_names: list[str]
    cells: dict[str, list[Cell]]

    def rows(self, sheet: str) -> dict[int, dict[int, CellValue]]:
        """row -> column -> value of one sheet's non-empty cells."""
        rows: dict[int, dict[int, CellValue]] = {}
        for cell in self.cells.get(sheet, []):
            rows.setdefault(cell.row, {})[cell.column] = cell.value
        return rows


@dataclass(frozen=True)
class FormRow:
    """One filled-in row of the form: its sheet row and one value per FORM_HEADERS column
    (None for an empty cell)."""

    row: int
    values: tuple[CellValue | None, ...]

    def cell(self, index: int) -> Cell | None:
        value = self.values[index]
        return None if value is None else Cell(self.row, index + 1, value)


@dataclass(frozen=True)
class CountyForm:
    """The "Omfördelning" sheet of a returned review workbook, with the facts of its "Info" sheet:
    which share year and which county board the form belongs to, whether it was written from
    illustrative data, and who filled it in."""

    path: Path
    share_year: int
    county_code: str
    county_name: str
    decimals: int | None
    header_row: int
    rows: list[FormRow] = field(default_factory=list)
    sheet: str = FORM_SHEET
    contact: FormContact = FormContact("", "", "")
    illustrative: bool = False


def read_spreadsheet(path: Path, sheets: Iterable[str], max_rows: int = MAX_FORM_ROWS,
                     max_columns: int = MAX_COLUMNS) -> Spreadsheet:
    """The non-empty cells of the named sheets of a .xlsx, .xlsm, .ods or .xls file.

    A sheet that is not in the file is absent from `cells`; a file that cannot be read, is too
    large, or has a requested sheet with more than `max_rows` rows is an InputError (Swedish rule).
    """
    _check_container(path)
    wanted = list(sheets)
    try:
        completed = subprocess.run(
            [sys.executable, "-I", str(_CHILD), str(path), json.dumps(wanted), str(max_rows),
             str(max_columns)],
            capture_output=True, timeout=READ_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(path, messages.TOO_SLOW_TO_READ.format(
            seconds=READ_TIMEOUT_SECONDS)) from None
    document = _child_document(completed)
    if document is None:  # killed by the memory or CPU ceiling
        raise InputError(path, messages.TOO_BIG_TO_READ)
    if "error" in document:
        if document["error"] == "password":
            raise InputError(path, messages.ENCRYPTED)
        if document["error"] == "memory":
            raise InputError(path, messages.TOO_BIG_TO_READ)
        raise InputError(path, messages.UNREADABLE.format(detail=document["detail"]))
    cells = {}
    for name, sheet in document["sheets"].items():
        if sheet["last_row"] > max_rows:
            raise InputError(path, messages.TOO_MANY_ROWS.format(limit=max_rows), sheet=name,
                             line=max_rows + 1)
        cells[name] = [Cell(row, column, _decoded(value)) for row, column, value in sheet["cells"]]
    return Spreadsheet(path, document["sheet_names"], cells)


def read_county_form(path: Path) -> CountyForm:
    """Read the form sheet "Omfördelning" and the hidden "Info" sheet of a returned review
    workbook in any of the four formats; InputError (Swedish rule) if that is not possible.

    The rows are those below the header row with at least one non-blank cell in the form's five
    columns (blank means empty or only spaces), except the example row (`form_layout`).
    """
    book = read_spreadsheet(path, [FORM_SHEET, INFO_SHEET], max_columns=len(FORM_HEADERS))
    if INFO_SHEET not in book.cells:
        raise InputError(path, messages.NO_INFO, sheet=INFO_SHEET)
    if FORM_SHEET not in book.cells:
        raise InputError(path, messages.NO_FORM_SHEET.format(sheet=FORM_SHEET), sheet=FORM_SHEET)
    info = info_facts(path, book.rows(INFO_SHEET))
    form_rows = book.rows(FORM_SHEET)
    header_row = find_header_row(path, form_rows)
    rows = []
    for number in sorted(form_rows):
        if number <= header_row:
            continue
        values = tuple(form_rows[number].get(column) for column in
                       range(1, len(FORM_HEADERS) + 1))
        if any(not _blank(value) for value in values) and not is_example(values,
                                                                         info["example"]):
            rows.append(FormRow(number, values))
    return CountyForm(path=path, share_year=info["share_year"], county_code=info["county_code"],
                      county_name=info["county_name"], decimals=info["decimals"],
                      header_row=header_row, rows=rows,
                      contact=contact_of(form_rows, header_row),
                      illustrative=info["illustrative"])


def _check_container(path: Path) -> None:
    """Size limits and the container each format must have, before calamine sees the file."""
    if not path.is_file():
        raise InputError(path, "Filen saknas")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(path, messages.FILE_TOO_LARGE.format(
            limit=MAX_FILE_BYTES // (1024 * 1024)), value=f"{size} bytes")
    suffix = path.suffix.lower()
    if suffix in ZIP_SUFFIXES:
        with path.open("rb") as handle:
            if suffix != ".ods" and handle.read(len(OLE2_MAGIC)) == OLE2_MAGIC:
                # Excel saves a password-protected .xlsx as an encrypted OLE2 compound file
                raise InputError(path, messages.ENCRYPTED)
        try:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError):
            raise InputError(path, messages.NOT_A_ZIP.format(suffix=suffix)) from None
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise InputError(path, messages.UNPACKED_TOO_LARGE.format(
                limit=MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)), value=f"{unpacked} bytes")
    elif suffix == ".xls":
        with path.open("rb") as handle:
            if handle.read(len(OLE2_MAGIC)) != OLE2_MAGIC:
                raise InputError(path, messages.NOT_AN_XLS)
    else:
        raise InputError(path, messages.not_a_spreadsheet(path.name))


def _child_document(completed: subprocess.CompletedProcess) -> dict | None:
    """The child's JSON; None when the memory or CPU ceiling stopped it (a signal: SIGABRT from
    a failed allocation, SIGXCPU, SIGKILL). Any other failure is this installation's fault, not
    the file's, and is raised as such."""
    if completed.returncode < 0:
        return None
    try:
        document = json.loads(completed.stdout) if completed.returncode == 0 else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        stderr = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"the calamine reader failed (exit status {completed.returncode}): "
                           f"{stderr[-1] if stderr else 'no output'}")
    return document


def _decoded(value: object) -> CellValue:
    if isinstance(value, dict):
        ((kind, text),) = value.items()
        if kind == "date":
            return date.fromisoformat(text)
        if kind == "datetime":
            return datetime.fromisoformat(text)
        if kind == "time":
            return time.fromisoformat(text)
        return timedelta(seconds=text)
    return value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class FolderContents:
    """The files of a form folder: the spreadsheets to read, in name order, and a notice for
    every other entry (nothing is skipped silently)."""

    spreadsheets: list[Path]
    notices: list[Notice]
    refused: list[Problem] = field(default_factory=list)  # spreadsheets with unsafe names


@dataclass(frozen=True)
class FormsRead:
    """Every form of a folder that could be read, a notice for each file that is not a form, and
    a problem for each spreadsheet that could not be read."""

    forms: list[CountyForm]
    notices: list[Notice]
    problems: list[Problem]


def classify_folder(folder: Path) -> FolderContents:
    """Sort `data/redistributions/<Y>/` into spreadsheets and notices: lock files (`~$…`,
    LibreOffice's `.~lock.…#`), hidden files, sub-folders, CSV files and anything that is not
    .xlsx, .xlsm, .ods or .xls each get a notice naming the file. A missing folder holds nothing.

    Names are outside text: each is named escaped (`shown`), and a spreadsheet whose name holds a
    character the inert-text policy refuses is not read but refused as a problem."""
    spreadsheets: list[Path] = []
    notices: list[Notice] = []
    refused: list[Problem] = []
    if not folder.is_dir():
        return FolderContents(spreadsheets, notices)
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = shown(path.name)
        if name.startswith("~$") or name.startswith(".~lock."):
            notices.append(Notice(name, messages.lock_file(name)))
        elif name.startswith("."):
            notices.append(Notice(name, messages.hidden_file(name)))
        elif path.is_dir():
            notices.append(Notice(name, messages.folder_in_folder(name)))
        elif path.suffix.lower() == ".csv":
            notices.append(Notice(name, messages.csv_in_folder(name, folder.name)))
        elif path.suffix.lower() in SPREADSHEET_SUFFIXES and path.is_file():
            if (bad := first_unsafe(path.name)) is None:
                spreadsheets.append(path)
            else:
                refused.append(Problem(name, None, None, None, "", messages.unsafe_file_name(
                    describe_character(bad.group()))))
        else:
            notices.append(Notice(name, messages.not_a_spreadsheet(name)))
    return FolderContents(spreadsheets, notices, refused)


def read_county_forms(folder: Path) -> FormsRead:
    """Read every form in a folder; an unreadable spreadsheet becomes a Problem naming the file
    (and the sheet and row when known) and the other files are still read."""
    contents = classify_folder(folder)
    forms, problems = [], list(contents.refused)
    for path in contents.spreadsheets:
        try:
            forms.append(read_county_form(path))
        except InputError as error:
            problems.append(Problem(file=path.name, sheet=error.sheet, row=error.line,
                                    column=None, value="" if error.value is None
                                    else shown(str(error.value)), message=error.rule))
    return FormsRead(forms, contents.notices, problems)
