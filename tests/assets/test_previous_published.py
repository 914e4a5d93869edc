"""What share year Y is compared with: Y−1 as published (its table and the parameters its
manifest records) with the inputs it was computed from, taken from the warehouse only while it
holds the very files the publication names."""

from __future__ import annotations

import json

import duckdb
import polars as pl

from pipeline.core.files import sha256_bytes
from pipeline.core.layout import Layout
from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.publication.table import render_csv
from pipeline.warehouse.published import previous_published
from pipeline.warehouse.sql import create_tables
from tests.publication_data import final_shares

PARAMETERS = {"name": "standard", "weight_newcomers": 1.0, "weight_minors": 1.0,
              "weight_asylum_days": 1.0, "weight_arrival_days": 1.0,
              "reception_adjustment": 0.25, "floor_promille": 1.0, "decimals": 2,
              "reference_year_offset": 2}


def publish_2025(layout: Layout, final: pl.DataFrame) -> None:
    """A published share year 2025 as the store leaves it: the CSV and its manifest."""
    folder = layout.year_out(2025)
    folder.mkdir(parents=True)
    csv = render_csv(final, 2)
    (folder / "shares_2025.csv").write_bytes(csv)
    manifest = {"share_year": 2025, "version": 1, "decimals": 2,
                "files": {"shares_2025.csv": sha256_bytes(csv)}, "parameters": PARAMETERS,
                "inputs": [{"name": name, "sha256": f"{name}-hash"} for name in INPUT_COLUMNS]}
    (folder / "publication_2025.json").write_text(json.dumps(manifest), encoding="utf-8")


def warehouse_2025(path, final: pl.DataFrame, hashes: dict[str, str]) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(path))
    create_tables(conn)
    basis = final.select("municipality_code", "municipality_name", "county_code",
                         "county_name", share_year=pl.lit(2025),
                         **{name: pl.lit(i + 1) for i, name in enumerate(INPUT_COLUMNS)})
    files = pl.DataFrame({"share_year": [2025] * len(hashes), "statistic": list(hashes),
                          "path": list(hashes), "sha256": list(hashes.values()),
                          "illustrative": [True] * len(hashes), "source": [""] * len(hashes)})
    conn.register("basis", basis.to_arrow())
    conn.register("files", files.to_arrow())
    conn.execute("INSERT INTO share_basis BY NAME SELECT * FROM basis")
    conn.execute("INSERT INTO input_files BY NAME SELECT * FROM files")
    return conn


def test_last_year_as_published_with_the_inputs_it_was_computed_from(tmp_path) -> None:
    layout, final = Layout(tmp_path / "data", tmp_path / "out"), final_shares()
    publish_2025(layout, final)
    hashes = {name: f"{name}-hash" for name in INPUT_COLUMNS}
    with warehouse_2025(tmp_path / "warehouse.duckdb", final, hashes) as conn:
        previous = previous_published(layout, conn, 2026)
    assert previous.share_year == 2025
    assert previous.parameters.reception_adjustment == 0.25
    assert previous.shares["calculated_units"].to_list() == final["calculated_units"].to_list()
    assert previous.shares["final_units"].to_list() == final["share_units"].to_list()
    assert previous.inputs.height == 290
    assert previous.inputs.row(0) == ("0114", 1, 2, 3, 4, 5)


def test_inputs_loaded_again_from_other_files_are_not_last_years(tmp_path) -> None:
    layout, final = Layout(tmp_path / "data", tmp_path / "out"), final_shares()
    publish_2025(layout, final)
    hashes = {name: f"{name}-hash" for name in INPUT_COLUMNS} | {"population": "another"}
    with warehouse_2025(tmp_path / "warehouse.duckdb", final, hashes) as conn:
        previous = previous_published(layout, conn, 2026)
        assert previous.inputs is None
        assert previous.shares["final_units"].to_list() == final["share_units"].to_list()
        assert previous_published(layout, conn, 2027) is None
