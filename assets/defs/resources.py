"""Resources: where a run reads its data, writes its outputs, and keeps its warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipeline.core.layout import DEFAULT_DATA_DIR, DEFAULT_OUT_DIR, Layout
from pipeline.core.locks import exclusive_lock

DEFAULT_WAREHOUSE = ".warehouse/anvisning.duckdb"


class RunSettings(dg.ConfigurableResource):
    """The data folder a run reads and the folder its outputs go to (relative to the working
    directory; the UI and `anvisning` both start in the repository)."""

    data_dir: str = DEFAULT_DATA_DIR
    out_dir: str = DEFAULT_OUT_DIR

    @property
    def layout(self) -> Layout:
        """Every path of this run's data and output folders."""
        return Layout(Path(self.data_dir), Path(self.out_dir))


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse, one writer at a time: a connection first takes an exclusive lock
    beside the database file, so a second run (CLI or UI) waits instead of failing on DuckDB's own
    file lock. The lock is an flock: a killed process releases it.

    In a run (Dagster calls `setup_for_execution` once per run with the in-process executor, once
    per step process with another), the lock is taken at the run's first connection and the
    database is opened once; every step's connection is a cursor of it (its own transaction, as
    a fresh connection's), and both are released when the run ends. Opening a DuckDB database
    costs 10–20 ms, a run used to open it fourteen times, and each close checkpointed it. Outside
    a run, every `get_connection` opens, locks and closes on its own."""

    lock_timeout_seconds: float = 600.0
    _in_run: bool = PrivateAttr(default=False)
    _held: ExitStack | None = PrivateAttr(default=None)
    _database: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._in_run = True

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        held, self._held, self._database, self._in_run = self._held, None, None, False
        if held is not None:
            held.close()  # closes the database (one checkpoint), then releases the lock

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self._in_run:
            with self._open() as conn:
                yield conn
            return
        if self._database is None:
            held = ExitStack()
            self._database = held.enter_context(self._open())
            self._held = held
        cursor = self._database.cursor()
        try:
            yield cursor
        finally:
            cursor.close()  # an open transaction of a failed step is rolled back here

    @contextmanager
    def _open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with exclusive_lock(Path(f"{self.database}.lock"), timeout=self.lock_timeout_seconds,
                            busy="in use by another run (the warehouse)"):
            conn = duckdb.connect(self.database, config={"custom_user_agent": "dagster",
                                                         **self.connection_config})
            try:
                yield conn
            finally:
                conn.close()


def warehouse_path() -> str:
    path = os.environ.get("ANVISNING_WAREHOUSE", DEFAULT_WAREHOUSE)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return path


def resources() -> dict[str, object]:
    """The one place resources are chosen; the environment picks paths, the CLI overrides them
    per run through run config."""
    return {
        "settings": RunSettings(
            data_dir=os.environ.get("ANVISNING_DATA_DIR", DEFAULT_DATA_DIR),
            out_dir=os.environ.get("ANVISNING_OUT_DIR", DEFAULT_OUT_DIR),
        ),
        "warehouse": WarehouseResource(database=warehouse_path()),
    }
