"""The draft of a share year (utkast till andelstal), from the warehouse's share basis to the
stored draft, its change from the previous share year term by term, and the files a statistician
reads: `draft_share_year` computes and stores, `write_draft_files` writes the CSVs and the
provenance."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline.core.files import write_atomically
from pipeline.core.layout import Layout
from pipeline.model.change import ShareChange, ShareYear, share_change
from pipeline.model.draft import comparison_csv, draft_csv
from pipeline.model.explain import ChangeExplanation, explain_change, stored_changes
from pipeline.model.parameters import ModelParameters, load_parameters
from pipeline.model.review import largest_changes
from pipeline.model.shares import compute_shares, days_in_year
from pipeline.model.validation import validate_draft
from pipeline.presentation.change_explained import MAIN_CAUSE, main_causes
from pipeline.warehouse.published import previous_published
from pipeline.warehouse.sql import execute, query


@dataclass(frozen=True)
class Drafted:
    """A share year's draft as stored, with what is recorded about it."""

    share_year: int
    parameters: ModelParameters
    draft: pl.DataFrame
    summary: dict  # sql/draft_summary.sql's row, read back from what was stored
    files: pl.DataFrame  # the input files by hash
    change: ShareChange
    explanation: ChangeExplanation | None

    @property
    def illustrative(self) -> bool:
        return bool(self.files["illustrative"].any())

    @property
    def at_floor(self) -> int:
        return int(self.summary["at_floor"])

    def compared(self) -> str:
        previous_year = self.change.compared_year
        if previous_year:
            return f"compared with share year {previous_year}'s published table"
        return f"no published table for {self.share_year - 1} to compare with"

    def explained(self) -> str:
        explanation, change = self.explanation, self.change
        if explanation is not None:
            return (f"{explanation.table.height} changes from share year "
                    f"{explanation.previous_year} explained term by term (population, "
                    "reception, parameters, rounding, redistribution)")
        if change.previous is None:
            return "none: no published share year to compare with"
        return (f"none: the inputs share year {change.previous.share_year} was computed from "
                "are no longer in the warehouse")

    def largest_changes(self) -> pl.DataFrame:
        """The largest changes against last year's published shares, each with its main
        cause."""
        year, decimals = self.share_year, self.parameters.decimals
        if self.explanation is None:
            return largest_changes(self.change.table, decimals, f"utkast {year}",
                                   f"andel {year - 1}")
        table = self.change.table.join(main_causes(self.explanation), on="municipality_code",
                                       how="left")
        return largest_changes(table, decimals, f"utkast {year}", f"andel {year - 1}",
                               extra=(MAIN_CAUSE,))


def draft_share_year(layout: Layout, share_year: int,
                     conn: duckdb.DuckDBPyConnection) -> Drafted:
    """Compute the draft by the model from the stored share basis, validate it (step 6), and
    store it and its explained change as the parameters' variant."""
    params = load_parameters(layout.parameters, share_year)
    reference_year = params.reference_year(share_year)
    basis = query(conn, "share_basis_for_year", share_year=share_year)
    register_codes = query(conn, "register_codes_for_year", share_year=share_year)
    draft = compute_shares(basis, params, days_in_year(reference_year))
    validate_draft(draft, params, register_codes["municipality_code"].to_list())
    execute(conn, "replace_draft_shares", incoming=draft, share_year=share_year,
            variant=params.variant, decimals=params.decimals, parameter_set=params.name)
    summary = query(conn, "draft_summary", share_year=share_year,
                    variant=params.variant).row(0, named=True)
    files = query(conn, "input_files_for_year", share_year=share_year)
    previous = previous_published(layout, conn, share_year)
    change = share_change(ShareYear.drafted(share_year, params, draft), previous)
    explanation = explain_change(change)
    execute(conn, "replace_draft_changes", incoming=stored_changes(explanation),
            share_year=share_year, variant=params.variant, decimals=params.decimals,
            previous_share_year=change.compared_year)
    return Drafted(share_year, params, draft, summary, files, change, explanation)


def write_draft_files(layout: Layout, drafted: Drafted, run_id: str) -> None:
    """The draft CSV (with the change term by term), the comparison CSV and the provenance
    (parameter set, input files by hash, the run)."""
    share_year, params = drafted.share_year, drafted.parameters
    write_atomically(layout.draft_csv(share_year),
                     draft_csv(drafted.draft, params.decimals, drafted.explanation))
    write_atomically(layout.draft_change_csv(share_year), comparison_csv(drafted.change))
    provenance = {
        "share_year": share_year, "reference_year": params.reference_year(share_year),
        "parameter_set": params.name, "parameters": params.as_dict(),
        "input_files": drafted.files.to_dicts(), "run_id": run_id,
        "illustrative": drafted.illustrative,
    }
    write_atomically(layout.draft_provenance(share_year),
                     json.dumps(provenance, indent=2, ensure_ascii=False).encode("utf-8"))
