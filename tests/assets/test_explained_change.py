"""The explained change through Dagster: share year 2025 published, then 2026 drafted and
published into the same warehouse with `dg.materialize`. The draft's metadata lists the largest
changes with their main cause, the warehouse holds every term, the review workbooks have the
"Förändring" sheet and the published CSV ends with the terms, which add up."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from openpyxl import load_workbook

from assets.definitions import defs
from assets.defs.resources import RunSettings, WarehouseResource
from tests.conftest import DATA

pytestmark = pytest.mark.slow  # Dagster materialisations of two share years

SELECTION = ["population", "share_basis", "draft_shares", "review_workbooks", "final_shares",
             "share_table_publication"]
TERMS = ["change_population", "change_newcomers", "change_minors", "change_asylum_days",
         "change_arrival_days", "change_parameters", "change_rounding"]


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> tuple[Path, dict[str, dg.ExecuteInProcessResult]]:
    root = tmp_path_factory.mktemp("explained")
    data = root / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    instance = dg.DagsterInstance.ephemeral()
    results = {}
    for year in ("2025", "2026"):
        results[year] = dg.materialize(
            [a for a in defs.assets if any(k.to_user_string() in SELECTION for k in a.keys)],
            partition_key=year, instance=instance, raise_on_error=False,
            resources={
                "settings": RunSettings(data_dir=str(data), out_dir=str(root / "out")),
                "warehouse": WarehouseResource(database=str(root / "warehouse.duckdb")),
            })
        assert results[year].success, year
    return root, results


def draft_metadata(result: dg.ExecuteInProcessResult) -> dict:
    event = next(e for e in result.get_asset_materialization_events()
                 if e.asset_key.to_user_string() == "draft_shares")
    return event.materialization.metadata


def test_the_drafts_metadata_lists_the_largest_changes_with_their_main_cause(two_years):
    _, results = two_years
    metadata = draft_metadata(results["2026"])
    table = metadata["largest_changes"].value
    header = table.splitlines()[0]
    assert "Främsta orsak" in header and "Förändring ‰" in header
    rows = table.splitlines()[2:]
    assert len(rows) == 15
    causes = [row.split("|")[-2].strip() for row in rows]
    assert all(cause.endswith(" ‰") and cause[0].isupper() for cause in causes), causes
    assert metadata["explained_changes"].value.startswith("290 changes from share year 2025")
    first = draft_metadata(results["2025"])
    assert "Främsta orsak" not in first["largest_changes"].value
    assert first["explained_changes"].value.startswith("none: no published share year")


def test_the_warehouse_holds_every_term_and_they_add_up(two_years):
    root, _ = two_years
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "SELECT c.municipality_code, c.change_population_units + c.change_newcomers_units "
            "+ c.change_minors_units + c.change_asylum_days_units + c.change_arrival_days_units"
            " + c.change_parameters_units + c.change_rounding_units, "
            "c.change_calculated_units, d.share_units - f.calculated_units, c.previous_share_year "
            "FROM draft_changes AS c "
            "JOIN draft_shares AS d USING (share_year, variant, municipality_code) "
            "JOIN final_shares AS f ON f.share_year = c.share_year - 1 "
            "AND f.municipality_code = c.municipality_code "
            "WHERE c.share_year = 2026").fetchall()
        none = conn.execute("SELECT count(*) FROM draft_changes WHERE share_year = 2025"
                            ).fetchone()[0]
    assert len(rows) == 290 and none == 0
    for code, terms, calculated, draft_change, previous in rows:
        assert terms == calculated == draft_change and previous == 2025, code


def test_the_published_csv_and_the_review_workbook_explain_2026(two_years):
    root, _ = two_years
    with (root / "out" / "2026" / "shares_2026.csv").open(encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    for row in published:
        terms = sum(Decimal(row[term]) for term in TERMS)
        assert terms == Decimal(row["change_calculated"]), row
        assert terms + Decimal(row["change_redistribution"]) == Decimal(row["change_promille"])
    book = load_workbook(root / "out" / "2026" / "review" / "review_2026_03_uppsala-lan.xlsx")
    sheet = book["Förändring"]
    assert [sheet.cell(row, 1).value for row in range(6, 14)] == [
        "0305", "0319", "0330", "0331", "0360", "0380", "0381", "0382"]
    assert all(sheet.cell(row, 7).value for row in range(6, 14))
