"""The assignment ledger (anvisningar): every assignment since 2016-01-01, one line each.

`assignments.csv` is UTF-8 with the header `assignment_id,date,municipality_code,kind`:

- `assignment_id` — "A" and at least seven digits, handed out in sequence ("A0000001", ...) by
  `append_assignment`; any other non-empty unique text is accepted when reading;
- `date` — ISO `YYYY-MM-DD`, from 2016-01-01 (goal fulfilment is never reset) up to today;
- `municipality_code` — four digits as text, leading zero kept, known to the register;
- `kind` — `equalising` (utjämnande anvisning) or `connection` (anknytningsanvisning).

Writing is crash-safe and serialised. Every change writes a complete new file next to the ledger
(same directory, so the same file system), fsyncs it and renames it over the ledger with
`os.replace`, which is atomic: a reader, or a process killed with SIGKILL at any moment, sees either
the old ledger or the new one, never half a line (at worst a stray `.assignments.csv.*.tmp` file is
left behind). Writers take an exclusive `fcntl.flock` on the sibling `assignments.csv.lock`, which
is never renamed or deleted; `locked_ledger` holds it while the caller reads the ledger, chooses a
municipality and appends, so two processes never choose on a stale state and sequential ids stay
unique.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError
from pipeline.core.files import write_atomically
from pipeline.core.locks import exclusive_lock, lock_file_for

LEDGER_COLUMNS = ["assignment_id", "date", "municipality_code", "kind"]
HEADER = ",".join(LEDGER_COLUMNS)
KINDS = ("equalising", "connection")
EQUALISING, CONNECTION = KINDS
FIRST_DATE = date(2016, 1, 1)
# About 35 bytes a line: room for two million assignments, at most ~0.3 GB in memory to read.
MAX_LEDGER_BYTES = 64 * 2**20
ID_PREFIX = "A"
ID_DIGITS = 7
LEDGER_SCHEMA = {
    "assignment_id": pl.String,
    "date": pl.Date,
    "municipality_code": pl.String,
    "kind": pl.String,
}

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_SEQUENTIAL_ID = re.compile(rf"^{ID_PREFIX}(\d+)$")
_BOM = b"\xef\xbb\xbf"


def empty_ledger() -> pl.DataFrame:
    """A ledger without assignments, with the columns and types `read_ledger` returns."""
    return pl.DataFrame(schema=LEDGER_SCHEMA)


def read_ledger(path: Path, register_codes: Iterable[str], today: date) -> pl.DataFrame:
    """Read and validate the ledger; the first offending line raises an `InputError`.

    Returns assignment_id, date (pl.Date), municipality_code and kind in file order. A ledger with
    only its header is valid and empty.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "the assignment ledger is missing")
    size = path.stat().st_size
    if size > MAX_LEDGER_BYTES:
        raise InputError(path, f"the ledger is larger than {MAX_LEDGER_BYTES // 2**20} MiB "
                         "(about two million assignments); split or archive it",
                         value=f"{size} bytes")
    raw = path.read_bytes()
    _check_header(path, raw)
    try:
        text = pl.read_csv(raw, schema={c: pl.String for c in LEDGER_COLUMNS})
    except pl.exceptions.ComputeError as error:
        raise _locate_malformed(path, raw) or InputError(path, "not a readable CSV") from error
    if text.height != _line_count(raw) - 1:
        raise _locate_malformed(path, raw) or InputError(path, "one assignment per line")
    ledger = text.with_columns(pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
    _check_rows(path, text, ledger, list(register_codes), today)
    return ledger


def _check_header(path: Path, raw: bytes) -> None:
    first = raw.removeprefix(_BOM).split(b"\n", 1)[0].rstrip(b"\r")
    if first != HEADER.encode():
        raise InputError(path, f"the header must be exactly {HEADER!r}", line=1,
                         value=first.decode("utf-8", errors="replace"))


def _line_count(raw: bytes) -> int:
    return raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)


