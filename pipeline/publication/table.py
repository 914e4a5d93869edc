"""The published share table (andelstal): its columns, what it states, its machine CSV.

This is the contract every edition and every reader of a published year shares. The CSV is the
decision in machine-readable form; the Excel and PDF editions present the same rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from pipeline.core.errors import AnvisningError
from pipeline.core.files import neutralise_formula
from pipeline.core.units import parse_promille, total_units, units_to_text
from pipeline.model.explain import units
from pipeline.presentation.columns import CHANGE_TERMS, SHARE_CONTEXT, SHARE_DECISION
from pipeline.presentation.formats import long_date
from pipeline.presentation.terms import ILLUSTRATIVE, SHARE

TEXT_COLUMNS = ["municipality_code", "municipality_name", "county_code", "county_name"]
UNIT_COLUMNS = ["calculated_units", "given_units", "received_units", "share_units"]
FINAL_COLUMNS = TEXT_COLUMNS + UNIT_COLUMNS
# Context beside the decision (nullable): the previous share year's published share, the change
# from it, the expected children of share year Y at the planning figure (pipeline.publication
# .context), and, in a reissue, the version a row changed from (pipeline.publication.revisions).
# They are added at the end, so a reader of the decision's columns by name or position is
# unaffected.
PROMILLE_CONTEXT = ["previous_units", "change_units"]
COUNT_CONTEXT = ["expected_children", "changed_from_version"]
CONTEXT_COLUMNS = PROMILLE_CONTEXT + COUNT_CONTEXT
DECISION_CSV_COLUMNS = [column.name for column in SHARE_DECISION]
CONTEXT_CSV_COLUMNS = [column.name for column in SHARE_CONTEXT]
# Last, why the share changed (pipeline.model.explain): the terms of change_promille, in units in
# the frame, empty where not explained (no previous share year, or not its inputs).
CHANGE_CSV_COLUMNS = [column.name for column in CHANGE_TERMS]
CHANGE_UNIT_COLUMNS = [units(name) for name in CHANGE_CSV_COLUMNS]
CSV_COLUMNS = DECISION_CSV_COLUMNS + CONTEXT_CSV_COLUMNS + CHANGE_CSV_COLUMNS
ILLUSTRATIVE_MARK = f"{ILLUSTRATIVE.upper()} – inte ett beslut"
PLACEHOLDER_ISSUER = "[utgivare saknas]"
PLACEHOLDER_DIARIENUMMER = "[diarienummer saknas]"
PLACEHOLDER_CONTACT = "[kontaktuppgift saknas]"


class PublicationError(AnvisningError):
    """Publishing would overwrite a published decision, or the published files were altered."""


@dataclass(frozen=True)
class InputFile:
    """One input a publication was computed from; `illustrative` marks made-up demo data."""

    name: str
    path: str
    sha256: str
    illustrative: bool
    description: str = ""  # the public Swedish line naming the source (texts.source_line)


@dataclass(frozen=True)
class Replacement:
    """The version a reissue replaces: its number, publication date and the reason."""

    version: int
    published_on: date
    reason: str


@dataclass(frozen=True)
class FieldChange:
    """One value of a row that differs from the replaced version: the machine column's name, the
    value before and after (units for promille, a count for children; None: empty)."""

    column: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class RowChange:
    """A municipality whose published values differ from the version this one replaces."""

    municipality_code: str
    municipality_name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PublicationInfo:
    """What a published table states besides the shares: its year, decision and provenance.

    `redistributions` are short Swedish notes, one per agreement (omfördelning), e.g.
    "0117 Österåker ger 0,50 ‰ till 0120 Värmdö (Lst AB 851-1-2025)". `issuer`, `diarienummer`
    and `contact` come from `data/publication.toml`; `planning_children`, `planning_scenario`
    (from `data/prognosis.toml`) and `ledger_as_of` describe the expected-children column.
    `published_on` is the publication date a new version states: given, else the decision date
    (`decision.choose_publication_date`). `version`, `replaces` and `changes` (the rows that
    differ from the replaced version; None when that version's CSV could not be read) are filled
    in by the store (`store.publish`) just before the editions are rendered.
    """

    share_year: int
    decision_date: date
    decimals: int
    parameter_set: str
    parameters: dict[str, object]
    inputs: list[InputFile]
    run_id: str
    redistributions: list[str] = field(default_factory=list)
    issuer: str = PLACEHOLDER_ISSUER
    diarienummer: str = PLACEHOLDER_DIARIENUMMER
    contact: str = PLACEHOLDER_CONTACT
    planning_children: int | None = None
    planning_scenario: str | None = None  # "low", "base" or "high" (pipeline.goals.prognosis)
    ledger_as_of: date | None = None
    # The share year whose published table the context columns compare with (None: none was).
    compared_with: int | None = None
    version: int = 1
    published_on: date | None = None
    replaces: Replacement | None = None
    changes: tuple[RowChange, ...] | None = ()

    @property
    def illustrative(self) -> bool:
        return any(item.illustrative for item in self.inputs)


@dataclass(frozen=True)
class CountySection:
    """One county (län) of the published table: its municipalities and their summed units."""

    county_code: str
    county_name: str
    municipalities: pl.DataFrame
    totals: tuple[int, ...]


def publication_title(share_year: int) -> str:
    return f"{SHARE.capitalize()} {share_year} för anvisning av ensamkommande barn"


def valid_from_text(share_year: int) -> str:
    return f"Gäller från {long_date(date(share_year, 1, 1))}"


def county_sections(final: pl.DataFrame) -> list[CountySection]:
    """The final table grouped by county in code order, with each county's subtotals."""
    ordered = final.sort("county_code", "municipality_code")
    return [
        CountySection(
            county_code=part["county_code"][0],
            county_name=part["county_name"][0],
            municipalities=part,
            totals=national_totals(part),
        )
        for part in ordered.partition_by("county_code", maintain_order=True)
    ]


def national_totals(final: pl.DataFrame) -> tuple[int, ...]:
    """Sums of the unit columns, in `UNIT_COLUMNS` order (calculated, given, received, share)."""
    return tuple(int(final[column].sum()) for column in UNIT_COLUMNS)


def with_context(final: pl.DataFrame) -> pl.DataFrame:
    """`final` with the `CONTEXT_COLUMNS` and `CHANGE_UNIT_COLUMNS`, empty (null) where they were
    not computed."""
    missing = [pl.lit(None, pl.Int64).alias(c) for c in CONTEXT_COLUMNS + CHANGE_UNIT_COLUMNS
               if c not in final.columns]
    return final.with_columns(missing) if missing else final


def render_csv(final: pl.DataFrame, decimals: int) -> bytes:
    """The final shares as CSV bytes: the machine-readable form of the decision.

    UTF-8 without BOM, '\\n' line ends, a decimal point, columns `CSV_COLUMNS`, rows in
    municipality-code order, each promille with exactly `decimals` decimals. The decision's
    columns come first (`DECISION_CSV_COLUMNS`); the context columns follow, empty where not
    known (no published previous year, a row unchanged in a reissue), then the terms of the
    change (`CHANGE_CSV_COLUMNS`), empty where it was not explained. The bytes depend on the
    table alone (no timestamp), so unchanged inputs give a byte-identical file.

    Text cells beginning with '=', '+', '-', '@', a tab or a carriage return are neutralised by a
    leading single quote (the OWASP CSV-injection rule), so a spreadsheet opening the file never
    runs them as a formula. Numbers are written as they are, a negative change included.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    columns = FINAL_COLUMNS + CONTEXT_COLUMNS + CHANGE_UNIT_COLUMNS
    counts = len(FINAL_COLUMNS + CONTEXT_COLUMNS) - len(COUNT_CONTEXT)
    terms_at = len(FINAL_COLUMNS + CONTEXT_COLUMNS)
    for row in with_context(final).sort("municipality_code").select(columns).iter_rows():
        texts = [neutralise_formula(value) for value in row[: len(TEXT_COLUMNS)]]
        numbers = ["" if value is None else units_to_text(value, decimals)
                   for value in row[len(TEXT_COLUMNS) : counts]]
        whole = ["" if value is None else str(value) for value in row[counts:terms_at]]
        terms = ["" if value is None else units_to_text(value, decimals)
                 for value in row[terms_at:]]
        writer.writerow(texts + numbers + whole + terms)
    return buffer.getvalue().encode("utf-8")


def check_final(final: pl.DataFrame, decimals: int) -> None:
    """The decision's columns are complete and total exactly 1000 ‰ (context may be empty)."""
    missing = [column for column in FINAL_COLUMNS if column not in final.columns]
    if missing:
        raise PublicationError(f"the final shares lack the columns {', '.join(missing)}")
    if final.select(FINAL_COLUMNS).null_count().sum_horizontal().item():
        raise PublicationError("the final shares hold empty values; nothing was published")
    total = int(final["share_units"].sum())
    if total != total_units(decimals):
        raise PublicationError(
            f"the final shares sum to {units_to_text(total, decimals)} ‰, not "
            f"{units_to_text(total_units(decimals), decimals)} ‰; nothing was published"
        )


def parse_csv(data: bytes, decimals: int) -> pl.DataFrame:
    """The machine CSV read back as `FINAL_COLUMNS` (promille text -> units); the context
    columns, absent from tables published before they existed, are not read."""
    frame = pl.read_csv(data, infer_schema=False)
    return frame.select(
        *TEXT_COLUMNS,
        *[pl.col(text).map_elements(lambda t: parse_promille(t, decimals),
                                    return_dtype=pl.Int64).alias(units)
          for text, units in zip(DECISION_CSV_COLUMNS[len(TEXT_COLUMNS):], UNIT_COLUMNS,
                                 strict=True)],
    )


def parse_change_csv(data: bytes, decimals: int) -> pl.DataFrame:
    """From the machine CSV: municipality_code, `previous_units`, `change_units` and the terms
    of the change (`CHANGE_UNIT_COLUMNS`), in units, null where empty or where a table
    published before a column existed lacks it."""
    frame = pl.read_csv(data, infer_schema=False)
    names = {"previous_share_promille": "previous_units", "change_promille": "change_units",
             **dict(zip(CHANGE_CSV_COLUMNS, CHANGE_UNIT_COLUMNS, strict=True))}
    return frame.select(
        "municipality_code",
        *[(pl.col(text).map_elements(lambda t: _signed_units(t, decimals),
                                     return_dtype=pl.Int64)
           if text in frame.columns else pl.lit(None, pl.Int64)).alias(name)
          for text, name in names.items()],
    )


def _signed_units(text: str, decimals: int) -> int:
    """"-0.12" -> -12 at 2 decimals; a change or a term may be negative."""
    negative = text.startswith("-")
    value = parse_promille(text.removeprefix("-"), decimals)
    return -value if negative else value
