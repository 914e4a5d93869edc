"""The assignments of the register (anvisningsregistret): every assignment since 2016-01-01, one
line each (the transfers, later events, are pipeline.goals.register's).

`assignments.csv` is UTF-8 with the header `HEADER`:

- `assignment_id` — "A" and at least seven digits, handed out in sequence ("A0000001", ...) by
  `append_assignment`; any other non-empty unique text is accepted when reading;
- `arrival_date` — ISO `YYYY-MM-DD`, the day the child made itself known to the authorities, on
  or before the assignment date;
- `arrival_municipality_code` — the arrival municipality (ankomstkommun), known to the register;
- `date` — ISO `YYYY-MM-DD`, from 2016-01-01 (goal fulfilment is never reset) up to today;
- `municipality_code` — four digits as text, leading zero kept, known to the register;
- `kind` — `equalising` (utjämnande anvisning) or `connection` (anknytningsanvisning);
- `late` — `true` for an entry dated before an assignment already recorded (it was entered with
  the explicit late option, and changed the queue for assignments made after its date), else
  `false`. Rows are only appended, so every row not marked late is in date order.

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

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError
from pipeline.core.files import write_atomically
from pipeline.core.locks import exclusive_lock, lock_file_for
from pipeline.goals import rows

LEDGER_COLUMNS = ["assignment_id", "arrival_date", "arrival_municipality_code", "date",
                  "municipality_code", "kind", "late"]
HEADER = ",".join(LEDGER_COLUMNS)
# The register before arrivals were recorded: refused, naming the migration.
HEADER_WITHOUT_ARRIVALS = "assignment_id,date,municipality_code,kind"
MIGRATION_COMMAND = "anvisning migrate-register --arrivals FILE"
KINDS = ("equalising", "connection")
EQUALISING, CONNECTION = KINDS
FIRST_DATE = date(2016, 1, 1)
# About 60 bytes a line with the arrival: room for two million assignments, at most ~0.6 GB in
# memory to read.
MAX_LEDGER_BYTES = 128 * 2**20
ID_PREFIX = "A"
ID_DIGITS = 7
# The columns goal fulfilment reads.
LEDGER_SCHEMA = {
    "assignment_id": pl.String,
    "date": pl.Date,
    "municipality_code": pl.String,
    "kind": pl.String,
}
REGISTER_SCHEMA = {
    "assignment_id": pl.String,
    "arrival_date": pl.Date,
    "arrival_municipality_code": pl.String,
    "date": pl.Date,
    "municipality_code": pl.String,
    "kind": pl.String,
    "late": pl.Boolean,
}
_BOOLEAN = {"true": True, "false": False}

_SEQUENTIAL_ID = re.compile(rf"^{ID_PREFIX}(\d+)$")


@dataclass(frozen=True)
class Arrival:
    """Where and when the child made itself known to the authorities (ankomstkommun)."""

    date: date
    municipality_code: str


def empty_ledger() -> pl.DataFrame:
    """A ledger without assignments, with the columns and types `read_ledger` returns."""
    return pl.DataFrame(schema=REGISTER_SCHEMA)


def read_ledger(path: Path, register_codes: Iterable[str], today: date) -> pl.DataFrame:
    """Read and validate the ledger; the first offending line raises an `InputError`.

    Returns the columns of `REGISTER_SCHEMA` in file order. A ledger with only its header is
    valid and empty.
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
    return validated_rows(path, rows.text_rows(path, raw, LEDGER_COLUMNS), register_codes, today)


def validated_rows(path: Path, text: pl.DataFrame, register_codes: Iterable[str],
                   today: date) -> pl.DataFrame:
    """The register's rows, given as text in file order (line 2 first), parsed and checked."""
    ledger = text.with_columns(
        rows.iso_dates("arrival_date"), rows.iso_dates("date"),
        pl.col("late").replace_strict(_BOOLEAN, default=None, return_dtype=pl.Boolean),
    )
    frame = text.with_columns(parsed_date=ledger["date"], parsed_arrival=ledger["arrival_date"],
                              parsed_late=ledger["late"])
    rows.check(path, frame, text, _rules(text, list(register_codes), today))
    return ledger


def _check_header(path: Path, raw: bytes) -> None:
    first = rows.header_line(raw)
    if first == HEADER_WITHOUT_ARRIVALS.encode():
        raise InputError(path, "the register has no arrival columns (arrival_date, "
                         "arrival_municipality_code) or late flags; bring it to today's form "
                         f"with `{MIGRATION_COMMAND}`", line=1, value=first.decode())
    if first != HEADER.encode():
        raise InputError(path, f"the header must be exactly {HEADER!r}", line=1,
                         value=first.decode("utf-8", errors="replace"))


