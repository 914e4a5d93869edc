"""How to read the share table, in Swedish, before the table: what 1 ‰ means, one worked example
with this table's own figures, and why the expected children are not the share × the planning
figure. The PDF prints it on its first page; the Excel edition on its sheet "Om tabellen".

The example is the municipality with the largest share (the lower code on a tie), whose share
times the planning figure is a number of children large enough to compare; where some
municipality is expected to receive no child, the one of them with the largest share shows the
other side of the rule.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from pipeline.core.units import total_units
from pipeline.presentation.formats import MISSING, PRINT, long_date
from pipeline.presentation.terms import PLANNING_FIGURE, SCENARIO_NAMES, SHARE
from pipeline.publication.table import PublicationInfo, with_context

PROMILLE = (
    f"{SHARE.capitalize()}et anges i promille (‰), tusendelar. 1 ‰ betyder ett barn av tusen: en "
    f"kommun med {SHARE}et 1,00 ‰ ska med tiden ta emot ett av varje {PRINT.integer(1000)} "
    f"ensamkommande barn som anvisas i landet. {SHARE.capitalize()}en för alla kommuner är "
    f"tillsammans {PRINT.fixed(100_000, 2)} ‰."
)
RULE = (
    "Varje barn anvisas till den kommun som har lägst måluppfyllelse, räknat på alla anvisningar "
    "sedan 1 januari 2016 (måluppfyllelse = anvisade barn delat med målet, kommunens "
    f"{SHARE} av alla barn som anvisats i landet). En kommun som har tagit emot fler barn än "
    f"sitt {SHARE} får därför färre barn, eller inga, tills de andra har kommit ikapp; en kommun "
    "som har tagit emot färre får fler."
)


def planning_words(info: PublicationInfo) -> str:
    """ "410 barn (planeringstal: scenariot Bas i den nationella prognosen för 2026)"."""
    scenario = SCENARIO_NAMES.get(info.planning_scenario or "")
    where = (f"scenariot {scenario} i den nationella prognosen för {info.share_year}"
             if scenario else f"den nationella prognosen för {info.share_year}")
    return f"{PRINT.integer(info.planning_children or 0)} barn ({PLANNING_FIGURE}: {where})"


def reading_guide(final: pl.DataFrame, info: PublicationInfo) -> list[str]:
    """The guide's paragraphs: the promille, the example, and (where the expected children are
    known) why they differ from share × figure."""
    final = with_context(final)
    known = ("expected_children" in final.columns
             and final["expected_children"].null_count() < final.height
             and info.planning_children is not None and info.ledger_as_of is not None)
    largest = final.sort(["share_units", "municipality_code"],
                         descending=[True, False]).row(0, named=True)
    if not known:
        return [PROMILLE, _proportion(largest, info, 1000, f"{PRINT.integer(1000)} barn")]
    return [PROMILLE, _example(largest, info), _why(final, info)]


def _share_of(row: dict, info: PublicationInfo, children: int) -> Decimal:
    """`children` × the share, exactly."""
    return Decimal(children * row["share_units"]) / total_units(info.decimals)


def _proportion(row: dict, info: PublicationInfo, children: int, which: str) -> str:
    share = PRINT.fixed(row["share_units"], info.decimals)
    return (f"Exempel: {row['municipality_name']} har {SHARE}et {share} ‰ för "
            f"{info.share_year}. Om {which} anvisas i landet under {info.share_year} motsvarar "
            f"{SHARE}et "
            f"{PRINT.integer(children)} × {share} / {PRINT.integer(1000)} = "
            f"{PRINT.decimal(_share_of(row, info, children), 1)} barn.")


def _example(row: dict, info: PublicationInfo) -> str:
    figure = info.planning_children or 0
    name = row["municipality_name"]
    expected = row["expected_children"]
    # "But" only where the rule gives another number than the share's whole children.
    same = PRINT.decimal(_share_of(row, info, figure), 0) == PRINT.integer(expected)
    text = (f"{_proportion(row, info, figure, planning_words(info))} "
            f"{'' if same else 'Men '}{name} väntas få {PRINT.integer(expected)} barn")
    if row.get("assigned_before") is None:
        return text + "."
    return (
        f"{text}: till och med {long_date(info.ledger_as_of)} har {name} fått "
        f"{PRINT.integer(row['assigned_before'])} barn sedan 1 januari 2016, mot målet "
        f"{_children(row['target_before'])} barn (måluppfyllelse "
        f"{PRINT.percent(row['fulfilment_before'])}, räknat med andelstalen för "
        f"{info.share_year}).")


def _why(final: pl.DataFrame, info: PublicationInfo) -> str:
    text = (f"Väntat antal barn är därför inte {SHARE}et gånger {PLANNING_FIGURE}et. {RULE} "
            f"Väntat antal barn är vad regeln ger om alla {PRINT.integer(info.planning_children)}"
            " barn anvisas utjämnande; anknytningsanvisningar, till en kommun som barnet har "
            "anknytning till, ingår inte. Statistikwebbplatsen räknar med samma prognos.")
    none = final.filter(pl.col("expected_children") == 0).sort(
        ["share_units", "municipality_code"], descending=[True, False])
    if none.height:
        row = none.row(0, named=True)
        text += (f" {PRINT.integer(none.height)} kommuner väntas inte få något barn under "
                 f"{info.share_year}, till exempel {row['municipality_name']} med {SHARE}et "
                 f"{PRINT.fixed(row['share_units'], info.decimals)} ‰")
        fulfilment = row.get("fulfilment_before")
        text += "." if fulfilment is None else f" och måluppfyllelsen {PRINT.percent(fulfilment)}."
    return text


def _children(target: float | None) -> str:
    """A target as a whole number of children, half up."""
    return MISSING if target is None else PRINT.decimal(target, 0)
