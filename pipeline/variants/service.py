"""The variants of a share year as the statistician asks for them in August: read the standard
parameters and the variants, compute and compare them on the share year's basis in the warehouse,
store them beside the standard draft, and write the workbook, the CSV and the memo.

Everything is read, checked, computed and rendered before anything is written; the warehouse's
variants are replaced in one transaction that commits only after the three files are in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipeline.core.errors import AnvisningError
from pipeline.core.files import write_atomically
from pipeline.core.geography import load_features, project
from pipeline.core.layout import Layout
from pipeline.core.locks import exclusive_lock, lock_file_for
from pipeline.model.parameters import load_parameters
from pipeline.model.shares import SHARE_COLUMNS, days_in_year
from pipeline.publication.settings import load_publication_settings
from pipeline.variants.catalogue import Variant, load_variants
from pipeline.variants.comparison import Comparison, compare_variants, comparison_csv
from pipeline.variants.memo import memo_pdf
from pipeline.variants.workbook import workbook_bytes
from pipeline.warehouse.sql import execute, query


@dataclass(frozen=True)
class VariantsResult:
    """What the step did: the comparison, the files written, whether an input is illustrative,
    and the stored variants as the warehouse holds them (`sql/variant_summary.sql`)."""

    comparison: Comparison
    csv: Path
    workbook: Path
    memo: Path
    illustrative: bool
    stored: pl.DataFrame


def propose_variants(conn: duckdb.DuckDBPyConnection, layout: Layout, share_year: int,
                     today: date) -> VariantsResult:
    """Compute and compare every variant of `data/variants.toml` for `share_year`, on the basis
    the warehouse holds for it (ingestion and `share_basis` first), and write the outputs.

    Raises InputError for a bad variants or parameter file (file, line, key, value, rule) and
    ModelError for a variant the model cannot compute, before anything is written."""
    standard = load_parameters(layout.parameters, share_year)
    reference_year = standard.reference_year(share_year)
    basis = query(conn, "share_basis_for_year", share_year=share_year)
    codes = query(conn, "register_codes_for_year",
                  share_year=share_year)["municipality_code"].to_list()
    if basis.is_empty() or not codes:
        raise AnvisningError(f"the warehouse holds no share basis for share year {share_year}: "
                             "ingest its statistics and materialise share_basis first")
    variants = load_variants(layout.variants, standard, len(codes))
    comparison = compare_variants(basis, variants, days_in_year(reference_year), codes,
                                  share_year, reference_year)
    illustrative = bool(query(conn, "input_files_for_year",
                              share_year=share_year)["illustrative"].any())
    projected = project(load_features(layout.boundaries, codes))
    author = load_publication_settings(layout.publication_settings).issuer
    outputs = {
        layout.variants_csv(share_year): comparison_csv(comparison),
        layout.variants_workbook(share_year): workbook_bytes(comparison, illustrative),
        layout.variants_memo(share_year): memo_pdf(comparison, projected, illustrative, today,
                                                   author),
    }
    folder = layout.variants_folder(share_year)
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(lock_file_for(folder)):
        conn.execute("BEGIN TRANSACTION")
        try:
            execute(conn, "replace_variant_drafts", incoming=_stored_rows(comparison),
                    share_year=share_year, decimals=comparison.decimals)
            for path, data in outputs.items():
                write_atomically(path, data)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    paths = list(outputs)
    return VariantsResult(comparison=comparison, csv=paths[0], workbook=paths[1], memo=paths[2],
                          illustrative=illustrative,
                          stored=query(conn, "variant_summary", share_year=share_year))


def _stored_rows(comparison: Comparison) -> pl.DataFrame:
    """The model's columns of every variant but the standard, as draft_shares keeps them."""
    def rows(variant: Variant) -> pl.DataFrame:
        return comparison.drafts[variant.name].select(
            pl.lit(variant.name).alias("variant"), "municipality_code", *SHARE_COLUMNS,
            pl.lit(variant.parameters.name).alias("parameter_set"))

    # With the standard alone in the file, no rows: the variants stored before are removed.
    if not comparison.others:
        return rows(comparison.standard).head(0)
    return pl.concat([rows(variant) for variant in comparison.others])
