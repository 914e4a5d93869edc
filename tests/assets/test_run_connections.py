"""A run opens the warehouse once (the speed work of issue 16), and leaves nothing locked and
nothing half-written behind."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

import assets.defs.resources
from assets.defs.resources import WarehouseResource
from pipeline.core.errors import AnvisningError
from pipeline.core.locks import exclusive_lock
from tests.assets.test_materialize import UP_TO_DRAFT, materialise


def lock_is_free(database: Path) -> bool:
    try:
        with exclusive_lock(Path(f"{database}.lock"), timeout=0):
            return True
    except AnvisningError:
        return False


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every duckdb.connect the warehouse resource makes."""
    calls: list[str] = []
    real = duckdb.connect

    def counting(database, *args, **kwargs):
        calls.append(str(database))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(assets.defs.resources.duckdb, "connect", counting)
    return calls


@pytest.mark.slow
def test_a_run_opens_the_warehouse_once_and_releases_it_at_the_end(data_dir, tmp_path, opened):
    result = materialise(data_dir, tmp_path, UP_TO_DRAFT)
    assert result.success
    # ingest_statistics, share_basis and draft_shares take four connections between them
    assert opened == [str(tmp_path / "warehouse.duckdb")]
    assert lock_is_free(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:  # closed: openable again
        assert conn.execute("SELECT count(*) FROM draft_shares").fetchone() == (290,)


@pytest.mark.slow
def test_a_failed_run_releases_the_warehouse_too(data_dir, tmp_path) -> None:
    (data_dir / "statistics" / "2024" / "population.csv").write_text("nonsense\n")
    assert not materialise(data_dir, tmp_path, UP_TO_DRAFT).success
    assert lock_is_free(tmp_path / "warehouse.duckdb")


@pytest.mark.slow  # a Dagster run
def test_in_a_run_an_unfinished_transaction_of_a_failed_step_is_rolled_back(tmp_path) -> None:
    database = tmp_path / "warehouse.duckdb"
    warehouse = WarehouseResource(database=str(database))
    warehouse.setup_for_execution(dg.build_init_resource_context())
    try:
        with warehouse.get_connection() as conn:
            conn.execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(RuntimeError), warehouse.get_connection() as conn:
            conn.execute("BEGIN TRANSACTION")
            conn.execute("INSERT INTO t VALUES (1)")
            raise RuntimeError("the step fails before COMMIT")
        with warehouse.get_connection() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
        assert not lock_is_free(database)  # held for the rest of the run
    finally:
        warehouse.teardown_after_execution(dg.build_init_resource_context())
    assert lock_is_free(database)
    with duckdb.connect(str(database)) as conn:  # nor committed when the run ends
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_outside_a_run_every_connection_opens_and_closes(tmp_path, opened) -> None:
    database = tmp_path / "warehouse.duckdb"
    warehouse = WarehouseResource(database=str(database))
    for _ in range(2):
        with warehouse.get_connection() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
            assert not lock_is_free(database)
        assert lock_is_free(database)
    assert len(opened) == 2
