"""Resources: where a run reads its data, writes its outputs, and keeps its warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

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
    file lock. The lock is an flock: a killed process releases it."""

    lock_timeout_seconds: float = 600.0

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
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
