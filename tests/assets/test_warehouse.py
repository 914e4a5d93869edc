"""The warehouse's tables follow their definitions in sql/ (and so the registry) on a warehouse
file of any age, keeping every row."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from assets.warehouse import create_tables
from pipeline.core.errors import AnvisningError

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


def rows(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return conn.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


def test_an_up_to_date_warehouse_is_left_as_it_is(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        assert create_tables(conn) == []
        assert create_tables(conn) == []


def test_a_warehouse_from_commit_41bd848_is_migrated_with_every_row_kept(tmp_path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute(EARLIER_TABLES)
        drafts, basis = rows(conn, "draft_shares"), rows(conn, "share_basis")
        assert create_tables(conn) == ["share_basis"]
        assert (rows(conn, "draft_shares"), rows(conn, "share_basis")) == (drafts, basis)
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
