"""The warehouse keeps the published decisions: final shares of a published year are the table
that was published, whatever happened to the run that computed them.

A refused, failed or killed publication can leave final shares in the warehouse that nobody
published; the next share year would then compare with them. Every run puts the published tables
back at its start (`restore_published_final_shares`), and a publication that fails in any way
puts its year's table back before the error goes on.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipeline.core.layout import Layout
from pipeline.publication.store import published_years, read_published_decision
from pipeline.warehouse.sql import execute, query


def restore_published_final_shares(conn: duckdb.DuckDBPyConnection, layout: Layout,
                                   years: list[int] | None = None) -> list[int]:
    """Make the warehouse's final shares of every published year (or of `years`) equal the
    published table; returns the years that had to be put back."""
    restored = []
    for year in published_years(layout.out_dir) if years is None else years:
        decision = read_published_decision(layout.year_out(year), year)
        if decision is None:
            continue
        published, decimals = decision
        stored = query(conn, "final_units_for_year", share_year=year)
        if _same(stored, published):
            continue
        execute(conn, "replace_final_shares", incoming=published, share_year=year,
                decimals=decimals)
        restored.append(year)
    return restored


def previous_published(layout: Layout, share_year: int) -> pl.DataFrame | None:
    """Share year Y−1's published table (share_year, municipality_code, share_units), if any:
    what a draft and a review workbook compare with."""
    decision = read_published_decision(layout.year_out(share_year - 1), share_year - 1)
    if decision is None:
        return None
    return decision[0].select(pl.lit(share_year - 1, pl.Int64).alias("share_year"),
                              "municipality_code", "share_units")


def _same(stored: pl.DataFrame, published: pl.DataFrame) -> bool:
    columns = ["municipality_code", "calculated_units", "given_units", "received_units",
               "share_units"]
    if stored.height != published.height or not set(columns) <= set(stored.columns):
        return False
    return stored.select(columns).sort("municipality_code").equals(
        published.select(columns).sort("municipality_code"))
