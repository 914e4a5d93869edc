"""Resources: where a run reads its data, writes its outputs, and keeps its warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from filelock import FileLock, Timeout

from pipeline.core.errors import AnvisningError

DEFAULT_DATA_DIR = "data"
DEFAULT_OUT_DIR = "out"
DEFAULT_WAREHOUSE = ".warehouse/anvisning.duckdb"


class RunSettings(dg.ConfigurableResource):
    """The data folder a run reads and the folder its outputs go to (relative to the working
    directory; the UI and `anvisning` both start in the repository)."""

    data_dir: str = DEFAULT_DATA_DIR
    out_dir: str = DEFAULT_OUT_DIR

    @property
    def data(self) -> Path:
        return Path(self.data_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)

    def statistics_folder(self, reference_year: int) -> Path:
        return self.data / "statistics" / str(reference_year)

    @property
    def register_path(self) -> Path:
        return self.data / "reference" / "municipalities.csv"

    @property
    def parameters_path(self) -> Path:
        return self.data / "parameters.toml"

    def year_out(self, share_year: int) -> Path:
        return self.out / str(share_year)


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse, one writer at a time: a connection first takes an exclusive lock
    beside the database file, so a second run (CLI or UI) waits instead of failing on DuckDB's own
    file lock. The lock is an flock: a killed process releases it."""

    lock_timeout_seconds: float = 600.0

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        lock = FileLock(f"{self.database}.lock", timeout=self.lock_timeout_seconds)
        try:
            lock.acquire()
        except Timeout:
            raise AnvisningError(
                f"{self.database}: the warehouse is still in use by another run after "
                f"{self.lock_timeout_seconds:.0f} s; try again when it has finished") from None
        try:
            conn = duckdb.connect(self.database, config={"custom_user_agent": "dagster",
                                                         **self.connection_config})
            try:
                yield conn
            finally:
                conn.close()
        finally:
            lock.release()


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
