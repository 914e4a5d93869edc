"""What a publication of the share table is made from: the final shares and their context (the
change from the previous share year, term by term, and the children expected at the planning
figure), the decision and publication dates, the inputs named as their publishers name them, and
the statement. `prepare_publication` reads the warehouse and the data folder and writes nothing;
the store publishes what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from pipeline.core.config import described_file, read_sources
from pipeline.core.files import sha256_file
from pipeline.core.layout import Layout
from pipeline.goals.ledger import read_ledger
from pipeline.goals.prognosis import PlanningFigure, load_national_prognosis
from pipeline.ingestion.registry import INPUT_COLUMNS
from pipeline.model.change import ShareYear, share_change
from pipeline.model.explain import explain_change
from pipeline.model.parameters import load_parameters
from pipeline.presentation.formats import PRINT, long_date
from pipeline.presentation.terms import LEDGER
from pipeline.publication.context import add_context, counted_ledger_sha256, ledger_as_of
from pipeline.publication.decision import choose_decision_date, choose_publication_date
from pipeline.publication.settings import load_publication_settings
from pipeline.publication.store import published_paths, read_manifest
from pipeline.publication.table import (
    CHANGE_UNIT_COLUMNS,
    InputFile,
    PublicationError,
    PublicationInfo,
)
from pipeline.publication.texts import file_line, source_line
from pipeline.redistribution.forms.spreadsheets import classify_folder
from pipeline.warehouse.published import previous_published
from pipeline.warehouse.sql import query


@dataclass(frozen=True)
class PublicationRequest:
    """What the statistician asked for: a decision date (`explicit` when it may fall after
    1 January of the share year) and the date a new version states as published."""

    decision_date: date | None = None
    decision_date_explicit: bool = False
    publication_date: date | None = None


@dataclass(frozen=True)
class Prepared:
    """The table with its context and what the editions state about it."""

    table: pl.DataFrame
    info: PublicationInfo
    planning: PlanningFigure | None  # the national figure the expected children are for
    as_of: date | None  # the register's state the expected children start from


def prepare_publication(layout: Layout, share_year: int, conn: duckdb.DuckDBPyConnection,
                        run_id: str, request: PublicationRequest) -> Prepared:
    """Everything the share year's publication states, from the warehouse's final shares."""
    params = load_parameters(layout.parameters, share_year)
    statement = load_publication_settings(layout.publication_settings)
    out = layout.year_out(share_year)
    recorded = read_manifest(published_paths(out, share_year)["manifest"]) or {}
    final = query(conn, "final_for_year", share_year=share_year)
    files = query(conn, "input_files_for_year", share_year=share_year)
    agreements = query(conn, "agreements_for_year", share_year=share_year)
    basis = query(conn, "share_basis_for_year", share_year=share_year)
    # A decision keeps the comparison it was published with: Y−1 published later does not make a
    # rerun of Y a different decision.
    previous = (None if recorded and recorded.get("compared_with", share_year - 1) is None
                else _previous(layout, conn, share_year))
    decision_date = choose_decision_date(
        share_year, statement,
        given=request.decision_date, explicit=request.decision_date_explicit,
        published=_recorded_date(recorded, "decision_date"),
        approvals=agreements["approved_on"].to_list(),
    )
    published_on = choose_publication_date(decision_date, request.publication_date)
    ledger = _ledger(layout, final)
    as_of = (ledger_as_of(ledger, share_year, _recorded_date(recorded, "ledger_as_of"))
             if ledger is not None else None)
    planning = _planning(layout, share_year, recorded) if as_of is not None else None
    change = share_change(ShareYear.decided(share_year, params, final, basis), previous)
    table = add_context(final, change, ledger=ledger, as_of=as_of,
                        planning_children=planning.children if planning else None)
    explanation = explain_change(change)
    if explanation is not None:
        table = table.join(explanation.table.select("municipality_code", *CHANGE_UNIT_COLUMNS),
                           on="municipality_code", how="left", maintain_order="left")
    inputs = _inputs(files, layout, share_year, params.reference_year(share_year))
    if ledger is not None and as_of is not None:
        inputs.append(_ledger_input(layout, ledger, as_of))
    info = PublicationInfo(
        share_year=share_year,
        decision_date=decision_date,
        decimals=params.decimals,
        parameter_set=params.name,
        parameters=params.as_dict(),
        inputs=inputs,
        run_id=run_id,
        redistributions=[_note(row, params.decimals) for row in agreements.iter_rows(named=True)],
        issuer=statement.issuer,
        diarienummer=statement.diarienummer,
        contact=statement.contact,
        planning_children=planning.children if planning else None,
        planning_scenario=(planning.scenario or None) if planning else None,
        ledger_as_of=as_of,
        compared_with=change.compared_year,
        published_on=published_on,
    )
    return Prepared(table, info, planning, as_of)


def _recorded_date(manifest: dict, key: str) -> date | None:
    value = manifest.get(key)
    return date.fromisoformat(value) if value else None


def _planning(layout: Layout, share_year: int, recorded: dict) -> PlanningFigure | None:
    """The national figure the expected children are computed for: the one a published year
    states (a prognosis revised later does not change a decision's document), else the planning
    scenario of data/prognosis.toml for the share year, or None when it has no such year."""
    if recorded.get("planning_children") is not None:
        return PlanningFigure(share_year, recorded.get("planning_scenario") or "",
                              int(recorded["planning_children"]))
    prognosis = load_national_prognosis(layout.prognosis)
    return prognosis.planning_figure(share_year) if prognosis is not None else None


def _previous(layout: Layout, conn: duckdb.DuckDBPyConnection, share_year: int
              ) -> ShareYear | None:
    """The previous share year as published, or None (also when it cannot be read)."""
    try:
        return previous_published(layout, conn, share_year)
    except PublicationError:
        return None


def _ledger(layout: Layout, final):
    """The assignment ledger, validated, or None when the data folder has none."""
    if not layout.ledger.is_file():
        return None
    return read_ledger(layout.ledger, final["municipality_code"].to_list(), date.today())


def _ledger_input(layout: Layout, ledger, as_of: date) -> InputFile:
    flag = described_file(layout.ledger)["illustrative"]
    what = (f"Anvisningar av ensamkommande barn 1 januari 2016 – {long_date(as_of)} "
            f"({LEDGER})")
    return InputFile(name="ledger", path=str(layout.ledger),
                     sha256=counted_ledger_sha256(ledger, as_of), illustrative=flag,
                     description=file_line(what, flag))


def _inputs(files, layout: Layout, share_year: int, reference_year: int) -> list[InputFile]:
    inputs = [InputFile(name=row["statistic"], path=row["path"], sha256=row["sha256"],
                        illustrative=bool(row["illustrative"]),
                        description=source_line(row["statistic"], row["source"] or "",
                                                bool(row["illustrative"]), reference_year))
              for row in files.iter_rows(named=True)]
    inputs.sort(key=lambda item: INPUT_COLUMNS.index(item.name)
                if item.name in INPUT_COLUMNS else len(INPUT_COLUMNS))
    inputs.append(_file_input("parameters", layout.parameters, illustrative=False,
                              description="Modellens parametrar (se Så beräknas andelstalen)"))
    agreements = layout.agreements_csv(share_year)
    if agreements.is_file():
        # An agreement file says in sources.toml whether it is illustrative; no default.
        flag = described_file(agreements)["illustrative"]
        what = f"Överenskommelser om omfördelning {share_year} ({agreements.name})"
        inputs.append(_file_input(f"redistributions/{agreements.name}", agreements, flag,
                                  file_line(what, flag)))
    # A form returned by a county board is its own statement, official unless the folder's
    # sources.toml lists it as illustrative.
    forms = layout.returned_forms(share_year)
    described = read_sources(forms)
    for path in classify_folder(forms).spreadsheets:
        flag = described.get(path.name, {}).get("illustrative", False)
        what = f"länsstyrelsens blankett för omfördelning {share_year} ({path.name})"
        inputs.append(_file_input(f"redistributions/{path.name}", path, flag,
                                  file_line(what[0].upper() + what[1:], flag)))
    return inputs


def _file_input(name: str, path, illustrative: bool, description: str = "") -> InputFile:
    return InputFile(name=name, path=str(path), sha256=sha256_file(path),
                     illustrative=illustrative, description=description)


def _note(row: dict, decimals: int) -> str:
    amount = PRINT.promille(row["amount_units"], decimals)
    return (f"{row['giver_code']} {row['giver_name']} ger {amount} till "
            f"{row['receiver_code']} {row['receiver_name']} ({row['reference']}, "
            f"beslutad {long_date(row['approved_on'])})")