def _rules(text: pl.DataFrame, register_codes: list[str], today: date) -> list[rows.Rule]:
    codes = pl.Series(register_codes, dtype=pl.String).implode()
    return [
        *rows.required(LEDGER_COLUMNS, "an assignment"),
        ("assignment_id", "an assignment id must be unique (it appears on an earlier line)",
         rows.unique("assignment_id", text)),
        ("arrival_date", "a date is written YYYY-MM-DD and must exist in the calendar",
         rows.bad_date("arrival_date", "parsed_arrival")),
        ("arrival_municipality_code", "the municipality code must be in the register",
         ~pl.col("arrival_municipality_code").is_in(codes)),
        ("date", "a date is written YYYY-MM-DD and must exist in the calendar",
         rows.bad_date("date", "parsed_date")),
        ("date", f"a date must be on or after {FIRST_DATE.isoformat()}",
         pl.col("parsed_date") < FIRST_DATE),
        ("date", f"a date must not be after today ({today.isoformat()})",
         pl.col("parsed_date") > today),
        ("arrival_date", "the child's arrival must be on or before its assignment date",
         pl.col("parsed_arrival") > pl.col("parsed_date")),
        ("municipality_code", "the municipality code must be in the register",
         ~pl.col("municipality_code").is_in(codes)),
        ("kind", f"the kind must be one of {', '.join(KINDS)}",
         ~pl.col("kind").is_in(pl.Series(KINDS).implode())),
        ("late", "late is true or false", pl.col("parsed_late").is_null()),
        ("date", "rows are appended in date order: a row dated before an earlier row is a late "
         "entry and must be marked late = true",
         (pl.col("parsed_date") < pl.col("parsed_date").cum_max().shift(1))
         & ~pl.col("parsed_late")),
    ]


def write_ledger(path: Path, ledger: pl.DataFrame) -> None:
    """Write a whole ledger atomically (temporary file, fsync, rename)."""
    write_atomically(Path(path), ledger.select(LEDGER_COLUMNS).write_csv().encode())


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
        self._unframed: list[tuple] = []  # appended rows, not yet in the frame
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
            added = pl.DataFrame(self._unframed, schema=REGISTER_SCHEMA, orient="row")
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

    @property
    def latest(self) -> date | None:
        """The date of the register's last recorded assignment."""
        return self._latest

    def append(self, when: date, municipality_code: str, kind: str, arrival: Arrival, *,
               late: bool = False) -> str:
        """Append one assignment (same rules as `read_ledger`); returns its new id. An entry
        dated before the last recorded assignment is refused unless `late`, and then marked so."""
        self._check(when, municipality_code, kind, arrival, late)
        self._last_number += 1
        assignment_id = f"{ID_PREFIX}{self._last_number:0{ID_DIGITS}d}"
        row = (assignment_id, arrival.date, arrival.municipality_code, when, municipality_code,
               kind, late)
        self._unframed.append(row)
        self._unwritten.append(",".join(str(v).lower() if isinstance(v, bool) else str(v)
                                        for v in row) + "\n")
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

    def _check(self, when: date, municipality_code: str, kind: str, arrival: Arrival,
               late: bool) -> None:
        if not FIRST_DATE <= when <= self.today:
            raise InputError(self.path, f"a date must be from {FIRST_DATE} up to today "
                             f"({self.today})", column="date", value=when.isoformat())
        if self._latest is not None and when < self._latest and not late:
            raise InputError(self.path, "the date is before the register's last recorded "
                             f"assignment ({self._latest}) and would change the queue for "
                             "assignments already made; a late entry needs the explicit late "
                             "option (`anvisning assign --late`) and is recorded as late",
                             column="date",
                             value=when.isoformat())
        if late and (self._latest is None or when >= self._latest):
            raise InputError(self.path, "only an entry dated before the register's last "
                             f"recorded assignment ({self._latest or 'none yet'}) is late",
                             column="late", value=when.isoformat())
        if arrival.date > when:
            raise InputError(self.path, "the child's arrival must be on or before its "
                             f"assignment date ({when})", column="arrival_date",
                             value=arrival.date.isoformat())
        for column, code in (("arrival_municipality_code", arrival.municipality_code),
                             ("municipality_code", municipality_code)):
            if code not in self._codes:
                raise InputError(self.path, "the municipality code must be in the register",
                                 column=column, value=code)
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
    kind: str, arrival: Arrival, *, create: bool = False, late: bool = False,
) -> str:
    """Append one assignment under the lock; returns its id."""
    with locked_ledger(path, register_codes, today, create=create) as session:
        return session.append(when, municipality_code, kind, arrival, late=late)
