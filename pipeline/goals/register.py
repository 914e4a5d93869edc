"""The register (anvisningsregistret) as MODEL.md's "The case register" defines it: the
assignments (pipeline.goals.ledger) and, in `transfers.csv` beside them, the transfers.

A transfer is a later, separate event: `assignment_id,transfer_date`, the day the assigned
municipality took over the child's care and the arrival municipality's temporary care ended; it is
never before the assignment and is recorded once per assignment. Where arrival and assigned
municipality are the same, the assignment row itself records the transfer, dated the assignment
date, so there is no line for it here (a second one is refused). Both files are only appended to,
under the assignments' one lock. A missing `transfers.csv` is a register with no transfer yet.

A register from before arrivals were recorded is brought to today's form by `migrate_register`
(`anvisning migrate-register --arrivals FILE`), from the agency's arrival records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.core.errors import AnvisningError, InputError
from pipeline.core.files import sha256_file, write_atomically
from pipeline.core.locks import exclusive_lock, lock_file_for
from pipeline.goals import rows
from pipeline.goals.ledger import (
    HEADER,
    HEADER_WITHOUT_ARRIVALS,
    LEDGER_COLUMNS,
    MAX_LEDGER_BYTES,
    locked_ledger,
    read_ledger,
    validated_rows,
)

SOURCE_NAME = "Migrationsverkets anvisningsregister"
TRANSFERS_FILE = "transfers.csv"
TRANSFER_COLUMNS = ["assignment_id", "transfer_date"]
TRANSFER_HEADER = ",".join(TRANSFER_COLUMNS)
TRANSFER_SCHEMA = {"assignment_id": pl.String, "transfer_date": pl.Date}
ARRIVAL_COLUMNS = ["assignment_id", "arrival_date", "arrival_municipality_code"]


@dataclass(frozen=True)
class Register:
    """The assignments (ledger.REGISTER_SCHEMA), the transfers (TRANSFER_SCHEMA) and the hash
    of both files that names this state of the register in every output's provenance."""

    assignments: pl.DataFrame
    transfers: pl.DataFrame
    sha256: str


def transfers_path(ledger_path: Path) -> Path:
    return Path(ledger_path).with_name(TRANSFERS_FILE)


def register_sha256(ledger_path: Path) -> str:
    """One hash over the assignments' and the transfers' bytes ("absent" for no transfers)."""
    digest = hashlib.sha256()
    transfers = transfers_path(ledger_path)
    for name, path in (("assignments", Path(ledger_path)), ("transfers", transfers)):
        digest.update(f"{name}\0{sha256_file(path) if path.is_file() else 'absent'}\n".encode())
    return digest.hexdigest()


def read_register(ledger_path: Path, register_codes: list[str], today: date) -> Register:
    """The assignments and their transfers, each file validated, the transfers against the
    assignments."""
    assignments = read_ledger(ledger_path, register_codes, today)
    transfers = read_transfers(transfers_path(ledger_path), assignments, today)
    return Register(assignments, transfers, register_sha256(ledger_path))


def read_transfers(path: Path, assignments: pl.DataFrame, today: date) -> pl.DataFrame:
    """The transfers, each of a known assignment, once, on or after its date, not after today."""
    if not path.is_file():
        return pl.DataFrame(schema=TRANSFER_SCHEMA)
    if path.stat().st_size > MAX_LEDGER_BYTES:
        raise InputError(path, f"the transfers file is larger than {MAX_LEDGER_BYTES // 2**20} "
                         "MiB")
    raw = path.read_bytes()
    if rows.header_line(raw) != TRANSFER_HEADER.encode():
        raise InputError(path, f"the header must be exactly {TRANSFER_HEADER!r}", line=1,
                         value=rows.header_line(raw).decode("utf-8", errors="replace"))
    text = rows.text_rows(path, raw, TRANSFER_COLUMNS)
    transfers = text.with_columns(rows.iso_dates("transfer_date"))
    known = assignments.select("assignment_id", assigned=pl.col("date"),
                               with_assignment=pl.col("arrival_municipality_code")
                               == pl.col("municipality_code"))
    frame = (text.with_columns(parsed=rows.iso_dates("transfer_date"))
             .join(known, on="assignment_id", how="left", maintain_order="left"))
    rows.check(path, frame, text, [
        *rows.required(TRANSFER_COLUMNS, "a transfer"),
        ("transfer_date", "a date is written YYYY-MM-DD and must exist in the calendar",
         rows.bad_date("transfer_date", "parsed")),
        ("transfer_date", f"a date must not be after today ({today.isoformat()})",
         pl.col("parsed") > today),
        ("assignment_id", "no assignment of the register has this id",
         pl.col("assigned").is_null()),
        ("assignment_id", "a transfer is recorded once per assignment (this one has a transfer "
         "on an earlier line)", rows.unique("assignment_id", text)),
        ("assignment_id", "arrival and assigned municipality are the same: the assignment "
         "itself records the transfer", pl.col("with_assignment")),
        ("transfer_date", "a transfer cannot be before its assignment date",
         pl.col("parsed") < pl.col("assigned")),
    ])
    return transfers


@dataclass(frozen=True)
class Transferred:
    assignment_id: str
    arrival_municipality_code: str
    municipality_code: str
    assigned_on: date


