"""The DuckDB warehouse: SQL loaded by name from `sql/`, run with DuckDB variables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
STATISTIC_TABLES = frozenset({"population", "newcomers_settled", "minors_received",
                              "asylum_housing_days", "minor_arrival_housing_days"})


def sql(name: str, table: str | None = None) -> str:
    """The text of sql/<name>.sql; `{table}` is filled only with a whitelisted table name."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    if table is not None:
        if table not in STATISTIC_TABLES:
            raise ValueError(f"not a statistic table: {table!r}")
        text = text.replace("{table}", table)
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
