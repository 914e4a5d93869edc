"""The change explained in Swedish (pipeline.presentation.change_explained), on hand-made rows:
the terms in a line, the sentence for each kind of largest cause, the published columns."""

from __future__ import annotations

import pytest

from pipeline.model.explain import FACTORS, PUBLISHED_TERMS, direction, units
from pipeline.presentation.change_explained import (
    cause_sentence,
    main_cause,
    method_sentences,
    terms_text,
)
from pipeline.presentation.columns import CHANGE_TERMS

NBSP = "\u00a0"
YEARS = (2025, 2026, 2023, 2024)  # previous and this share year, their reference years


def row(main: str = "change_population", amount: int = 0, moved: int = 0,
        change: int | None = None, **terms: int) -> dict:
    """A row of ChangeExplanation.table: every term 0 but `terms`, the main term `main` with
    `amount` units and its statistic moved `moved`."""
    values = {units(f.column): 0 for f in FACTORS}
    values |= {units("change_rounding"): 0, units("change_redistribution"): 0}
    values |= {direction(f): 0 for f in FACTORS}
    values |= {f.column: 0.0 for f in FACTORS}
    values[units(main)] = amount
    if main != "change_redistribution":
        values[main] = amount / 100
        values[direction(next(f for f in FACTORS if f.column == main))] = moved
    values |= {units(name): value for name, value in terms.items()}
    return {**values, "main_term": main,
            "change_units": sum(v for k, v in values.items() if k.endswith("_units"))
            if change is None else change}


def test_the_terms_in_a_line_leave_out_the_zeros_and_keep_the_order():
    line = terms_text(row("change_newcomers", 3, change_population=-12,
                          change_rounding=1, change_redistribution=-50), 2)
    assert line == (f"Befolkning −0,12{NBSP}‰ · Mottagna nyanlända +0,03{NBSP}‰ · "
                    f"Avrundning +0,01{NBSP}‰ · Omfördelning −0,50{NBSP}‰")
    assert terms_text(row(), 2) == "Ingen förändring"


def test_the_main_cause_for_a_table_in_the_plain_form():
    assert main_cause(row("change_asylum_days", -117), 2) == "Boendedygn asylsökande -1,17 ‰"
    assert main_cause(row(), 2) == "–"


@pytest.mark.parametrize(("main", "amount", "moved", "sentence"), [
    ("change_population", -12, -1,
     "Störst betydelse har att kommunens andel av rikets folkmängd minskade från 2023 till "
     f"2024, vilket sänker andelen med 0,12{NBSP}‰."),
    ("change_newcomers", -5, 1,
     "Störst betydelse har att kommunens andel av rikets mottagande av nyanlända ökade från "
     f"2023 till 2024, vilket sänker andelen med 0,05{NBSP}‰."),
    # The municipality's own part did not move the way its share did: the others' did.
    ("change_asylum_days", -66, -1,
     "Störst betydelse har förändringar i asylsökandes boendedygn i andra kommuner från 2023 "
     f"till 2024, vilket sänker andelen med 0,66{NBSP}‰."),
    ("change_population", 4, 0,
     "Störst betydelse har förändringar i andra kommuners folkmängd från 2023 till 2024, "
     f"vilket höjer andelen med 0,04{NBSP}‰."),
    ("change_parameters", 210, 0,
     f"Störst betydelse har att modellens parametrar ändrades, vilket höjer andelen med "
     f"2,10{NBSP}‰."),
])
def test_the_sentence_names_the_largest_cause_in_plain_words(main, amount, moved, sentence):
    assert cause_sentence(row(main, amount, moved), 2, YEARS, drafted=True,
                          last_year_redistributed=0) == sentence


def test_the_sentence_for_a_redistribution_in_the_draft_and_in_the_decision():
    undone = row("change_redistribution", 50)
    assert cause_sentence(undone, 2, YEARS, drafted=True, last_year_redistributed=-50) == (
        "Störst betydelse har att omfördelningen 2025 inte gäller för utkastet 2026, vilket "
        f"höjer andelen med 0,50{NBSP}‰.")
    assert cause_sentence(undone, 2, YEARS, drafted=False, last_year_redistributed=0) == (
        f"Störst betydelse har omfördelningen i länet 2026, vilket höjer andelen med 0,50{NBSP}‰.")
    assert cause_sentence(undone, 2, YEARS, drafted=False, last_year_redistributed=-20) == (
        "Störst betydelse har att omfördelningen i länet ändrades från 2025 till 2026, vilket "
        f"höjer andelen med 0,50{NBSP}‰.")


def test_a_change_of_rounding_alone_and_no_change_at_all():
    assert cause_sentence(row(change_rounding=1), 2, YEARS, drafted=True,
                          last_year_redistributed=0) == (
        "Förändringen kommer bara av att andelarna avrundas till två decimaler.")
    assert cause_sentence(row(), 2, YEARS, drafted=True,
                          last_year_redistributed=0) == "Andelen är oförändrad."


def test_the_method_is_three_sentences_naming_every_statistic():
    sentences = method_sentences("Förändring", 2025, 2)
    assert len(sentences) == 3 and all(s.endswith(".") for s in sentences)
    assert sentences[0] == (
        "Bladet Förändring delar upp varje kommuns förändring sedan 2025 på det som andelen "
        "räknas fram från: befolkning, mottagna nyanlända, mottagna ensamkommande barn, "
        "boendedygn asylsökande och boendedygn ankomstkommun samt modellens parametrar.")
    assert "två decimaler" in sentences[2]


def test_the_published_change_columns_have_a_swedish_heading_and_a_one_line_explanation():
    assert [c.name for c in CHANGE_TERMS] == list(PUBLISHED_TERMS) == [
        "change_population", "change_newcomers", "change_minors", "change_asylum_days",
        "change_arrival_days", "change_parameters", "change_rounding", "change_calculated",
        "change_redistribution"]
    assert [c.heading() for c in CHANGE_TERMS] == [
        "Befolkning ‰", "Mottagna nyanlända ‰", "Mottagna ensamkommande barn ‰",
        "Boendedygn asylsökande ‰", "Boendedygn ankomstkommun ‰", "Parametrar ‰",
        "Avrundning ‰", "Förändring beräknad andel ‰", "Omfördelning ‰"]
    for column in CHANGE_TERMS:
        text = column.explain(year=2026, previous=2025)
        assert text.endswith(".") and "{" not in text and text[0].isupper(), column.name
