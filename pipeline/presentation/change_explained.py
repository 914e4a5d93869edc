"""Why a share changed, in Swedish: the terms of the change in a line ("Befolkning −0,12 ‰ ·
Mottagna nyanlända +0,03 ‰"), one sentence naming the largest cause in plain words, and the method
in three sentences without a formula. What the review workbook, the site and the Dagster metadata
say about a `pipeline.model.explain.ChangeExplanation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from pipeline.model.change import ShareChange
from pipeline.model.explain import (
    FACTORS,
    REDISTRIBUTION,
    ROUNDING,
    ChangeExplanation,
    direction,
    units,
)
from pipeline.presentation.columns import CHANGE_TERMS
from pipeline.presentation.explanation import DECIMAL_WORDS
from pipeline.presentation.formats import MISSING, PLAIN, WEB, Numbers

MAIN_CAUSE = "Främsta orsak"
LABELS = {column.name: column.label for column in CHANGE_TERMS}
SEPARATOR = " · "
# What moved, for a reader: the municipality's part of the nation's total of a statistic, and
# the same statistic in the other municipalities. A statistic without an entry is named by its
# heading.
OWN_PART = {
    "population": "kommunens andel av rikets folkmängd",
    "newcomers_settled": "kommunens andel av rikets mottagande av nyanlända",
    "minors_received": "kommunens andel av rikets mottagande av ensamkommande barn",
    "asylum_housing_days": "kommunens andel av asylsökandes boendedygn i riket",
    "minor_arrival_housing_days": "kommunens andel av de boendedygn som ensamkommande barn har i "
                                  "sin ankomstkommun",
}
OTHERS = {
    "population": "andra kommuners folkmängd",
    "newcomers_settled": "andra kommuners mottagande av nyanlända",
    "minors_received": "andra kommuners mottagande av ensamkommande barn",
    "asylum_housing_days": "asylsökandes boendedygn i andra kommuner",
    "minor_arrival_housing_days": "ensamkommande barns boendedygn i andra ankomstkommuner",
}
_BY_COLUMN = {factor.column: factor for factor in FACTORS}


@dataclass(frozen=True)
class Explained:
    """One municipality's change in words: `terms` the non-zero terms in a line, `cause` the
    sentence naming the largest."""

    terms: str
    cause: str


def explained_texts(explanation: ChangeExplanation,
                    numbers: Numbers = WEB) -> dict[str, Explained]:
    """Every municipality's terms and sentence, by municipality code."""
    change = explanation.change
    years = _years(change)
    last_year = {code: previous - calculated for code, previous, calculated in
                 change.table.select("municipality_code", "previous_units",
                                     "previous_calculated_units").iter_rows()}
    drafted = change.table["final_units"].null_count() == change.table.height
    return {row["municipality_code"]: Explained(
                terms_text(row, explanation.decimals, numbers),
                cause_sentence(row, explanation.decimals, years, drafted,
                               last_year[row["municipality_code"]], numbers))
            for row in explanation.table.iter_rows(named=True)}


def terms_text(row: Mapping[str, Any], decimals: int, numbers: Numbers = WEB) -> str:
    """The non-zero terms of a row of `ChangeExplanation.table`, in order: "Befolkning −0,12 ‰ ·
    Avrundning +0,01 ‰"; "Ingen förändring" when every term is 0."""
    terms = [f"{LABELS[column]} {_amount(row[units(column)], decimals, numbers)}"
             for column in (*(f.column for f in FACTORS), ROUNDING, REDISTRIBUTION)
             if row[units(column)]]
    return SEPARATOR.join(terms) if terms else "Ingen förändring"


def main_cause(row: Mapping[str, Any], decimals: int, numbers: Numbers = PLAIN) -> str:
    """The largest term with its amount, "Befolkning -0,12 ‰", for a table of many changes;
    "–" when no term reaches one unit."""
    column = str(row["main_term"])
    if not row[units(column)]:
        return MISSING
    return f"{LABELS[column]} {_amount(row[units(column)], decimals, numbers)}"


def main_causes(explanation: ChangeExplanation) -> pl.DataFrame:
    """municipality_code and `MAIN_CAUSE`, each municipality's `main_cause` (PLAIN numbers)."""
    table = explanation.table
    return pl.DataFrame({
        "municipality_code": table["municipality_code"],
        MAIN_CAUSE: [main_cause(row, explanation.decimals) for row in table.iter_rows(named=True)],
    })


