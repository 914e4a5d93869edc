"""The Swedish presentation (pipeline.presentation): known renderings written out by hand, in the
forms the outputs print them (decimal comma; a space, a no-break space or nothing between
thousands; the real minus sign U+2212 where print and site show negatives)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.units import parse_promille
from pipeline.model.parameters import ModelParameters
from pipeline.presentation.columns import (
    DRAFT_TABLE,
    FULFILMENT_TABLE,
    SHARE_TABLE,
    STATISTIC_COLUMNS,
)
from pipeline.presentation.explanation import (
    county_board_paragraphs,
    parameter_rows,
    public_sentences,
)
from pipeline.presentation.formats import (
    PLAIN,
    PRINT,
    WEB,
    long_date,
    month_number,
    weekday_date,
)
from pipeline.publication.table import PublicationInfo
from pipeline.publication.texts import table_headers

NBSP = "\u00a0"
MINUS = "\u2212"
DEFAULTS = {"name": "standard", "weight_newcomers": 1.0, "weight_minors": 1.0,
            "weight_asylum_days": 1.0, "weight_arrival_days": 1.0,
            "reception_adjustment": 0.5, "floor_promille": 1.0, "decimals": 2,
            "reference_year_offset": 2}

# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("units", "decimals", "signed", "text"), [
    (347, 2, False, "3,47"), (0, 2, False, "0,00"), (5, 2, False, "0,05"),
    (100_000, 2, False, "1 000,00"), (1000, 0, False, "1 000"),
    (123_456_789, 2, False, "1 234 567,89"), (-25, 2, False, MINUS + "0,25"),
    (-123_456, 2, True, MINUS + "1 234,56"), (25, 2, True, "+0,25"), (0, 2, True, "0,00"),
    (7, 0, False, "7"), (12_345, 4, False, "1,2345"),
])
def test_print_writes_shares_exactly_with_spaced_thousands_and_a_real_minus(
        units, decimals, signed, text) -> None:
    assert PRINT.fixed(units, decimals, signed=signed) == text


def test_an_empty_value_is_a_dash_not_zero() -> None:
    assert PRINT.fixed(None, 2) == "–"
    assert WEB.decimal(None, 1) == "–"
    assert WEB.percent(None) == "–"


def test_the_site_keeps_a_figure_and_its_unit_on_one_line() -> None:
    assert WEB.integer(8918) == f"8{NBSP}918"
    assert WEB.integer(1_234_567) == f"1{NBSP}234{NBSP}567"
    assert WEB.integer(-5) == MINUS + "5"
    assert WEB.promille(343, 2) == f"3,43{NBSP}‰"
    assert WEB.promille(100_000, 2) == f"1{NBSP}000,00{NBSP}‰"
    assert WEB.percent(101.3) == f"101,3{NBSP}%"
    assert WEB.quantity(2, 2, "‰") == f"2,00{NBSP}‰"


@pytest.mark.parametrize(("value", "places", "text"), [
    (0, 0, "0"), (1234567, 0, f"1{NBSP}234{NBSP}567"), (97.25, 1, "97,3"), (97.24, 1, "97,2"),
    (0.05, 1, "0,1"), (1234.5, 2, f"1{NBSP}234,50"), (-3.5, 1, MINUS + "3,5"),
    (-0.04, 1, "0,0"),
])
def test_the_site_rounds_half_up(value, places, text) -> None:
    assert WEB.decimal(value, places) == text


def test_plain_numbers_are_what_swedish_excel_reads_back() -> None:
    assert PLAIN.fixed(100_000, 2) == "1000,00"
    assert PLAIN.fixed(-25, 2) == "-0,25"
    assert PLAIN.fixed(25, 2, signed=True) == "+0,25"
    assert PLAIN.promille(50, 2) == "0,50 ‰"


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=4))
def test_a_plain_share_reads_back_to_its_units(units, decimals) -> None:
    assert parse_promille(PLAIN.fixed(units, decimals), decimals) == units


@pytest.mark.parametrize(("numbers", "value", "places", "text"), [
    (PRINT, 0.5, None, "0,5"), (PRINT, 1.0, None, "1"), (PRINT, 2, None, "2"),
    (PRINT, 1.0, 2, "1,00"), (PRINT, 1e-7, None, "0,0000001"),
    (PRINT, 1_234_567.0, None, "1234567"), (PRINT, -5.5, None, MINUS + "5,5"),
    (PLAIN, -5.5, None, "-5,5"), (PLAIN, 0.25, None, "0,25"),
])
def test_a_value_is_written_as_typed_never_grouped(numbers, value, places, text) -> None:
    assert numbers.number(value, places) == text


# --- dates and months ---------------------------------------------------------------------------


def test_dates_are_written_out_in_swedish() -> None:
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    assert [long_date(date(2026, month, 1)) for month in range(1, 13)] == [
        f"1 {name} 2026" for name in months]
    assert long_date(date(2025, 12, 31)) == "31 december 2025"
    assert weekday_date(date(2025, 12, 5)) == "fredag 5 december 2025"
    assert weekday_date(date(2026, 1, 5)) == "måndag 5 januari 2026"


@pytest.mark.parametrize(("word", "month"), [
    ("december", 12), ("DECEMBER", 12), ("dec", 12), ("Sept", 9), ("sep", 9), ("maj", 5),
    ("mars", 3), ("mar", 3), ("okt", 10), ("foo", None), ("ma", None), ("octobre", None),
])
def test_a_month_is_read_from_its_name_or_its_usual_abbreviation(word, month) -> None:
    assert month_number(word) == month


# --- the published columns ----------------------------------------------------------------------


def test_the_share_table_columns_are_the_machine_csv_and_its_swedish_headings() -> None:
    assert [c.name for c in SHARE_TABLE] == [
        "municipality_code", "municipality_name", "county_code", "county_name",
        "calculated_promille", "given_promille", "received_promille", "share_promille",
        "previous_share_promille", "change_promille", "expected_children",
        "changed_from_version"]
    assert [c.heading(year=2026, previous=2025) for c in SHARE_TABLE] == [
        "Kommunkod", "Kommun", "Länskod", "Län", "Beräknat andelstal ‰", "Lämnat ‰", "Mottaget ‰",
        "Andelstal 2026 ‰", "Andelstal 2025 ‰", "Förändring ‰", "Väntat antal barn 2026",
        "Ändrad från version"]


def test_the_pdf_and_excel_headings_leave_out_the_county_and_the_unknown_context() -> None:
    info = PublicationInfo(share_year=2026, decision_date=date(2025, 12, 15), decimals=2,
                           parameter_set="standard", parameters=DEFAULTS, inputs=[], run_id="r")
    assert table_headers(info, has_previous=False, has_expected=False) == [
        "Kommunkod", "Kommun", "Beräknat andelstal ‰", "Lämnat ‰", "Mottaget ‰",
        "Andelstal 2026 ‰"]
    assert table_headers(info, has_previous=True, has_expected=True)[-3:] == [
        "Andelstal 2025 ‰", "Förändring ‰", "Väntat antal barn 2026"]
    assert table_headers(info, has_previous=False, has_expected=False,
                         has_changes=True)[-1] == "Ändrad från version"


def test_the_fulfilment_headings() -> None:
    assert [c.heading() for c in FULFILMENT_TABLE] == [
        "Kommunkod", "Kommun", "Länskod", "Andel ‰", "Anvisade sedan 2016", "Mål",
        "Måluppfyllelse %"]


def test_every_published_column_has_a_heading_a_unit_and_a_one_line_explanation() -> None:
    values = {"year": 2026, "previous": 2025, "reference": 2024, "decimals": 2,
              "floor": "1,00 ‰"}
    for column in (*SHARE_TABLE, *DRAFT_TABLE, *FULFILMENT_TABLE):
        heading, text = column.heading(**values), column.explain(**values)
        assert heading and "{" not in heading, column
        assert text.endswith(".") and "\n" not in text and "{" not in text, column
        assert text[0].isupper(), column


def test_the_draft_sheet_explains_its_columns_with_this_years_values() -> None:
    values = {"year": 2026, "previous": 2024, "reference": 2024, "decimals": 2,
              "floor": "1,00 ‰"}
    texts = {c.heading(**values): c.explain(**values) for c in DRAFT_TABLE}
    assert texts["Folkmängd"] == "Folkmängd den 31 december 2024 (SCB)."
    assert texts["Golv"] == "Ja om andelen har lyfts till golvet 1,00 ‰, annars Nej."
    assert texts["Förändring ‰"].startswith("Utkast 2026 minus andel 2024;")
    previous = next(c for c in DRAFT_TABLE if c.name == "previous_units")
    assert previous.explain(empty=True, previous=2025) == (
        "Tom: ingen publicerad tabell för 2025.")
    assert [c.label for c in STATISTIC_COLUMNS] == [
        "Folkmängd", "Nyanlända", "Ensamkommande barn", "Boendedygn asylsökande",
        "Boendedygn ankomstkommun"]


# --- the model in Swedish -----------------------------------------------------------------------


def test_the_public_explanation_states_this_tables_parameters() -> None:
    sentences = public_sentences(DEFAULTS, 2, 2026, 2024)
    assert sentences[0] == ("Andelstalen för 2026 beräknas från uppgifter för referensåret "
                            "2024.")
    assert ("Justerad andel = befolkningsandel + α × (befolkningsandel − mottagandeandel), där "
            "α = 0,5.") in sentences[3]
    assert sentences[4] == (
        "Ingen kommun får en lägre andel än 1,00 ‰. Övriga andelar skalas så att summan blir "
        "1 000,00 ‰ och avrundas till två decimaler så att summan stämmer exakt (största resten "
        "först).")


def test_the_county_boards_explanation_shows_the_arithmetic() -> None:
    parameters = ModelParameters.from_values(DEFAULTS)
    paragraphs = dict(county_board_paragraphs(2026, 2, "standard", parameters))
    assert paragraphs["Mottagande"].startswith(
        "Mottagande = 1 × nyanlända + 1 × ensamkommande barn + (1 × boendedygn asylsökande + "
        "1 × boendedygn ankomstkommun) / 366 (boendedygnen räknas om till helår med 366 dagar).")
    assert paragraphs["Avrundning"].startswith(
        f"Andelarna avrundas till 2 decimaler så att summan för riket blir exakt "
        f"1{NBSP}000,00 ‰:")
    assert county_board_paragraphs(2026, 2, "standard", None) == [
        ("Parametrar", "Parameteruppsättning: standard.")]


def test_both_explanations_state_the_same_parameter_values() -> None:
    values = {**DEFAULTS, "reception_adjustment": 0.25, "floor_promille": 0.5}
    public = " ".join(public_sentences(values, 2, 2026, 2024))
    county = " ".join(text for _, text in county_board_paragraphs(
        2026, 2, "standard", ModelParameters.from_values(values)))
    for text in (public, county):
        assert "α = 0,25" in text
        assert "lägre andel än 0,50 ‰" in text


def test_the_parameters_under_swedish_names() -> None:
    assert parameter_rows(DEFAULTS, 2) == [
        ("Parameteruppsättning", "standard"), ("Vikt för nyanlända", "1"),
        ("Vikt för ensamkommande barn", "1"), ("Vikt för boendedygn asylsökande", "1"),
        ("Vikt för boendedygn ankomstkommun", "1"), ("Mottagandejustering α", "0,5"),
        ("Lägsta andel, ‰", "1,00"), ("Antal decimaler", "2"),
        ("Referensår = andelsår minus (år)", "2")]
