"""Goal fulfilment, assignment and forecast as a user asks for them: the published share table
of the year, the ledger, the rule (pipeline.goals.fulfilment), and the files written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.core.config import described_file
from pipeline.core.errors import AnvisningError
from pipeline.core.files import write_atomically
from pipeline.core.layout import Layout
from pipeline.goals.fulfilment import (
    MunicipalityForecast,
    assigned_counts,
    forecast_municipality,
    forecast_table,
    fulfilment_table,
    next_equalising,
)
from pipeline.goals.ledger import (
    CONNECTION,
    EQUALISING,
    Arrival,
    LedgerSession,
    locked_ledger,
    read_ledger,
)
from pipeline.goals.register import Transferred, migrate_register, record_transfer
from pipeline.goals.report import forecast_csv, write_fulfilment
from pipeline.ingestion.register import load_register
from pipeline.publication.store import read_published_shares


def _register_codes(layout: Layout) -> list[str]:
    return load_register(layout.register)["municipality_code"].to_list()


def ledger_is_illustrative(ledger_path: Path) -> bool:
    return described_file(ledger_path)["illustrative"]


def _fulfilment(share_year: int, as_of: date, layout: Layout, ledger_path: Path,
                today: date) -> tuple[pl.DataFrame, int]:
    """The fulfilment table on `as_of` against share year's published shares, and its decimals."""
    shares, decimals = read_published_shares(layout.year_out(share_year), share_year)
    ledger = read_ledger(ledger_path, _register_codes(layout), today)
    return fulfilment_table(ledger, shares, as_of, decimals), decimals


def fulfilment_as_of(as_of: date, layout: Layout, ledger_path: Path,
                     today: date) -> tuple[pl.DataFrame, tuple[Path, Path]]:
    """Goal fulfilment per municipality on `as_of`, against that year's published shares;
    writes <out>/fulfilment_<DATE>.csv and .xlsx. The ledger may hold nothing after `today`."""
    table, decimals = _fulfilment(as_of.year, as_of, layout, ledger_path, today)
    paths = write_fulfilment(layout, table, as_of, decimals, ledger_is_illustrative(ledger_path))
    return table, paths


def assign(when: date, connection: str | None, arrival: Arrival, layout: Layout,
           ledger_path: Path, today: date, *, late: bool = False) -> tuple[str, str, str, str]:
    """Record one assignment of a child who arrived at `arrival`: equalising by the rule on the
    ledger as it is under the lock, or a connection assignment to `connection`; `late` for an
    entry dated before the last recorded one. Returns code, name, kind and the assignment id."""
    shares, _ = read_published_shares(layout.year_out(when.year), when.year)
    names = dict(zip(shares["municipality_code"], shares["municipality_name"], strict=True))
    if connection is not None and connection not in names:
        raise AnvisningError(f"--connection {connection!r} is not a municipality code")
    units = dict(zip(shares["municipality_code"], shares["share_units"], strict=True))
    with locked_ledger(ledger_path, _register_codes(layout), today) as session:
        code, kind, assignment_id = assign_one(session, when, connection, units, arrival,
                                               late=late)
    return code, names[code], kind, assignment_id


def assign_one(session: LedgerSession, when: date, connection: str | None,
               share_units: Mapping[str, int], arrival: Arrival, *,
               late: bool = False) -> tuple[str, str, str]:
    """Choose and append one assignment on `when` in a locked ledger: a connection assignment to
    `connection`, else the equalising assignment the rule gives on the counts as of `when` and
    `share_units` (the shares in force on `when`). Returns code, kind and the assignment id.
    `anvisning assign` and the replay that generates the shipped ledger both choose here."""
    if connection is not None:
        code, kind = connection, CONNECTION
    else:
        counts = session.tally_if_latest(when)
        if counts is None:
            counts = assigned_counts(session.ledger, when)
        code, kind = next_equalising(counts, share_units), EQUALISING
    return code, kind, session.append(when, code, kind, arrival, late=late)


def transfer(assignment_id: str, when: date, layout: Layout, ledger_path: Path,
             today: date) -> Transferred:
    """Record that the assigned municipality took over the child's care on `when`."""
    return record_transfer(ledger_path, _register_codes(layout), today, assignment_id, when)


def migrate(arrivals: Path, layout: Layout, ledger_path: Path, today: date) -> int:
    """Bring a register without arrival columns to today's form; returns its assignments."""
    return migrate_register(ledger_path, arrivals, _register_codes(layout), today)


@dataclass(frozen=True)
class ForecastWritten:
    """Where a forecast went, and whether the file was new, the same as before, or replaced
    (the ledger up to its day has changed since the earlier file was written)."""

    path: Path
    state: str  # "written", "unchanged" or "replaced"
    municipality: MunicipalityForecast | None


def forecast_year(share_year: int, children: int, as_of: date, layout: Layout,
                  ledger_path: Path, municipality: str | None, today: date) -> ForecastWritten:
    """What each municipality receives of `children` equalising assignments from the ledger's
    state on `as_of`; writes <out>/<Y>/forecast_<Y>_<as-of>_<children>.csv (only once everything
    asked is valid), and says whether an earlier file of that name was there."""
    table, decimals = _fulfilment(share_year, as_of, layout, ledger_path, today)
    one = (forecast_municipality(table, municipality, children, decimals)
           if municipality is not None else None)
    path = layout.forecast_csv(share_year, as_of, children)
    content = forecast_csv(forecast_table(table, children, decimals), decimals)
    earlier = path.read_bytes() if path.is_file() else None
    if earlier != content:
        write_atomically(path, content)
    state = "written" if earlier is None else "unchanged" if earlier == content else "replaced"
    return ForecastWritten(path, state, one)
