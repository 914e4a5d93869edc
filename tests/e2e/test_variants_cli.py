"""`anvisning variants` as the statistician runs it in August: one command, every variant's share
of every municipality, the workbook, the CSV and the memo; the standard draft and the published
table untouched; a bad variants file is one `error:` line and nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.definitions import defs
from assets.defs.resources import RunSettings, WarehouseResource
from cli.main import main
from tests.conftest import DATA, environment

YEAR = "2026"
FILES = ("variants_2026.csv", "varianter_2026.xlsx", "underlag_andelstal_2026.pdf")


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> tuple[Path, Path, Path]:
    """`anvisning publish` and then `anvisning variants` for 2026 in one warehouse."""
    root = tmp_path_factory.mktemp("variants_cli")
    data, out, warehouse = root / "data", root / "out", root / "w.duckdb"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    with environment(DAGSTER_HOME=str(root / "home"), ANVISNING_WAREHOUSE=str(warehouse)):
        folders = ["--data-dir", str(data), "--out-dir", str(out)]
        assert main(["publish", "--year", YEAR, *folders]) == 0
        assert main(["variants", "--year", YEAR, *folders]) == 0
    return data, out, warehouse


def test_one_command_writes_the_comparison_beside_the_published_table(ran) -> None:
    _, out, warehouse = ran
    assert sorted(p.name for p in (out / YEAR / "variants").iterdir()) == sorted(FILES)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        counts = dict(conn.execute("SELECT variant, count(*) FROM draft_shares "
                                   "WHERE share_year = 2026 GROUP BY variant").fetchall())
        # The published table is the standard draft's, after the agreements: never a variant's.
        mismatches = conn.execute(
            "SELECT count(*) FROM final_shares AS f JOIN draft_shares AS d "
            "USING (share_year, municipality_code) WHERE f.share_year = 2026 "
            "AND d.variant = 'standard' AND f.calculated_units <> d.share_units").fetchone()[0]
    assert counts == {"standard": 290, "population_only": 290, "full_reception_adjustment": 290,
                      "lower_floor": 290, "no_housing_days": 290}
    assert mismatches == 0


def test_the_published_csv_still_matches_the_standard_draft(ran) -> None:
    _, out, warehouse = ran
    published = {}
    for line in (out / YEAR / "shares_2026.csv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split(",")
        published[fields[0]] = round(float(fields[4]) * 100)  # calculated_promille
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        variants = conn.execute("SELECT variant, municipality_code, share_units FROM draft_shares "
                                "WHERE share_year = 2026").fetchall()
    by_variant: dict[str, dict[str, int]] = {}
    for variant, code, units in variants:
        by_variant.setdefault(variant, {})[code] = units
    assert by_variant.pop("standard") == published
    assert all(units != published for units in by_variant.values())


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "Traceback" not in err[0]
    return err[0]


def test_a_bad_variants_file_is_one_line_and_nothing_is_written(ran, tmp_path, capsys) -> None:
    data, out, warehouse = ran
    copy_data, copy_out, copy_warehouse = tmp_path / "data", tmp_path / "out", tmp_path / "w.db"
    shutil.copytree(data, copy_data)
    shutil.copytree(out, copy_out)
    shutil.copy(warehouse, copy_warehouse)
    variants = copy_data / "variants.toml"
    variants.write_text(variants.read_text(encoding="utf-8").replace(
        "reception_adjustment = 1.0", "reception_adjustment = 1.2"), encoding="utf-8")
    before = {p: p.read_bytes() for p in (copy_out / YEAR / "variants").iterdir()}
    with duckdb.connect(str(copy_warehouse), read_only=True) as conn:
        rows = conn.execute("SELECT * FROM draft_shares ORDER BY ALL").fetchall()
    capsys.readouterr()
    with environment(DAGSTER_HOME=str(tmp_path / "home"),
                     ANVISNING_WAREHOUSE=str(copy_warehouse)):
        assert main(["variants", "--year", YEAR, "--data-dir", str(copy_data),
                     "--out-dir", str(copy_out)]) == 1
    assert one_error_line(capsys) == (
        f"error: {variants}, line 35, column 'reception_adjustment': value '1.2': "
        "reception_adjustment must be between 0 and 1")
    assert {p: p.read_bytes() for p in (copy_out / YEAR / "variants").iterdir()} == before
    with duckdb.connect(str(copy_warehouse), read_only=True) as conn:
        assert conn.execute("SELECT * FROM draft_shares ORDER BY ALL").fetchall() == rows


def test_the_asset_records_the_summaries_and_the_memo_in_the_ui(ran, tmp_path) -> None:
    data, _, _ = ran
    selection = {"population", "share_basis", "model_variants"}
    result = dg.materialize(
        [a for a in defs.assets if any(k.to_user_string() in selection for k in a.keys)],
        partition_key=YEAR, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
        resources={"settings": RunSettings(data_dir=str(data), out_dir=str(tmp_path / "out")),
                   "warehouse": WarehouseResource(database=str(tmp_path / "w.duckdb"))})
    assert result.success
    assert all(check.passed for check in result.get_asset_check_evaluations())
    (event,) = [e for e in result.get_asset_materialization_events()
                if e.asset_key.to_user_string() == "model_variants"]
    metadata = event.materialization.metadata
    table = metadata["variants"].value
    assert [record.data["variant"] for record in table.records] == [
        "standard", "population_only", "full_reception_adjustment", "lower_floor",
        "no_housing_days"]
    assert table.records[0].data["moved_between_counties_promille"] == "0.00"
    assert Path(metadata["memo"].value) == (tmp_path / "out" / YEAR / "variants" /
                                             "underlag_andelstal_2026.pdf")
    assert Path(metadata["memo"].value).is_file()
