"""Statistics the agency's own register yields rather than a publisher: B, the housing days of
unaccompanied minors by arrival municipality, from reference year 2016 on (MODEL.md, "The case
register"), computed in DuckDB by its SQL in `sql/` over the register's assignments and transfers.

Its provenance is the register: "Migrationsverkets anvisningsregister", the path of its
assignments and the hash of both its files, and whether the register is illustrative.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipeline.core.config import described_file
from pipeline.core.errors import InputError
from pipeline.core.layout import Layout
from pipeline.goals.register import SOURCE_NAME, TRANSFERS_FILE, Register, read_register
from pipeline.ingestion.registry import STATISTICS, Statistic
from pipeline.ingestion.statistics import (
    LoadedStatistic,
    SourceFile,
    candidate_files,
    load_statistic,
)
from pipeline.warehouse.sql import query


def load_inputs(layout: Layout, reference_year: int, register: pl.DataFrame, today: date,
                conn: duckdb.DuckDBPyConnection) -> list[LoadedStatistic]:
    """Every statistic of the registry for one reference year, in its order: read from its file
    in data/statistics/<R>/, or computed from the register in DuckDB on `conn` (which only
    reads)."""
    folder = layout.statistics_folder(reference_year)
    return [load_from_register(s, folder, layout.ledger, reference_year, register, today, conn)
            if computed_from_register(s, reference_year)
            else load_statistic(folder, s.name, reference_year, register)
            for s in STATISTICS]


def computed_from_register(statistic: Statistic, reference_year: int) -> bool:
    return statistic.register_since is not None and reference_year >= statistic.register_since


def load_from_register(statistic: Statistic, folder: Path, ledger: Path, reference_year: int,
                       register: pl.DataFrame, today: date,
                       conn: duckdb.DuckDBPyConnection) -> LoadedStatistic:
    """The statistic of one reference year computed from the register at `ledger`; a file of
    the statistic left in the year's folder is refused (it would not be read)."""
    stray = [folder / name for name in candidate_files(statistic) if (folder / name).exists()]
    if stray:
        raise InputError(stray[0], f"from reference year {statistic.register_since} on, "
                         f"{statistic.name} is computed from the register ({ledger}); "
                         "remove this file")
    if not ledger.is_file():
        raise InputError(ledger, f"{statistic.name} of {reference_year} is computed from the "
                         "register, which is missing")
    codes = register["municipality_code"].to_list()
    state = read_register(ledger, codes, today)
    values = register_statistic(conn, statistic.register_sql, state, register, reference_year)
    illustrative = described_file(ledger)["illustrative"]
    source = (f"{SOURCE_NAME} ({ledger} and {TRANSFERS_FILE}, sha256 {state.sha256}"
              f"{', illustrative' if illustrative else ''}), computed by "
              f"sql/{statistic.register_sql}.sql")
    file = SourceFile(statistic=statistic.name, path=ledger, sha256=state.sha256,
                      illustrative=illustrative, source=source)
    return LoadedStatistic(file, values.rename({"value": statistic.name}))


def register_statistic(conn: duckdb.DuckDBPyConnection, sql_name: str, state: Register,
                       register: pl.DataFrame, reference_year: int) -> pl.DataFrame:
    """municipality_code, value for every municipality of `register`, in code order, by the
    named SQL over the register's assignments and transfers, as views on `conn` for the query's
    length."""
    # Arrow's string views are polars' own layout: DuckDB scans them without a copy.
    arrow = {"compat_level": pl.CompatLevel.newest()}
    views = {
        # Only the columns the SQL reads: converting the others to Arrow costs time for nothing.
        "register_assignments": state.assignments.select(
            "assignment_id", "arrival_date", "arrival_municipality_code", "date",
            "municipality_code"),
        "register_transfers": state.transfers,
        "municipalities": register.select("municipality_code"),
    }
    try:
        for name, frame in views.items():
            conn.register(name, frame.to_arrow(**arrow))
        return query(conn, sql_name, reference_year=reference_year)
    finally:
        for name in views:
            conn.unregister(name)
