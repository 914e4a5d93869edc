"""The shipped inputs of share year 2026 for the variants' tests: the basis as share_basis joins it,
and a warehouse holding what ingestion and share_basis store, without Dagster."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipeline.core.layout import Layout
from pipeline.ingestion.from_register import load_inputs
from pipeline.ingestion.register import load_register
from pipeline.warehouse.sql import create_tables, execute

DATA = Path(__file__).resolve().parent.parent / "data"
SHARE_YEAR = 2026
REFERENCE_YEAR = 2024


@functools.cache
def loaded() -> tuple[pl.DataFrame, tuple]:
    register = load_register(DATA / "reference" / "municipalities.csv")
    # B comes from the register, computed in DuckDB as ingestion does.
    with duckdb.connect() as conn:
        statistics = tuple(load_inputs(Layout(DATA, DATA.parent / "out"), REFERENCE_YEAR,
                                       register, date.today(), conn))
    return register, statistics


def basis() -> pl.DataFrame:
    """The register's columns and the five inputs per municipality, in code order."""
    register, statistics = loaded()
    frame = register
    for item in statistics:
        frame = frame.join(item.values, on="municipality_code", how="left", maintain_order="left")
    return frame.sort("municipality_code")


def seed_warehouse(path: Path) -> None:
    """A DuckDB file with share year 2026's register, statistics, input files and share basis, as
    the ingestion and share_basis assets store them."""
    register, statistics = loaded()
    with duckdb.connect(str(path)) as conn:
        create_tables(conn)
        execute(conn, "replace_register", incoming=register, share_year=SHARE_YEAR)
        for item in statistics:
            name = item.file.statistic
            execute(conn, "replace_statistic", table=name,
                    incoming=item.values.rename({name: "value"}), share_year=SHARE_YEAR,
                    reference_year=REFERENCE_YEAR)
        files = pl.DataFrame({
            "statistic": [i.file.statistic for i in statistics],
            "path": [str(i.file.path) for i in statistics],
            "sha256": [i.file.sha256 for i in statistics],
            "illustrative": [i.file.illustrative for i in statistics],
            "source": [i.file.source for i in statistics]})
        execute(conn, "replace_input_files", incoming=files, share_year=SHARE_YEAR)
        execute(conn, "replace_share_basis", share_year=SHARE_YEAR)
