"""The reader's guide before the table: what 1 ‰ means, one worked example with the table's own
figures, and why the expected children are not share × the planning figure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from pipeline.publication.guide import reading_guide
from pipeline.publication.table import PublicationInfo
from tests.publication_data import final_shares

INFO = PublicationInfo(share_year=2026, decision_date=date(2025, 12, 15), decimals=2,
                       parameter_set="standard", parameters={}, inputs=[], run_id="r")


def with_expected() -> pl.DataFrame:
    """Leksand (2029) has the largest share, 5,60 ‰; Nykvarn (0140, 5,58 ‰) and Åstorp (1277,
    5,57 ‰) are expected to receive none."""
    code = pl.col("municipality_code")
    return final_shares().with_columns(
        expected_children=pl.when(code.is_in(["0140", "1277"])).then(0).otherwise(1)
        .cast(pl.Int64),
        assigned_before=pl.when(code == "2029").then(37).otherwise(20).cast(pl.Int64),
        target_before=pl.when(code == "2029").then(41.44).otherwise(20.0),
        fulfilment_before=pl.when(code == "2029").then(89.3).when(code == "0140").then(131.4)
        .otherwise(100.0),
    )


def test_the_guide_says_what_one_promille_is():
    guide = reading_guide(final_shares(), INFO)
    assert guide[0].startswith("Andelstalet anges i promille (‰), tusendelar. 1 ‰ betyder ett barn "
                               "av tusen")


def test_without_expected_children_the_example_is_the_share_of_a_thousand():
    guide = reading_guide(final_shares(), INFO)
    assert len(guide) == 2
    # 1 000 × 5,60 / 1 000 = 5,6 children.
    assert guide[1] == ("Exempel: Leksand har andelstalet 5,60 ‰ för 2026. Om 1 000 barn anvisas "
                        "i landet under 2026 motsvarar andelstalet 1 000 × 5,60 / 1 000 = 5,6 "
                        "barn.")


def test_the_worked_example_compares_share_times_figure_with_the_rules_answer():
    info = replace(INFO, planning_children=410, planning_scenario="base",
                   ledger_as_of=date(2025, 12, 31))
    example = reading_guide(with_expected(), info)[1]
    # 410 × 5,60 / 1 000 = 2,296 -> 2,3 children; the rule gives 1.
    assert example.startswith(
        "Exempel: Leksand har andelstalet 5,60 ‰ för 2026. Om 410 barn (planeringstal: scenariot "
        "Bas i den nationella prognosen för 2026) anvisas i landet under 2026 motsvarar "
        "andelstalet "
        "410 × 5,60 / 1 000 = 2,3 barn. Men Leksand väntas få 1 barn")
    assert ("till och med 31 december 2025 har Leksand fått 37 barn sedan 1 januari 2016, mot "
            "målet 41 barn (måluppfyllelse 89,3 %") in example


def test_why_names_the_rule_and_the_largest_share_expecting_no_child():
    info = replace(INFO, planning_children=410, planning_scenario="base",
                   ledger_as_of=date(2025, 12, 31))
    why = reading_guide(with_expected(), info)[2]
    assert why.startswith("Väntat antal barn är därför inte andelstalet gånger planeringstalet.")
    assert "lägst måluppfyllelse" in why
    assert ("2 kommuner väntas inte få något barn under 2026, till exempel Nykvarn med "
            "andelstalet 5,58 ‰ och måluppfyllelsen 131,4 %.") in why