def _locate_malformed(path: Path, raw: bytes) -> InputError | None:
    """The slow path, taken only for a broken file: find the first line that is not one record of
    four fields (undecodable bytes, too many fields, a quoted line break)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return InputError(path, "the file must be UTF-8",
                          line=raw[: error.start].count(b"\n") + 1, value=raw[error.start:][:8])
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for record in reader:
            if reader.line_num != line:
                return InputError(path, "a record must fit on one line (quoted line break)",
                                  line=line)
            if len(record) > len(LEDGER_COLUMNS):
                return InputError(path, f"a line has {len(LEDGER_COLUMNS)} fields, not "
                                  f"{len(record)}", line=line, value=",".join(record))
            line += 1
    except csv.Error as error:
        return InputError(path, f"not a readable CSV line ({error})", line=line)
    return None


def _check_rows(
    path: Path, text: pl.DataFrame, ledger: pl.DataFrame, register_codes: list[str], today: date
) -> None:
    """Every rule as one vectorised mask over all rows; the earliest offending line is reported
    (within a line, the first rule in this list)."""
    rules: list[tuple[str | None, str, pl.Expr]] = [
        (None, "a line must hold an assignment (this one is blank)",
         pl.all_horizontal(pl.col(c).is_null() for c in LEDGER_COLUMNS)),
        *[(c, "a value is required", pl.col(c).is_null()) for c in LEDGER_COLUMNS],
        ("assignment_id", "an assignment id must be unique (it appears on an earlier line)",
         pl.lit(False) if _strictly_increasing(text["assignment_id"])
         else ~pl.col("assignment_id").is_first_distinct()),
        ("date", "a date is written YYYY-MM-DD and must exist in the calendar",
         ~pl.col("date").str.contains(_ISO_DATE) | pl.col("parsed_date").is_null()),
        ("date", f"a date must be on or after {FIRST_DATE.isoformat()}",
         pl.col("parsed_date") < FIRST_DATE),
        ("date", f"a date must not be after today ({today.isoformat()})",
         pl.col("parsed_date") > today),
        ("municipality_code", "the municipality code must be in the register",
         ~pl.col("municipality_code").is_in(pl.Series(register_codes, dtype=pl.String)
                                            .implode())),
        ("kind", f"the kind must be one of {', '.join(KINDS)}",
         ~pl.col("kind").is_in(pl.Series(KINDS).implode())),
    ]
    first_rows = (
        text.with_columns(parsed_date=ledger["date"])
        .select(mask.fill_null(False).arg_true().first().alias(str(i))
                for i, (_, _, mask) in enumerate(rules))
        .row(0)
    )
    offending = [(row, i) for i, row in enumerate(first_rows) if row is not None]
    if not offending:
        return
    row, i = min(offending)
    column, rule, _ = rules[i]
    value = None if column is None else text[column][row] or ""
    raise InputError(path, rule, line=row + 2, column=column, value=value)


def _strictly_increasing(ids: pl.Series) -> bool:
    """Sequential ids are unique for a few ms; hashing a million of them takes ~100 ms."""
    return bool(ids.is_empty() or (ids.slice(1) > ids.slice(0, len(ids) - 1))
                .all(ignore_nulls=False))


def write_ledger(path: Path, ledger: pl.DataFrame) -> None:
    """Write a whole ledger atomically (temporary file, fsync, rename)."""
    frame = ledger.select(LEDGER_COLUMNS).with_columns(pl.col("date").cast(pl.String))
    write_atomically(Path(path), frame.write_csv().encode())


class LedgerSession:
    """The ledger as read under the exclusive lock; `append` adds assignments while it is held.

    A buffered session (`locked_ledger(..., buffered=True)`, for replaying many assignments)
    keeps its appends in memory and writes them in one atomic replace when the block ends
    without an error; otherwise each append replaces the file at once.
    """

    def __init__(self, path: Path, register_codes: list[str], today: date, ledger: pl.DataFrame,
                 *, buffered: bool = False):
        self.path = path
        self.today = today
        self._codes = set(register_codes)
        self._ledger = ledger
        self._buffered = buffered
        self._unframed: list[tuple[str, date, str, str]] = []  # appended, not yet in the frame
        self._unwritten: list[str] = []  # appended lines not yet in the file
        self._last_number = max(
            (int(m.group(1)) for m in map(_SEQUENTIAL_ID.match, ledger["assignment_id"]) if m),
            default=0,
        )
        tally = ledger.group_by("municipality_code").len("assigned")
        self._tally = dict(zip(tally["municipality_code"], tally["assigned"], strict=True))
        self._latest: date | None = ledger["date"].max()

    @property
    def ledger(self) -> pl.DataFrame:
        """The current ledger, including what this session has appended."""
        if self._unframed:
            added = pl.DataFrame(self._unframed, schema=LEDGER_SCHEMA, orient="row")
            self._ledger = pl.concat([self._ledger, added])
            self._unframed = []
        return self._ledger

    def tally_if_latest(self, as_of: date) -> dict[str, int] | None:
        """Assignments per municipality over the whole ledger when none is dated after `as_of`
        (then they are exactly the counts as of `as_of`, kept without rereading the ledger);
        None when the ledger holds later assignments."""
        if self._latest is not None and as_of < self._latest:
            return None
        return self._tally

    def append(self, when: date, municipality_code: str, kind: str) -> str:
        """Append one assignment (same rules as `read_ledger`); returns its new id."""
        self._check(when, municipality_code, kind)
        self._last_number += 1
        assignment_id = f"{ID_PREFIX}{self._last_number:0{ID_DIGITS}d}"
        self._unframed.append((assignment_id, when, municipality_code, kind))
        self._unwritten.append(f"{assignment_id},{when.isoformat()},{municipality_code},{kind}\n")
        self._tally[municipality_code] = self._tally.get(municipality_code, 0) + 1
        self._latest = when if self._latest is None else max(self._latest, when)
        if not self._buffered:
            self.flush()
        return assignment_id

    def flush(self) -> None:
        """Write what was appended since the last write, in one atomic replace."""
        if not self._unwritten:
            return
        content = self.path.read_bytes() if self.path.exists() else HEADER.encode() + b"\n"
        if not content.endswith(b"\n"):
            content += b"\n"
        write_atomically(self.path, content + "".join(self._unwritten).encode())
        self._unwritten = []

    def _check(self, when: date, municipality_code: str, kind: str) -> None:
        if not FIRST_DATE <= when <= self.today:
            raise InputError(self.path, f"a date must be from {FIRST_DATE} up to today "
                             f"({self.today})", column="date", value=when.isoformat())
        if municipality_code not in self._codes:
            raise InputError(self.path, "the municipality code must be in the register",
                             column="municipality_code", value=municipality_code)
        if kind not in KINDS:
            raise InputError(self.path, f"the kind must be one of {', '.join(KINDS)}",
                             column="kind", value=kind)


@contextmanager
def locked_ledger(
    path: Path, register_codes: Iterable[str], today: date, *, create: bool = False,
    buffered: bool = False,
) -> Iterator[LedgerSession]:
    """Hold the ledger's exclusive lock: read and validate it, let the caller append, release.

    With `create=True` a missing ledger is treated as empty and written on the first append.
    With `buffered=True` the appends are written once, when the block ends without an error.
    """
    path = Path(os.path.realpath(path))  # a symlinked ledger: lock and write the real file
    codes = list(register_codes)
    with exclusive_lock(lock_file_for(path)):
        fresh = create and not path.exists()
        ledger = empty_ledger() if fresh else read_ledger(path, codes, today)
        session = LedgerSession(path, codes, today, ledger, buffered=buffered)
        yield session
        session.flush()


def append_assignment(
    path: Path, register_codes: Iterable[str], today: date, when: date, municipality_code: str,
    kind: str, *, create: bool = False,
) -> str:
    """Append one assignment under the lock; returns its id."""
    with locked_ledger(path, register_codes, today, create=create) as session:
        return session.append(when, municipality_code, kind)
