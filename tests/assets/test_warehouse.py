"""The warehouse's tables follow their definitions in sql/ (and so the registry) on a warehouse
file of any age, keeping every row; a draft's variants are stored side by side."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.core.errors import AnvisningError
from pipeline.model.parameters import STANDARD_VARIANT, load_parameters
from pipeline.model.shares import compute_shares, days_in_year
from pipeline.warehouse.sql import create_tables, execute, query
from tests.assets.test_materialize import UP_TO_PUBLICATION, YEAR, materialise

# draft_shares and share_basis as warehouses made at commit 41bd848 have them.
EARLIER_TABLES = """
CREATE TABLE draft_shares (
    share_year INTEGER NOT NULL, municipality_code VARCHAR NOT NULL,
    population_share DOUBLE NOT NULL, reception_share DOUBLE NOT NULL,
    adjusted_share DOUBLE NOT NULL, unrounded_share DOUBLE NOT NULL, at_floor BOOLEAN NOT NULL,
    share_units BIGINT NOT NULL, decimals INTEGER NOT NULL, parameter_set VARCHAR NOT NULL,
    PRIMARY KEY (share_year, municipality_code)
);
INSERT INTO draft_shares VALUES
    (2025, '0114', 3.5, 2.5, 4.0, 4.0, false, 400, 2, 'standard'),
    (2026, '0114', 3.0, 2.0, 3.5, 3.5, false, 350, 2, 'standard+2026 overrides');
CREATE TABLE share_basis (
    share_year INTEGER NOT NULL, municipality_code VARCHAR NOT NULL,
    municipality_name VARCHAR NOT NULL, county_code VARCHAR NOT NULL, county_name VARCHAR NOT NULL,
    population BIGINT NOT NULL, newcomers_settled BIGINT NOT NULL,
    minors_received BIGINT NOT NULL, asylum_housing_days BIGINT NOT NULL,
    minor_arrival_housing_days BIGINT NOT NULL,
    PRIMARY KEY (share_year, municipality_code)
);
INSERT INTO share_basis VALUES
    (2026, '0114', 'Upplands Väsby', '01', 'Stockholms län', 48000, 120, 3, 9000, 40);
"""


def written(out: Path) -> dict[str, object]:
    """Every file under `out`. A rerun writes the review workbooks and the draft's provenance
    anew, so those two compare without their write time (zip dates, docProps/core.xml) and run
    id; every other file compares byte for byte."""
    found: dict[str, object] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = str(path.relative_to(out))
        if path.parent.name == "review" and path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                found[name] = {part: book.read(part) for part in book.namelist()
                               if part != "docProps/core.xml"}
        elif path.name.startswith("draft_shares_") and path.suffix == ".json":
            found[name] = {**json.loads(path.read_bytes()), "run_id": None}
        else:
            found[name] = path.read_bytes()
    return found


def rows(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return conn.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


def test_an_up_to_date_warehouse_is_left_as_it_is(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        assert create_tables(conn) == []
        assert create_tables(conn) == []


def test_a_warehouse_from_commit_41bd848_keeps_its_drafts_as_the_standard_variant(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute(EARLIER_TABLES)
        drafts, basis = rows(conn, "draft_shares"), rows(conn, "share_basis")
        assert sorted(create_tables(conn)) == ["draft_shares", "share_basis"]
        assert rows(conn, "share_basis") == basis
        assert conn.execute("SELECT * EXCLUDE (variant) FROM draft_shares ORDER BY ALL"
                            ).fetchall() == drafts
        assert conn.execute("SELECT DISTINCT variant FROM draft_shares").fetchall() == [
            (STANDARD_VARIANT,)]
        # the key now holds the variant: another one of the same year and municipality fits
        conn.execute("INSERT INTO draft_shares SELECT * REPLACE ('other' AS variant) "
                     "FROM draft_shares")
        assert create_tables(conn) == []


def test_a_statistic_new_to_the_registry_gets_its_column_and_earlier_rows_are_kept(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute(EARLIER_TABLES)
        conn.execute("ALTER TABLE share_basis DROP COLUMN minor_arrival_housing_days")
        create_tables(conn)
        assert conn.execute("SELECT municipality_code, minor_arrival_housing_days "
                            "FROM share_basis").fetchall() == [("0114", None)]


def test_a_derived_table_loses_the_column_of_a_statistic_taken_out_of_the_registry(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute(EARLIER_TABLES)
        conn.execute("ALTER TABLE share_basis ADD COLUMN retired_statistic BIGINT")
        assert "share_basis" in create_tables(conn)
        columns = [row[0] for row in conn.execute("DESCRIBE share_basis").fetchall()]
        assert "retired_statistic" not in columns
        assert conn.execute("SELECT count(*) FROM share_basis").fetchone() == (1,)


def test_a_column_no_longer_defined_is_never_dropped_from_a_table_of_facts(tmp_path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        create_tables(conn)
        conn.execute("ALTER TABLE final_shares ADD COLUMN approved_by VARCHAR")
        conn.execute("INSERT INTO final_shares VALUES (2026, '0114', 350, 0, 0, 350, 2, 'x')")
        kept = rows(conn, "final_shares")
        with pytest.raises(AnvisningError, match="final_shares has a column approved_by"):
            create_tables(conn)
        assert rows(conn, "final_shares") == kept


@pytest.mark.slow  # a Dagster run
def test_a_variant_is_stored_beside_the_standard_draft_which_stays_as_published(
        data_dir, tmp_path) -> None:
    assert materialise(data_dir, tmp_path, [*UP_TO_PUBLICATION, "review_workbooks"]).success
    out = tmp_path / "out"
    before = written(out)
    share_year = int(YEAR)
    standard = load_parameters(data_dir / "parameters.toml", share_year)
    population_only = dataclasses.replace(standard, variant="population only",
                                          name="population only", reception_adjustment=0.0)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        drafts = rows(conn, "draft_shares")
        basis = query(conn, "share_basis_for_year", share_year=share_year)
        draft = compute_shares(basis, population_only,
                               days_in_year(population_only.reference_year(share_year)))
        execute(conn, "replace_draft_shares", incoming=draft, share_year=share_year,
                variant=population_only.variant, decimals=population_only.decimals,
                parameter_set=population_only.name)
        stored = conn.execute("SELECT variant, count(*), sum(share_units) FROM draft_shares "
                              "GROUP BY ALL ORDER BY ALL").fetchall()
        assert stored == [("population only", 290, 100_000), (STANDARD_VARIANT, 290, 100_000)]
        assert conn.execute("SELECT * FROM draft_shares WHERE variant = ? ORDER BY ALL",
                            [STANDARD_VARIANT]).fetchall() == drafts
        differs = conn.execute(
            "SELECT count(*) FROM draft_shares AS s JOIN draft_shares AS v "
            "USING (share_year, municipality_code) WHERE s.variant = ? AND v.variant = ? "
            "AND s.share_units <> v.share_units", [STANDARD_VARIANT, "population only"]
        ).fetchone()[0]
        assert differs > 0  # a reader that took the variant would publish other shares

    assert materialise(data_dir, tmp_path, [*UP_TO_PUBLICATION, "review_workbooks"]).success
    assert written(out) == before
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM draft_shares WHERE variant = ?",
                            ["population only"]).fetchone() == (290,)