def record_transfer(ledger_path: Path, register_codes: list[str], today: date,
                    assignment_id: str, when: date) -> Transferred:
    """Append one transfer under the register's lock, or refuse it: an unknown assignment, a
    date before the assignment or after today, a second transfer."""
    with locked_ledger(ledger_path, register_codes, today) as session:
        path = transfers_path(session.path)
        assignments = session.ledger
        transfers = read_transfers(path, assignments, today)
        found = assignments.filter(pl.col("assignment_id") == assignment_id)
        if found.is_empty():
            raise InputError(session.path, "no assignment of the register has this id",
                             column="assignment_id", value=assignment_id)
        row = found.row(0, named=True)
        done = transfers.filter(pl.col("assignment_id") == assignment_id)
        if not done.is_empty():
            raise InputError(path, "a transfer is recorded once per assignment; this one was "
                             f"transferred on {done['transfer_date'][0]}",
                             column="assignment_id", value=assignment_id)
        if row["arrival_municipality_code"] == row["municipality_code"]:
            raise InputError(path, "arrival and assigned municipality are the same "
                             f"({row['municipality_code']}): the assignment itself recorded the "
                             f"transfer on {row['date']}", column="assignment_id",
                             value=assignment_id)
        if not row["date"] <= when <= today:
            raise InputError(path, f"a transfer is dated from its assignment date ({row['date']}) "
                             f"up to today ({today})", column="transfer_date",
                             value=when.isoformat())
        content = path.read_bytes() if path.exists() else TRANSFER_HEADER.encode() + b"\n"
        if not content.endswith(b"\n"):
            content += b"\n"
        write_atomically(path, content + f"{assignment_id},{when.isoformat()}\n".encode())
    return Transferred(assignment_id, row["arrival_municipality_code"], row["municipality_code"],
                       row["date"])


def migrate_register(ledger_path: Path, arrivals_path: Path, register_codes: list[str],
                     today: date) -> int:
    """Bring a register without arrival columns to today's form from the agency's arrival records
    (`assignment_id,arrival_date,arrival_municipality_code`, one per assignment). Rows dated before
    an earlier row are marked late. Everything is checked before the register is replaced;
    returns the number of assignments."""
    ledger_path, arrivals_path = Path(ledger_path), Path(arrivals_path)
    with exclusive_lock(lock_file_for(ledger_path)):
        if not ledger_path.is_file():
            raise InputError(ledger_path, "the register is missing")
        raw = ledger_path.read_bytes()
        first = rows.header_line(raw)
        if first == HEADER.encode():
            raise AnvisningError(f"{ledger_path}: the register already records arrivals; "
                                 "nothing to migrate")
        if first != HEADER_WITHOUT_ARRIVALS.encode():
            raise InputError(ledger_path, "the header of a register to migrate is exactly "
                             f"{HEADER_WITHOUT_ARRIVALS!r}", line=1, value=first.decode(
                                 "utf-8", errors="replace"))
        old = rows.text_rows(ledger_path, raw, HEADER_WITHOUT_ARRIVALS.split(","))
        arrivals = _arrivals(arrivals_path, old, register_codes)
        text = (old.join(arrivals, on="assignment_id", how="left", maintain_order="left")
                .with_columns(late=_late(old["date"])).select(LEDGER_COLUMNS))
        migrated = validated_rows(ledger_path, text, register_codes, today)
        transfers = transfers_path(ledger_path)
        if not transfers.exists():
            write_atomically(transfers, TRANSFER_HEADER.encode() + b"\n")
        write_atomically(ledger_path, text.write_csv().encode())
    return migrated.height


def _late(dates: pl.Series) -> pl.Series:
    parsed = dates.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    late = (parsed < parsed.cum_max().shift(1)).fill_null(False)
    return late.cast(pl.String).str.to_lowercase()


def _arrivals(path: Path, old: pl.DataFrame, register_codes: list[str]) -> pl.DataFrame:
    """The arrival records, one for each assignment of the register and no other."""
    if not path.is_file():
        raise InputError(path, "the arrival records are missing")
    raw = path.read_bytes()
    header = ",".join(ARRIVAL_COLUMNS)
    if rows.header_line(raw) != header.encode():
        raise InputError(path, f"the header must be exactly {header!r}", line=1,
                         value=rows.header_line(raw).decode("utf-8", errors="replace"))
    text = rows.text_rows(path, raw, ARRIVAL_COLUMNS)
    codes = pl.Series(register_codes, dtype=pl.String).implode()
    assigned = old.select("assignment_id", assigned=pl.col("date"))
    frame = (text.with_columns(parsed=rows.iso_dates("arrival_date"))
             .join(assigned, on="assignment_id", how="left", maintain_order="left")
             .with_columns(assigned_parsed=rows.iso_dates("assigned")))
    rows.check(path, frame, text, [
        *rows.required(ARRIVAL_COLUMNS, "an arrival"),
        ("assignment_id", "each assignment has one arrival (this id is on an earlier line)",
         rows.unique("assignment_id", text)),
        ("assignment_id", "no assignment of the register has this id",
         pl.col("assigned").is_null()),
        ("arrival_date", "a date is written YYYY-MM-DD and must exist in the calendar",
         rows.bad_date("arrival_date", "parsed")),
        ("arrival_municipality_code", "the municipality code must be in the register",
         ~pl.col("arrival_municipality_code").is_in(codes)),
        ("arrival_date", "the child's arrival must be on or before its assignment date",
         pl.col("parsed") > pl.col("assigned_parsed")),
    ])
    missing = old.join(text, on="assignment_id", how="anti")
    if missing.height:
        raise InputError(path, f"every assignment of the register needs its arrival; "
                         f"{missing.height} have none, the first", column="assignment_id",
                         value=missing["assignment_id"][0])
    return text
