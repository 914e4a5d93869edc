"""The assets materialised with `dg.materialize` on a temporary DuckDB, as Dagster's own projects
test them: no CLI, no process, one partition."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.definitions import defs
from assets.defs.resources import RunSettings, WarehouseResource

pytestmark = pytest.mark.slow  # each test runs a Dagster materialisation

YEAR = "2026"


def materialise(data_dir: Path, tmp_path: Path, selection: list[str]) -> dg.ExecuteInProcessResult:
    assets = [a for a in defs.assets if any(k.to_user_string() in selection for k in a.keys)]
    return dg.materialize(
        assets,
        partition_key=YEAR,
        resources={
            "settings": RunSettings(data_dir=str(data_dir), out_dir=str(tmp_path / "out")),
            "warehouse": WarehouseResource(database=str(tmp_path / "warehouse.duckdb")),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


UP_TO_DRAFT = ["population", "share_basis", "draft_shares"]
UP_TO_FINAL = [*UP_TO_DRAFT, "final_shares"]


def test_the_draft_is_stored_with_a_total_of_exactly_1000(data_dir, tmp_path) -> None:
    result = materialise(data_dir, tmp_path, UP_TO_DRAFT)
    assert result.success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        rows, total = conn.execute("SELECT count(*), sum(share_units) FROM draft_shares "
                                   "WHERE share_year = 2026").fetchone()
    assert (rows, total) == (290, 100_000)
    assert (tmp_path / "out" / YEAR / f"draft_shares_{YEAR}.csv").is_file()


def test_final_shares_apply_the_agreements_and_keep_the_national_total(data_dir, tmp_path):
    result = materialise(data_dir, tmp_path, UP_TO_FINAL)
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks and all(checks.values()), checks
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        total, moved = conn.execute(
            "SELECT sum(share_units), sum(given_units) FROM final_shares WHERE share_year = 2026"
        ).fetchone()
    assert total == 100_000 and moved > 0


def test_final_shares_carry_the_drafts_summary(data_dir, tmp_path) -> None:
    result = materialise(data_dir, tmp_path, UP_TO_FINAL)
    assert result.success
    metadata = {event.asset_key.to_user_string(): event.materialization.metadata
                for event in result.get_asset_materialization_events()
                if hasattr(event, "materialization")}
    summary = {"parameter_set", "reference_year", "at_floor", "illustrative_inputs",
               "compared_with_share_year", "spread", "largest_shares", "county_totals",
               "largest_changes"}
    assert summary <= set(metadata["draft_shares"]) and summary <= set(metadata["final_shares"])
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        at_floor, below = conn.execute(
            "SELECT count(*) FILTER (WHERE share_units = 100), "
            "count(*) FILTER (WHERE share_units < 100) FROM final_shares "
            "WHERE share_year = 2026").fetchone()
    final = metadata["final_shares"]
    assert (final["at_floor"].value, final["below_floor"].value) == (at_floor, below)
    assert f"{at_floor} kommuner" in final["spread"].value
    assert f"{at_floor} at the floor and {below} below it" in final["summary"].value
    assert final["parameter_set"].value == "standard"


def test_a_bad_statistic_fails_the_ingestion_step_and_stores_nothing(data_dir, tmp_path):
    population = data_dir / "statistics" / "2024" / "population.csv"
    population.write_bytes(population.read_bytes().replace(b"Upplands V", b"Upplandz V", 1))
    result = materialise(data_dir, tmp_path, UP_TO_DRAFT)
    assert not result.success
    failure = result.get_step_failure_events()[0]
    assert failure.step_key == "ingest_statistics"
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        tables = {row[0] for row in conn.execute("SHOW TABLES").fetchall()}
        stored = conn.execute("SELECT count(*) FROM population").fetchone()[0] if (
            "population" in tables) else 0
    assert stored == 0


@pytest.mark.parametrize("selection", [["review_workbooks"]])
def test_review_workbooks_are_written_per_county(data_dir, tmp_path, selection) -> None:
    result = materialise(data_dir, tmp_path, [*UP_TO_DRAFT, *selection])
    assert result.success
    assert len(list((tmp_path / "out" / YEAR / "review").glob("*.xlsx"))) == 21


UP_TO_PUBLICATION = [*UP_TO_FINAL, "share_table_publication"]


def final_units(tmp_path: Path) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        return conn.execute("SELECT municipality_code, share_units FROM final_shares "
                            "WHERE share_year = 2026 ORDER BY 1").fetchall()


def published_units(tmp_path: Path) -> list[tuple]:
    from pipeline.publication.store import read_published_final

    final = read_published_final(tmp_path / "out" / YEAR, int(YEAR))
    return sorted(final.select("municipality_code", "share_units").iter_rows())


def test_a_publication_failing_on_a_full_disk_leaves_the_published_shares_stored(
        data_dir, tmp_path, monkeypatch):
    from dataclasses import replace

    from pipeline.publication import store

    assert materialise(data_dir, tmp_path, UP_TO_PUBLICATION).success
    (data_dir / "redistributions" / "2026.csv").unlink()  # the final shares will differ

    def full_disk(path, *args):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(store, "EDITIONS", tuple(
        replace(e, write=full_disk) if e.key == "pdf" else e for e in store.EDITIONS))
    result = dg.materialize(
        [a for a in defs.assets if any(k.to_user_string() in UP_TO_PUBLICATION for k in a.keys)],
        partition_key=YEAR, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
        resources={"settings": RunSettings(data_dir=str(data_dir), out_dir=str(tmp_path / "out")),
                   "warehouse": WarehouseResource(database=str(tmp_path / "warehouse.duckdb"))},
        run_config={"ops": {"share_table_publication": {"config": {"reissue_reason": "test"}}}},
    )
    assert not result.success
    assert final_units(tmp_path) == published_units(tmp_path)


def test_final_shares_left_by_a_killed_run_are_put_back_at_the_next_start(data_dir, tmp_path):
    assert materialise(data_dir, tmp_path, UP_TO_PUBLICATION).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:  # what a kill leaves
        conn.execute("UPDATE final_shares SET share_units = share_units + 1 "
                     "WHERE share_year = 2026 AND municipality_code = '0114'")
    assert final_units(tmp_path) != published_units(tmp_path)
    assert materialise(data_dir, tmp_path, ["population"]).success
    assert final_units(tmp_path) == published_units(tmp_path)
