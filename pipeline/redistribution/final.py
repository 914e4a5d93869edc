"""The December decision's arithmetic: the draft, the approved agreements and the county boards'
forms become the final shares (slutliga andelstal), with what a statistician checks before the
decision. `decide_final_shares` computes without writing; `store_final_shares` writes the
agreements and the final shares in one transaction and returns the invariants read back."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline.core.layout import Layout
from pipeline.core.units import total_units, units_to_text
from pipeline.model.change import ShareChange, ShareYear, share_change
from pipeline.model.parameters import STANDARD_VARIANT, ModelParameters, load_parameters
from pipeline.model.review import agreements_applied, county_totals, largest_changes
from pipeline.presentation.formats import PLAIN
from pipeline.publication.settings import load_publication_settings
from pipeline.redistribution.december_round import collect_agreements
from pipeline.redistribution.forms.problems import Notice
from pipeline.redistribution.rules import apply_redistributions
from pipeline.warehouse.published import previous_published
from pipeline.warehouse.sql import execute, query

AGREEMENT_SCHEMA = {"share_year": pl.Int64, "giver_code": pl.String, "receiver_code": pl.String,
                    "amount_units": pl.Int64, "approved_on": pl.Date, "reference": pl.String,
                    "source": pl.String}


@dataclass(frozen=True)
class FinalShares:
    """One share year's final shares and what they were decided from."""

    share_year: int
    parameters: ModelParameters
    illustrative: bool  # whether any input of the share year is illustrative
    draft: pl.DataFrame  # the standard variant's draft, as reviewed
    final: pl.DataFrame  # calculated, given, received and final units per municipality
    agreements: pl.DataFrame  # as stored: every amount in units ("hela andelen" resolved)
    notices: tuple[Notice, ...]  # files beside the forms that are not forms
    change: ShareChange  # against the previous share year as published

    @property
    def decimals(self) -> int:
        return self.parameters.decimals

    @property
    def at_floor(self) -> int:
        return int((self.final["share_units"] == self.parameters.floor_units).sum())

    @property
    def below_floor(self) -> int:
        """Municipalities below the floor: only by giving, which the rules allow."""
        return int((self.final["share_units"] < self.parameters.floor_units).sum())

    @property
    def changed(self) -> pl.DataFrame:
        return self.final.filter(pl.col("given_units") + pl.col("received_units") > 0)

    @property
    def summary(self) -> str:
        return (f"{self.agreements.height} agreements applied, {self.changed.height} "
                f"municipalities changed, {self.at_floor} at the floor and {self.below_floor} "
                "below it by giving; county totals and the national total unchanged")

    def tables(self) -> dict[str, pl.DataFrame]:
        """The tables shown beside the decision, by name: the agreements with names, the
        municipalities they changed, the largest changes from last year, the draft against the
        final shares, and the county totals."""
        names = dict(zip(self.draft["municipality_code"], self.draft["municipality_name"],
                         strict=True))
        year, decimals, changed = self.share_year, self.decimals, self.changed
        return {
            "agreements_applied": agreements_applied(self.agreements, names, decimals),
            "changed": pl.DataFrame({
                "Kommun": [f"{c} {n}" for c, n in zip(changed["municipality_code"],
                                                        changed["municipality_name"],
                                                        strict=True)],
                **{label: [PLAIN.fixed(u, decimals) for u in changed[column]]
                   for label, column in (("Beräknad ‰", "calculated_units"),
                                         ("Lämnad ‰", "given_units"),
                                         ("Mottagen ‰", "received_units"),
                                         ("Andel ‰", "share_units"))},
            }),
            "largest_changes": largest_changes(self.change.table, decimals, f"andel {year}",
                                               f"andel {year - 1}"),
            "draft_against_final": largest_changes(
                self.change.table, decimals, f"slutlig {year}", f"utkast {year}",
                before="calculated_units", change="redistributed_units"),
            "county_totals": county_totals(self.change.table, decimals),
        }


@dataclass(frozen=True)
class Invariants:
    """MODEL.md's invariants of the stored final shares, read back from the warehouse."""

    counties_changed: int
    national_units: int
    untouched_changed: int
    calculated_differs: int
    negative: int
    decimals: int

    @property
    def national_total_exact(self) -> bool:
        return self.national_units == total_units(self.decimals)

    @property
    def national_total(self) -> str:
        return units_to_text(self.national_units, self.decimals)

    @property
    def untouched_unchanged(self) -> bool:
        return self.untouched_changed == self.calculated_differs == self.negative == 0


def decide_final_shares(layout: Layout, share_year: int,
                        conn: duckdb.DuckDBPyConnection) -> FinalShares:
    """The final shares of a share year from its stored standard draft and the agreements and
    forms in the data folder, every one validated (a refusal raises AnvisningError)."""
    params = load_parameters(layout.parameters, share_year)
    decimals = params.decimals
    draft = query(conn, "draft_for_year", share_year=share_year, variant=STANDARD_VARIANT)
    illustrative = bool(query(conn, "input_files_for_year",
                              share_year=share_year)["illustrative"].any())
    register = draft.select("municipality_code", "municipality_name", "county_code",
                            "county_name")
    units = dict(zip(draft["municipality_code"], draft["share_units"], strict=True))
    december = collect_agreements(
        layout, share_year, register, units, decimals, illustrative=illustrative,
        issuer=load_publication_settings(layout.publication_settings).issuer)
    agreements = december.agreements
    final = apply_redistributions(draft, agreements, decimals)
    stored = pl.DataFrame({
        "share_year": [a.share_year for a in agreements],
        "giver_code": [a.giver_code for a in agreements],
        "receiver_code": [a.receiver_code for a in agreements],
        "amount_units": [a.units(units) for a in agreements],
        "approved_on": [a.approved_on for a in agreements],
        "reference": [a.reference for a in agreements],
        "source": [a.source for a in agreements],
    }, schema=AGREEMENT_SCHEMA)
    previous = previous_published(layout, conn, share_year)
    change = share_change(ShareYear.decided(share_year, params, final, draft), previous)
    return FinalShares(share_year, params, illustrative, draft, final, stored,
                       tuple(december.notices), change)


def store_final_shares(conn: duckdb.DuckDBPyConnection, result: FinalShares) -> Invariants:
    """Replace the share year's agreements and final shares in one transaction; the invariants
    are then read back from what was stored."""
    conn.execute("BEGIN TRANSACTION")
    execute(conn, "replace_agreements", incoming=result.agreements, share_year=result.share_year)
    execute(conn, "replace_final_shares", incoming=result.final, share_year=result.share_year,
            decimals=result.decimals)
    conn.execute("COMMIT")
    row = query(conn, "final_invariants", share_year=result.share_year,
                variant=STANDARD_VARIANT).row(0, named=True)
    return Invariants(**{key: int(row[key]) for key in (
        "counties_changed", "national_units", "untouched_changed", "calculated_differs",
        "negative")}, decimals=result.decimals)
