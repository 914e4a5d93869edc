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
from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.model.change import ShareYear
from pipeline.model.parameters import ModelParameters
from pipeline.publication.store import (
    published_paths,
    published_years,
    read_manifest,
    read_published_decision,
)
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


def previous_published(layout: Layout, conn: duckdb.DuckDBPyConnection,
                       share_year: int) -> ShareYear | None:
    """Share year Y−1 as published, if it is: its table, the parameters its manifest records and
    the inputs it was computed from (None unless the warehouse still holds them). What a draft,
    the review workbooks and the published table compare with (`pipeline.model.change`)."""
    year = share_year - 1
    decision = read_published_decision(layout.year_out(year), year)
    if decision is None:
        return None
    manifest = read_manifest(published_paths(layout.year_out(year), year)["manifest"])
    return ShareYear.decided(year, ModelParameters.from_values(manifest["parameters"]),
                             decision[0], _inputs_as_published(conn, year, manifest))


def _inputs_as_published(conn: duckdb.DuckDBPyConnection, share_year: int,
                         manifest: dict) -> pl.DataFrame | None:
    """The warehouse's basis of a published year when it was loaded from the very files the
    publication names (by SHA-256); a year loaded again from other files since is not it."""
    published = {item["name"]: item["sha256"] for item in manifest.get("inputs", [])
                 if item["name"] in INPUT_COLUMNS}
    files = query(conn, "input_files_for_year", share_year=share_year)
    if dict(zip(files["statistic"], files["sha256"], strict=True)) != published:
        return None
    basis = query(conn, "share_basis_for_year", share_year=share_year)
    return basis if basis.height else None


def _same(stored: pl.DataFrame, published: pl.DataFrame) -> bool:
    columns = ["municipality_code", "calculated_units", "given_units", "received_units",
               "share_units"]
    if stored.height != published.height or not set(columns) <= set(stored.columns):
        return False
    return stored.select(columns).sort("municipality_code").equals(
        published.select(columns).sort("municipality_code"))
