"""The DuckDB warehouse: SQL loaded by name from `sql/`, run with DuckDB variables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipeline.ingestion.registry import INPUT_COLUMNS

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
STATISTIC_TABLES = frozenset(INPUT_COLUMNS)
# The parts of the SQL that list every statistic, derived from the registry.
_REGISTRY_PARTS = {
    "{statistic_columns}": ",\n    ".join(f"{name} BIGINT NOT NULL" for name in INPUT_COLUMNS),
    "{statistic_values}": ", ".join(f"s{i}.value" for i in range(len(INPUT_COLUMNS))),
    "{statistic_joins}": "\n".join(f"JOIN {name} AS s{i} USING (share_year, municipality_code)"
                                   for i, name in enumerate(INPUT_COLUMNS)),
}


def sql(name: str, table: str | None = None) -> str:
    """The text of sql/<name>.sql; `{table}` is filled only with a whitelisted table name, and
    the registry's placeholders with its statistics."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    if table is not None:
        if table not in STATISTIC_TABLES:
            raise ValueError(f"not a statistic table: {table!r}")
        text = text.replace("{table}", table)
    for placeholder, part in _REGISTRY_PARTS.items():
        text = text.replace(placeholder, part)
    return text


def set_variables(conn: duckdb.DuckDBPyConnection, **variables: object) -> None:
    # DuckDB binds parameters only in a multi-statement string's last statement, so the SQL files
    # read their parameters with getvariable() and the values are set here one statement each.
    for key, value in variables.items():
        conn.execute(f"SET VARIABLE {key} = ?", [value])


def execute(conn: duckdb.DuckDBPyConnection, name: str, *, table: str | None = None,
            incoming: pl.DataFrame | None = None, **variables: object) -> None:
    set_variables(conn, **variables)
    if incoming is not None:
        conn.register("incoming", incoming.to_arrow())
    try:
        conn.execute(sql(name, table))
    finally:
        if incoming is not None:
            conn.unregister("incoming")


def query(conn: duckdb.DuckDBPyConnection, name: str, *, table: str | None = None,
          **variables: object) -> pl.DataFrame:
    set_variables(conn, **variables)
    return conn.sql(sql(name, table)).pl()


def create_tables(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(sql("create_tables"))
    for table in INPUT_COLUMNS:
        conn.execute(sql("create_statistic_table", table))
