"""The DuckDB warehouse: SQL loaded by name from `sql/`, run with DuckDB variables; its tables
follow their definitions in `sql/`, and so the registry, however old the warehouse file is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.core.errors import AnvisningError
from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.model.explain import FACTORS, units
from pipeline.model.parameters import STANDARD_VARIANT

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
STATISTIC_TABLES = frozenset(INPUT_COLUMNS)
# Tables recomputed per share year from the others. A migration may drop a column of theirs that
# sql/ no longer defines (share_basis's column of a statistic taken out of the registry); from any
# other table it refuses to, so ingested statistics and published facts are never lost.
DERIVED_TABLES = frozenset({"share_basis", "draft_shares", "draft_changes"})
# The parts of the SQL that list every statistic or every factor of the explained change, derived
# from the registry, and the name of the standard variant, which the parameters own.
_PARTS = {
    "{statistic_columns}": ",\n    ".join(f"{name} BIGINT" for name in INPUT_COLUMNS),
    "{statistic_values}": ", ".join(f"s{i}.value" for i in range(len(INPUT_COLUMNS))),
    "{statistic_joins}": "\n".join(f"JOIN {name} AS s{i} USING (share_year, municipality_code)"
                                   for i, name in enumerate(INPUT_COLUMNS)),
    "{change_columns}": ",\n    ".join(f"{f.column} DOUBLE,\n    {units(f.column)} BIGINT"
                                      for f in FACTORS),
    "{standard_variant}": f"'{STANDARD_VARIANT}'",
}
# An in-memory catalog, attached while create_tables reads the definitions sql/ gives today.
_CODE_CATALOG = "definitions_of_the_code"


def sql(name: str, table: str | None = None) -> str:
    """The text of sql/<name>.sql; `{table}` is filled only with a whitelisted table name, the
    registry's placeholders with its statistics, `{standard_variant}` with that name."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    if table is not None:
        if table not in STATISTIC_TABLES:
            raise ValueError(f"not a statistic table: {table!r}")
        text = text.replace("{table}", table)
    for placeholder, part in _PARTS.items():
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


def create_tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Create the warehouse's tables, and migrate every stored table whose definition is not the
    one sql/ gives today (a statistic added to the registry, a key widened by a column); returns
    the names of the tables migrated.

    One transaction; every row is kept (sql/migrate_table.sql). The table of a statistic taken
    out of the registry stays as it is.
    """
    stored, code = _definitions(conn)
    outdated = [name for name, table in code.items()
                if name in stored and stored[name].sql != table.sql]
    for name in outdated:
        lost = [column for column in stored[name].columns if column not in code[name].columns]
        if lost and name not in DERIVED_TABLES:
            raise AnvisningError(
                f"the warehouse table {name} has a column {lost[0]} that sql/ no longer defines; "
                "migrating the table would lose it: define the column again, or move its values "
                "elsewhere and drop it by hand")
    conn.execute("BEGIN TRANSACTION")
    try:
        _create(conn)
        for name in outdated:
            conn.execute(_migration(name, stored[name], code[name]))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return outdated


@dataclass(frozen=True)
class _Definition:
    sql: str  # as DuckDB prints it: columns, types, defaults, constraints and the key
    columns: tuple[str, ...]


def _create(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(sql("create_tables"))
    for table in INPUT_COLUMNS:
        conn.execute(sql("create_statistic_table", table))


def _definitions(
    conn: duckdb.DuckDBPyConnection,
) -> tuple[dict[str, _Definition], dict[str, _Definition]]:
    """The stored tables' definitions, and those sql/ gives today, printed by the same DuckDB
    from tables made in an empty in-memory catalog."""
    conn.execute(f"ATTACH ':memory:' AS {_CODE_CATALOG}")
    try:
        scratch = conn.cursor()  # USE changes the default catalog of this cursor only
        try:
            scratch.execute(f"USE {_CODE_CATALOG}")
            _create(scratch)
        finally:
            scratch.close()
        rows = query(conn, "table_definitions", code_catalog=_CODE_CATALOG)
    finally:
        conn.execute(f"DETACH {_CODE_CATALOG}")
    found: dict[bool, dict[str, _Definition]] = {False: {}, True: {}}
    for row in rows.iter_rows(named=True):
        found[row["of_the_code"]][row["table_name"]] = _Definition(row["sql"],
                                                                   tuple(row["columns"]))
    return found[False], found[True]


def _migration(name: str, stored: _Definition, code: _Definition) -> str:
    # Every name here comes from DuckDB's catalog of the tables sql/ defines.
    kept = ", ".join(column for column in stored.columns if column in code.columns)
    text = (SQL_DIR / "migrate_table.sql").read_text(encoding="utf-8")
    text = text.replace("{columns}", kept).replace("{table}", name)
    return text.replace("{definition}", code.sql)