def cause_sentence(row: Mapping[str, Any], decimals: int, years: tuple[int, int, int, int],
                   drafted: bool, last_year_redistributed: int, numbers: Numbers = WEB) -> str:
    """One sentence naming the term that moved the share most, in plain words.

    `years` are the previous and this share year and their reference years; `drafted` says that
    this year's agreements are not yet applied (the share is the draft);
    `last_year_redistributed` is (received − given) of the previous year, in this year's units.
    """
    column = str(row["main_term"])
    amount = int(row[units(column)])
    if amount == 0:
        if row["change_units"] == 0:
            return "Andelen är oförändrad."
        return ("Förändringen kommer bara av att andelarna avrundas till "
                f"{DECIMAL_WORDS.get(decimals, f'{decimals} decimaler')}.")
    effect = (f"vilket {'höjer' if amount > 0 else 'sänker'} andelen med "
              f"{numbers.promille(abs(amount), decimals)}")
    previous, year, previous_reference, reference = years
    if column == REDISTRIBUTION:
        if drafted:
            return (f"Störst betydelse har att omfördelningen {previous} inte gäller för utkastet "
                    f"{year}, {effect}.")
        if last_year_redistributed == 0:
            return f"Störst betydelse har omfördelningen i länet {year}, {effect}."
        return (f"Störst betydelse har att omfördelningen i länet ändrades från {previous} till "
                f"{year}, {effect}.")
    factor = _BY_COLUMN[column]
    if factor.statistic is None:
        return f"Störst betydelse har att modellens parametrar ändrades, {effect}."
    name = factor.statistic.name
    moved = int(row[direction(factor)])
    between = f"från {previous_reference} till {reference}"
    # More of the population raises a share; more reception lowers it. When the municipality's
    # own part moved the other way or not at all, the others' figures moved its share (through
    # the national totals and the floor).
    expected = 1 if factor.statistic.weight is None else -1
    if moved != 0 and moved * expected == (1 if amount > 0 else -1):
        own = OWN_PART.get(name, f"kommunens andel av rikets {factor.statistic.swedish.lower()}")
        return (f"Störst betydelse har att {own} {'ökade' if moved > 0 else 'minskade'} "
                f"{between}, {effect}.")
    others = OTHERS.get(name, f"{factor.statistic.swedish.lower()} i andra kommuner")
    return f"Störst betydelse har förändringar i {others} {between}, {effect}."


def method_sentences(sheet: str, previous: int, decimals: int) -> list[str]:
    """The method in three sentences for a county board, without a formula."""
    statistics = [LABELS[f.column].lower() for f in FACTORS if f.statistic is not None]
    listed = ", ".join(statistics[:-1]) + " och " + statistics[-1]
    words = DECIMAL_WORDS.get(decimals, f"{decimals} decimaler")
    return [
        f"Bladet {sheet} delar upp varje kommuns förändring sedan {previous} på det som andelen "
        f"räknas fram från: {listed} samt modellens parametrar.",
        "En uppgifts bidrag är hur mycket andelen ändras när just den uppgiften byts från förra "
        "årets värde till årets, i genomsnitt över alla ordningar som uppgifterna kan bytas i, "
        "så att ingen uppgift gynnas av i vilken ordning man räknar.",
        f"Bidragen avrundas till {words}, och avrundningen och omfördelningarna står som egna "
        "bidrag, så att bidragen summerar exakt till förändringen.",
    ]


def unexplained(change: ShareChange) -> str:
    """Why a change has no explanation (`pipeline.model.explain.explain_change` gave None)."""
    year = change.current.share_year
    if change.previous is None:
        return f"Det finns ingen publicerad tabell för {year - 1} att jämföra med."
    return (f"Uppgifterna som andelarna för {change.previous.share_year} räknades fram från finns "
            "inte längre kvar, så förändringen kan inte delas upp på orsaker.")


def _years(change: ShareChange) -> tuple[int, int, int, int]:
    previous, current = change.previous, change.current
    assert previous is not None
    return (previous.share_year, current.share_year,
            previous.parameters.reference_year(previous.share_year),
            current.parameters.reference_year(current.share_year))


def _amount(value: int, decimals: int, numbers: Numbers) -> str:
    return f"{numbers.fixed(value, decimals, signed=True)}{numbers.unit_space}‰"
