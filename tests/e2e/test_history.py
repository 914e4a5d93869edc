"""The history command (`make run` = scripts/build_history.py) end to end: share years
2017–2026 published from the shipped data into a fresh out folder, warehouse and Dagster home,
once for the module (about 40 s), then run again on its own outputs.

Expected values are computed here from the published files with csv and Decimal.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import DATA, REPO

YEARS = range(2017, 2027)
REISSUED = 2021
REASON = "Omfördelning i Kalmar län godkänd i efterhand"
LATE_AGREEMENT = "0840 Mörbylånga ger 0,30 ‰ till 0880 Kalmar"


@dataclass(frozen=True)
class History:
    out: Path
    warehouse: Path
    env: dict[str, str]
    first_output: str


def _run(script: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / script), *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    root = tmp_path_factory.mktemp("history")
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    warehouse = root / "warehouse" / "anvisning.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "ANVISNING_WAREHOUSE": str(warehouse)}
    out = root / "out"
    done = _run("build_history.py", ["--data-dir", str(DATA), "--out-dir", str(out)], env)
    assert done.returncode == 0, done.stderr
    return History(out, warehouse, env, done.stdout)


def _published(out: Path, year: int) -> list[dict[str, str]]:
    with (out / str(year) / f"shares_{year}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _manifest(out: Path, year: int) -> dict:
    return json.loads((out / str(year) / f"publication_{year}.json").read_text(encoding="utf-8"))


def _digests(out: Path) -> dict[str, str]:
    return {str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
            for year in YEARS for path in sorted((out / str(year)).glob("shares_*"))}


@pytest.mark.parametrize("year", YEARS)
def test_every_share_year_publishes_290_shares_totalling_exactly_1000(history, year):
    rows = _published(history.out, year)
    assert len(rows) == 290
    assert sum(Decimal(row["share_promille"]) for row in rows) == Decimal("1000.00")
    assert _manifest(history.out, year)["decision_date"].startswith(f"{year - 1}-12-")


def test_every_share_year_is_in_the_warehouse_and_a_materialised_partition_in_dagster(history):
    import dagster as dg

    with duckdb.connect(str(history.warehouse), read_only=True) as conn:
        years = [row[0] for row in conn.execute(
            "select distinct share_year from final_shares order by 1").fetchall()]
    assert years == list(YEARS)
    with dg.DagsterInstance.from_config(history.env["DAGSTER_HOME"]) as instance:
        for asset in ("share_table_publication", "goal_fulfilment"):
            keys = instance.get_materialized_partitions(dg.AssetKey(asset))
            assert sorted(keys) == [str(year) for year in YEARS], asset


def test_the_reissued_year_is_version_2_with_the_reason_and_the_late_agreement(history):
    manifest = _manifest(history.out, REISSUED)
    assert manifest["version"] == 2
    assert manifest["reissue"]["reason"] == REASON
    assert manifest["decision_date"] == "2020-12-21"
    assert any(note.startswith(LATE_AGREEMENT) for note in manifest["redistributions"])
    first = json.loads((history.out / str(REISSUED) / "versions" / "v1" /
                        f"publication_{REISSUED}.json").read_text(encoding="utf-8"))
    assert first["version"] == 1 and first["decision_date"] == "2020-12-15"
    assert not any(note.startswith(LATE_AGREEMENT) for note in first["redistributions"])
    kalmar = {row["municipality_code"]: row for row in _published(history.out, REISSUED)}
    assert kalmar["0880"]["received_promille"] == "0.30"


def test_the_ledgers_shares_are_the_published_tables(history):
    with (DATA / "ledger" / "generator_shares.csv").open(encoding="utf-8", newline="") as handle:
        shipped = {(int(r["share_year"]), r["municipality_code"]): int(r["share_units"])
                   for r in csv.DictReader(handle)}
    published = {(year, row["municipality_code"]): int(Decimal(row["share_promille"]) * 100)
                 for year in YEARS for row in _published(history.out, year)}
    assert shipped == published


def test_replaying_the_arrivals_on_the_published_tables_gives_the_shipped_ledger(
        history, tmp_path):
    data = tmp_path / "data"
    (data / "ledger").mkdir(parents=True)
    for name in ("reference", "statistics"):
        (data / name).symlink_to(DATA / name)
    done = _run("generate_ledger.py", ["--data-dir", str(data), "--out-dir", str(history.out)],
                history.env)
    assert done.returncode == 0, done.stderr
    for name in ("assignments.csv", "generator_shares.csv"):
        assert (data / "ledger" / name).read_bytes() == (DATA / "ledger" / name).read_bytes()


def test_running_the_history_again_changes_nothing_and_says_unchanged(history):
    before = _digests(history.out)
    again = _run("build_history.py", ["--data-dir", str(DATA), "--out-dir", str(history.out)],
                 history.env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("unchanged, already published") == len(YEARS)
    assert "nothing to reissue" in again.stdout
    assert _digests(history.out) == before
